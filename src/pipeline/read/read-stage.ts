/**
 * The read stage: the retention purge, the pull from Amazon into the store, then the jobs of
 * the horizon read back from the store, each parsed once here and carried parsed, normalised
 * into plannable jobs, an absent technician's visits released; and the ledger of what Amazon
 * holds of this engine's capacity writes, folded once for the stages that follow.
 */
import type { PlanningIssue } from '../issues.ts';
import type { RunContext } from '../run-context.ts';
import { foldLedger, type Ledger } from '../write/ledger.ts';
import { releaseUnavailableTechnicians } from './absent-technicians.ts';
import { withJobHistory } from '../job-preferences.ts';
import { normaliseParsed, type PlannableJob } from './normalise.ts';
import { pullJobsShown } from './pull.ts';
import { parseServiceJob, type ServiceJob } from './service-job.ts';

export interface ReadJobs {
  /** The jobs as the store holds them (with personal fields decrypted): only for an opt-in dispatcher copy. */
  raws: unknown[];
  /** The same jobs, parsed once; the ones that failed to parse are in `issues`. */
  parsed: ServiceJob[];
  /** What can be planned, in the order read. */
  jobs: PlannableJob[];
  byId: ReadonlyMap<string, PlannableJob>;
  /** Appointment times Amazon refused before (`${jobId}|${startMs}`). */
  refused: ReadonlySet<string>;
  /** Visits of absent technicians already under way: history, not planned again. */
  underWay: string[];
  /** Issues of the pull and of normalisation, in that order. */
  issues: PlanningIssue[];
  /** What Amazon holds of this engine's capacity writes, before this run writes anything. */
  ledger: Ledger;
}

export async function readStage(run: RunContext): Promise<ReadJobs> {
  const { deps, options, progress, setup, storeIds, timed } = run;
  await timed('purge', async () => {
    const step = progress.start('purge', 'Retention purge');
    const purged = await deps.store.purge(deps.clock());
    step.done(`personal data removed from ${purged.jobs} closed jobs`);
  });
  const pullIssues: PlanningIssue[] = [];
  if (options.skipPull !== true) {
    await timed('pull', async () => {
      const r = await pullJobsShown(
        deps.services,
        deps.store,
        {
          storeIds,
          marketplaceId: options.marketplaceId,
          now: run.now,
          lookbackDays: setup.rules.pullLookbackDays,
        },
        progress,
      );
      pullIssues.push(...r.issues);
    });
  }
  const { raws, refused } = await timed('read', async () => ({
    raws: await deps.store.plannableJobs(storeIds, setup.horizon),
    refused: await deps.store.refusedAppointmentTimes(storeIds),
  }));
  const normalised = await timed('normalise', async () => {
    const parses = raws.map(parseServiceJob);
    const n = normaliseParsed(parses, run.fullSetup, run.now, refused);
    const released = releaseUnavailableTechnicians(n.jobs, run.unavailable, run.now);
    return {
      ...n,
      parsed: parses.flatMap((p) => (p.ok ? [p.job] : [])),
      jobs: await withJobHistory(deps.store, setup, released.jobs, run.now),
      issues: [...n.issues, ...released.issues],
      underWay: released.startedIds,
    };
  });
  const issues: PlanningIssue[] = [...pullIssues, ...normalised.issues];
  progress.note(
    `${normalised.jobs.length} plannable jobs, ${issues.filter((i) => i.level === 'error').length} not plannable, ${normalised.outOfScope} outside the horizon or closed`,
  );
  const ledger = foldLedger(await deps.store.ledgerEvents(storeIds));
  return {
    raws,
    parsed: normalised.parsed,
    jobs: normalised.jobs,
    byId: new Map(normalised.jobs.map((j) => [j.serviceJobId, j])),
    refused,
    underWay: normalised.underWay,
    issues,
    ledger,
  };
}
