/**
 * The run's report as Markdown. The report's data is built by the planning run
 * (src/pipeline/report/run-report.ts); ids only, no buyer's name, phone or address.
 */
import { DateTime } from 'luxon';
import type { PlanReport } from '../pipeline/report/run-report.ts';

export { storedPlanReport } from '../pipeline/report/run-report.ts';
export type { PlanReport } from '../pipeline/report/run-report.ts';

const local = (isoTime: string, zone: string): string =>
  DateTime.fromISO(isoTime, { zone }).toFormat('HH:mm');

/** Jobs not planned listed in the Markdown; the rest are counted, and all are in the JSON. */
const NOT_PLANNED_SHOWN = 50;

export function reportMarkdown(report: PlanReport): string {
  const k = report.kpis;
  const storeNames = report.storeNames;
  const lines: string[] = [
    `# Plan ${report.planId}`,
    '',
    `Days ${report.days.join(', ')} · ${storeNames.length === 1 ? 'store' : 'stores'} ${storeNames.join(', ')} · ${report.mode} · generated ${report.generatedAt}`,
    '',
    '## KPIs',
    '',
    '| KPI | value |',
    '| --- | ---: |',
    `| jobs planned | ${k.jobsPlanned} of ${k.jobsInScope} (${k.demandCoveredPct} %) |`,
    `| jobs not planned | ${k.jobsNotPlanned} |`,
    `| travel | ${k.travelHours} h (${k.travelSharePct} % of travel and service) |`,
    `| service | ${k.serviceHours} h |`,
    `| utilisation (service / shift time of every technician on shift) | ${k.utilisationPct} % |`,
    `| overtime | ${k.overtimeHours} h |`,
    `| on-time risk (arrival < 15 min before latest start, or late) | ${k.onTimeRisk} |`,
    `| late visits (start after latest start) | ${k.lateVisits} (${k.latenessMinutes} min in all) |`,
    `| technicians used | ${k.techniciansUsed} of ${k.techniciansAvailable} |`,
    '',
    '## Write-back',
    '',
    ...Object.entries(report.writeBack.planned).map(([op, n]) => `- ${op}: ${n}`),
    `- calls made: ${report.writeBack.callsMade}, failed: ${report.writeBack.failures.length}, in doubt: ${report.writeBack.inDoubt}`,
    ...report.writeBack.failures.map(
      (f) => `  - ${f.serviceJobId ?? '-'} ${f.operation}: ${f.code} ${f.message}`,
    ),
    '',
    '## Routes',
  ];
  for (const r of report.routes) {
    lines.push(
      '',
      `### ${r.technicianNames.join(' + ')} · ${r.day}`,
      '',
      `Shift ${local(r.shift.start, r.timeZone)}–${local(r.shift.end, r.timeZone)} (${r.timeZone}) · travel ${r.travelMinutes} min · service ${r.serviceMinutes} min · waiting ${r.waitMinutes} min · utilisation ${r.utilisationPct} %`,
      '',
      '| # | job | arrival | start | end | travel (min) | wait (min) |',
      '| ---: | --- | --- | --- | --- | ---: | ---: |',
      ...r.stops.map(
        (s, i) =>
          `| ${i + 1} | ${s.serviceJobId} | ${local(s.arrival, r.timeZone)} | ${local(s.start, r.timeZone)} | ${local(s.end, r.timeZone)} | ${s.travelMinutes} | ${s.waitMinutes} |`,
      ),
    );
    for (const b of r.breaks)
      lines.push('', `Break ${local(b.start, r.timeZone)}–${local(b.end, r.timeZone)}`);
  }
  lines.push('', '## Not planned', '');
  if (report.unassigned.length === 0) lines.push('None.');
  else {
    lines.push('| job | code | level | reason |', '| --- | --- | --- | --- |');
    for (const u of report.unassigned.slice(0, NOT_PLANNED_SHOWN))
      lines.push(`| ${u.serviceJobId ?? '-'} | ${u.code} | ${u.level} | ${u.reason.replace(/\|/g, '/')} |`);
    const more = report.unassigned.length - NOT_PLANNED_SHOWN;
    if (more > 0)
      lines.push(
        '',
        `… and ${more} more: every one with its reason in report.json, or \`fieldplan report --plan ${report.planId} --json\`.`,
      );
  }
  lines.push(
    '',
    '## Timings',
    '',
    ...Object.entries(report.timingsMs).map(([s, ms]) => `- ${s}: ${ms} ms`),
    '',
  );
  return lines.join('\n');
}
