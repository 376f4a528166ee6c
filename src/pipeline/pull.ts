/**
 * Pull: every page of getServiceJobs for the stores into the store. The first run reads jobs
 * created in the lookback period; later runs read only what changed since the stored
 * watermark (lastUpdatedAfter), which also brings cancellations and completions.
 */
import type { JobQuery, PipelineStorePort, ServicesPort } from './ports.ts';

export interface PullResult {
  pages: number;
  jobs: number;
  mode: 'full' | 'incremental';
  since: string;
}

/** Changes written just before the watermark was read must not be missed: read a little further back. */
const WATERMARK_OVERLAP_MS = 5 * 60_000;

export async function pullJobs(
  services: ServicesPort,
  store: PipelineStorePort,
  input: { storeIds: string[]; marketplaceId: string; now: number; lookbackDays: number },
  onPage?: (p: { pages: number; jobs: number; total: number | undefined }) => void,
): Promise<PullResult> {
  const marks = await Promise.all(input.storeIds.map((id) => store.getWatermark(id, input.marketplaceId)));
  const known = marks.filter((m): m is string => m !== undefined);
  const incremental = known.length === input.storeIds.length && known.length > 0;
  const since = incremental
    ? new Date(Math.min(...known.map((m) => Date.parse(m))) - WATERMARK_OVERLAP_MS).toISOString()
    : new Date(input.now - input.lookbackDays * 86_400_000).toISOString();
  const query: JobQuery = {
    marketplaceId: input.marketplaceId,
    storeIds: input.storeIds,
    ...(incremental ? { lastUpdatedAfter: since } : { createdAfter: since }),
  };
  let pages = 0;
  let jobs = 0;
  for await (const page of services.listServiceJobs(query)) {
    pages += 1;
    jobs += page.jobs.length;
    if (page.jobs.length > 0) await store.saveJobs(page.jobs);
    onPage?.({ pages, jobs, total: page.totalResultSize });
  }
  const mark = new Date(input.now).toISOString();
  for (const id of input.storeIds) await store.setWatermark(id, input.marketplaceId, mark);
  return { pages, jobs, mode: incremental ? 'incremental' : 'full', since };
}
