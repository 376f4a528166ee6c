/** `fieldplan report`: print or write the report of a stored plan (the latest by default). Ids only. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Plan } from '../pipeline/write/plan.ts';
import { storedPlanReport, reportMarkdown } from '../report/plan-report.ts';
import { describeError, EXIT } from './plan.ts';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';

interface ReportOptions extends StoreCommandOptions {
  plan?: string;
  out?: string;
  json?: boolean;
}

export function registerReportCommand(program: Command): void {
  const command = withStoreOptions(
    program
      .command('report')
      .description('Show the report of a stored plan: routes, jobs left out, KPIs.')
      .option('--plan <id>', 'plan id (default: the latest plan)'),
    'existing',
  )
    .option('--out <dir>', 'write report.json and report.md there instead of printing')
    .option('--json', 'print JSON instead of Markdown')
    .action(async (opts: ReportOptions) => {
      // A missing store or key ends the command here, before anything is created.
      const store = await openStoreForCommand(command, opts, {}, 'existing');
      try {
        const planId =
          opts.plan ?? (await store.plans.list({ limit: 20 })).find((p) => p.status !== 'running')?.planId;
        const record = planId !== undefined ? await store.plans.get(planId) : undefined;
        if (record === undefined || record.plan === null)
          throw new Error(planId ? `no plan ${planId} in the store` : 'no plan in the store yet');
        const plan = record.plan as Plan;
        // The KPIs the run stored: the same numbers as the run's own report.
        const report = storedPlanReport(record.planId, plan, Date.now(), record.kpis);
        if (opts.out !== undefined) {
          await mkdir(opts.out, { recursive: true });
          await writeFile(join(opts.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
          await writeFile(join(opts.out, 'report.md'), reportMarkdown(report));
          console.log(`Wrote ${join(opts.out, 'report.md')} and report.json`);
        } else console.log(opts.json ? JSON.stringify(report, null, 2) : reportMarkdown(report));
        process.exitCode = EXIT.ok;
      } catch (err) {
        console.error(`error: ${describeError(err)}`);
        process.exitCode = EXIT.error;
      } finally {
        await store.close();
      }
    });
}
