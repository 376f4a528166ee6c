/**
 * `fieldplan whatif <request>`: a staffing what-if for one store from the command line. The
 * request file is the body of `POST /v1/what-if` (JSON or YAML); the base is read from Amazon,
 * each sampled day is planned for the base crews and the scenario's in a worker thread, with
 * progress per sampled day on stderr. Prints a summary, or the whole result with --json.
 * Never writes to Amazon.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { WhatIfRequestSchema } from '../../api/whatif-request.ts';
import { whatIfUpdate } from '../pipeline/progress.ts';
import {
  applyChanges,
  checkStaffing,
  prepareWhatIf,
  ScenarioError,
  simulateInWorker,
} from '../whatif/index.ts';
import type { WhatIfResult } from '../whatif/run.ts';
import type { StaffingAnswer } from '../whatif/staffing.ts';
import { openAmazonCommand, withAmazonCommandOptions, type AmazonCommandOptions } from './amazon-command.ts';
import { describeError, EXIT } from './plan.ts';

type WhatIfRequest = z.infer<typeof WhatIfRequestSchema>;

/** The request file, checked as the API checks its body; a refusal names the field. */
export async function readWhatIfRequest(file: string): Promise<WhatIfRequest> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(`cannot read the what-if request ${file}: ${err.code ?? err.message}`);
  });
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`${file}: expected a JSON (or .yaml) what-if request`);
  }
  const parsed = WhatIfRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['request', ...issue.path.map(String)].join('.');
    throw new InvalidArgumentError(`${path}: ${issue.message}`);
  }
  return parsed.data;
}

const pct = (x: number): string => `${x.toFixed(1)} %`;

export function formatWhatIf(storeId: string, r: WhatIfResult): string {
  const row = (name: string, pick: (s: WhatIfResult['base']['summary']) => string): string =>
    `  ${name.padEnd(22)} ${pick(r.base.summary).padStart(10)}  ${pick(r.scenario.summary).padStart(10)}`;
  const staffing = (s: WhatIfResult['base']['summary']): string =>
    s.staffingTechnicians === null ? '-' : String(s.staffingTechnicians.max);
  return [
    `What-if for store ${storeId}: ${r.samples} sampled days, seed ${r.seed}, ${r.iterations} iterations per plan`,
    `  ${''.padEnd(22)} ${'base'.padStart(10)}  ${'scenario'.padStart(10)}`,
    row('served (median)', (s) => pct(s.servedPct.median)),
    row('served (worst day)', (s) => pct(s.servedPct.min)),
    row('travel h (median)', (s) => s.travelHours.median.toFixed(1)),
    row('utilisation (median)', (s) => pct(s.utilisationPct.median)),
    row('overtime h (median)', (s) => s.overtimeHours.median.toFixed(1)),
    row(`LP bound for ${r.targetServedPct} %`, staffing),
    `  The LP bound is a relaxation (no travel, no windows): at least that many technicians are needed to serve ${r.targetServedPct} % of a day's jobs.`,
    ...(r.staffing === null ? [] : staffingLines(r.staffing)),
  ].join('\n');
}

/** The staffing answer searched on the simulation, in a planner's words. */
function staffingLines(a: StaffingAnswer): string[] {
  const profile = `technicians like ${a.profile.like} (${a.profile.skills.join(', ')})`;
  const answer =
    a.reached && a.technicians !== null && a.servedPct !== null
      ? `  Simulated: ${a.technicians} ${profile} serve ${pct(a.servedPct[a.percentile])} at the ${a.percentile} ` +
        `(10th–90th percentile ${pct(a.servedPct.p10)}–${pct(a.servedPct.p90)} over ${a.samples} sampled days)`
      : `  Simulated: no staffing level of ${profile} tried reaches ${a.targetServedPct} % at the ${a.percentile}`;
  return [answer, ...(a.note === null ? [] : [`  ${a.note}`])];
}

async function whatIfCommand(file: string, opts: AmazonCommandOptions): Promise<number> {
  const request = await readWhatIfRequest(file);
  const ctx = await openAmazonCommand(opts);
  try {
    if (!ctx.config.stores.some((s) => s.storeId === request.storeId))
      throw new ScenarioError('storeId', `store ${request.storeId} is not in the crews config`);
    const staffing = request.staffing === false ? undefined : request.staffing;
    checkStaffing(applyChanges(ctx.config, request.storeId, request.changes), request.storeId, staffing);
    const prepared = await prepareWhatIf(
      { ...ctx, clock: () => new Date() },
      request.storeId,
      request.base,
      request.changes,
      {
        samples: request.samples,
        seed: request.seed,
        iterations: request.iterations,
        targetServedPct: request.targetServedPct,
        capacitySkill: request.capacitySkill,
        samplePlans: request.samplePlans,
        staffing,
      },
    );
    const step = ctx.progress.start('what-if', 'Simulating days');
    const result = await simulateInWorker(prepared, (p) => {
      const u = whatIfUpdate(p, prepared.options.samples);
      step.update(u.value, u.total, u.detail);
    });
    step.done(
      `${result.samples} sampled days, served ${pct(result.base.summary.servedPct.median)} → ${pct(result.scenario.summary.servedPct.median)} (median)`,
    );
    console.log(opts.json === true ? JSON.stringify(result, null, 2) : formatWhatIf(request.storeId, result));
    return EXIT.ok;
  } finally {
    await ctx.close();
  }
}

export function registerWhatIfCommand(program: Command): void {
  const command = program
    .command('whatif <request>')
    .description(
      'Simulate a staffing what-if for a store (the POST /v1/what-if body as a JSON or YAML file); never writes to Amazon',
    );
  withAmazonCommandOptions(command, 'print the whole result as JSON').action(
    async (file: string, opts: AmazonCommandOptions) => {
      try {
        process.exitCode = await whatIfCommand(file, opts);
      } catch (err) {
        const message =
          err instanceof ScenarioError ? `request.${err.field}: ${err.message}` : describeError(err);
        console.error(`error: ${message}`);
        process.exitCode = EXIT.error;
      }
    },
  );
}
