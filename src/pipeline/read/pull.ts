/**
 * Pull: every page of getServiceJobs for the stores into the store. The first run reads jobs
 * created in the lookback period; later runs read only what changed since the stored
 * watermark (lastUpdatedAfter), which also brings cancellations and completions.
 */
import { invalidPayloadIssue, type PlanningIssue } from '../issues.ts';
import type { JobQuery, PipelineStorePort, ServicesPort } from '../ports.ts';
import type { ProgressSink } from '../progress.ts';
import { parseServiceJob } from './service-job.ts';

export interface PullResult {
  pages: number;
  jobs: number;
  mode: 'full' | 'incremental';
  since: string;
  /** Jobs whose payload cannot be stored or planned, and payloads with fields unknown to the model. */
  issues: PlanningIssue[];
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
  const issues: PlanningIssue[] = [];
  for await (const page of services.listServiceJobs(query)) {
    pages += 1;
    jobs += page.jobs.length;
    const valid: unknown[] = [];
    for (const raw of page.jobs) {
      const parsed = parseServiceJob(raw);
      if (!parsed.ok) {
        issues.push(invalidPayloadIssue(parsed));
        continue;
      }
      if (parsed.unknownFields.length > 0) {
        issues.push({
          serviceJobId: parsed.job.serviceJobId,
          code: 'UNKNOWN_FIELDS',
          level: 'warning',
          detail: `ignored fields not in the Services model: ${parsed.unknownFields.join(', ')}`,
        });
      }
      valid.push(raw);
    }
    if (valid.length > 0) await store.saveJobs(valid);
    onPage?.({ pages, jobs, total: page.totalResultSize });
  }
  const mark = new Date(input.now).toISOString();
  for (const id of input.storeIds) await store.setWatermark(id, input.marketplaceId, mark);
  return { pages, jobs, mode: incremental ? 'incremental' : 'full', since, issues };
}

/** The pull shown as a step of its own: pages read and jobs so far, then what was pulled. */
export async function pullJobsShown(
  services: ServicesPort,
  store: PipelineStorePort,
  input: Parameters<typeof pullJobs>[2],
  progress: ProgressSink,
): Promise<PullResult> {
  const step = progress.start('pull', 'Pulling service jobs');
  const r = await pullJobs(services, store, input, (p) =>
    step.update(p.pages, undefined, `${p.pages === 1 ? 'page' : 'pages'}, ${p.jobs} jobs`),
  );
  step.done(`${r.jobs} jobs in ${r.pages} pages (${r.mode})`);
  return r;
}
