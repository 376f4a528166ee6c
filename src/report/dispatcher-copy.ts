/**
 * The dispatcher's copy: the routes with each buyer's name, phone and address, for the people
 * who send technicians out. Personal data: written only when asked for, with owner-only file
 * permissions, and never part of the regular report.
 */
import type { Plan } from '../pipeline/write/plan.ts';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null ? (x as Obj) : {});

export function dispatcherCopy(plan: Plan, jobs: readonly unknown[]): string {
  const byId = new Map(jobs.map((j) => [String(obj(j).serviceJobId), obj(j)]));
  const lines = ['# Dispatcher copy (contains personal data: do not forward)', ''];
  for (const r of plan.routes) {
    lines.push(`## ${r.technicianIds.join(' + ')} · ${r.day}`, '');
    r.stops.forEach((s, i) => {
      const address = obj(obj(byId.get(s.serviceJobId)?.serviceLocation).address);
      const where = [
        address.addressLine1,
        address.addressLine2,
        address.city,
        address.stateOrRegion,
        address.postalCode,
      ]
        .filter((x) => typeof x === 'string' && x !== '')
        .join(', ');
      lines.push(
        `${i + 1}. ${new Date(s.start).toISOString()} ${s.serviceJobId} — ${String(address.name ?? '')}, ${String(address.phone ?? '')}, ${where}`,
      );
    });
    lines.push('');
  }
  return lines.join('\n');
}
