/** `fieldplan report`: print or write the report of a stored plan (the latest by default). Ids only. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openStore } from '../store/index.ts';
import type { Plan } from '../pipeline/plan.ts';
import { storedPlanReport, reportMarkdown } from '../report/plan-report.ts';
import { defaultDatabase, describeError, EXIT } from './plan.ts';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Show the report of a stored plan: routes, jobs left out, KPIs.')
    .option('--plan <id>', 'plan id (default: the latest plan)')
    .option(
      '--db <target>',
      'SQLite file or postgres:// URL (default: DATABASE_URL or .fieldplan/fieldplan.db)',
    )
    .option('--out <dir>', 'write report.json and report.md there instead of printing')
    .option('--json', 'print JSON instead of Markdown')
    .action(async (opts: { plan?: string; db?: string; out?: string; json?: boolean }) => {
      try {
        const store = await openStore(opts.db ?? defaultDatabase());
        try {
          const planId =
            opts.plan ?? (await store.plans.list({ limit: 20 })).find((p) => p.status !== 'running')?.planId;
          const record = planId !== undefined ? await store.plans.get(planId) : undefined;
          if (record === undefined || record.plan === null)
            throw new Error(planId ? `no plan ${planId} in the store` : 'no plan in the store yet');
          const plan = record.plan as Plan;
          const report = storedPlanReport(record.planId, plan, Date.now());
          if (opts.out !== undefined) {
            await mkdir(opts.out, { recursive: true });
            await writeFile(join(opts.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
            await writeFile(join(opts.out, 'report.md'), reportMarkdown(report));
            console.log(`Wrote ${join(opts.out, 'report.md')} and report.json`);
          } else console.log(opts.json ? JSON.stringify(report, null, 2) : reportMarkdown(report));
        } finally {
          await store.close();
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        console.error(`error: ${describeError(err)}`);
        process.exitCode = EXIT.error;
      }
    });
}
