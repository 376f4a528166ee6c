/**
 * Checks made before a planning run reads or writes anything: the first day is not in the past,
 * and every store and technician of the crews config is a resource Amazon knows. A crews config
 * written for another seller (or for the local sandbox started with another seed or size)
 * otherwise fails only after the solve, half-way into the write-back.
 */
import { DateTime } from 'luxon';
import { ServicesCallError, type ServicesPort } from '../ports.ts';
import type { PlanningSetup } from './planning-setup.ts';

export interface PreflightProblem {
  code: 'DATE_IN_PAST' | 'UNKNOWN_RESOURCES';
  message: string;
}

export interface UnknownResource {
  kind: 'store' | 'technician';
  resourceId: string;
}

/** How the problem is fixed, said once wherever the check runs (plan, serve, config check). */
const CREWS_FIX =
  'write the crews config from the seller again: for the local sandbox ' +
  '`fieldplan sandbox --seed <n> --technicians <n> --stores <n> --write-crews crews.yaml` ' +
  '(the options the sandbox was started with), then pass --config crews.yaml; ' +
  "against Amazon, correct the ids in the config to the seller's own store and resource ids";

const SHOWN_IDS = 20;
/** Capacity reads in flight at once; the client paces them at Amazon's rate anyway. */
const CONCURRENCY = 8;
const PROBE_MS = 3_600_000;
/**
 * A resource Amazon knew is not asked about again for this long by the same port: a server
 * planning every few minutes (optimize today) spends its budget on the plan, not on this check.
 */
const CONFIRMED_TTL_MS = 3_600_000;
const confirmed = new WeakMap<ServicesPort, Map<string, number>>();

/** The first planned day before today in a planned store's own zone is refused. */
export function checkPlanningDate(
  date: string,
  stores: readonly { storeId: string; timeZone: string }[],
  nowMs: number,
): PreflightProblem | undefined {
  for (const store of stores) {
    const today = DateTime.fromMillis(nowMs, { zone: store.timeZone }).toISODate();
    if (today !== null && date < today) {
      return {
        code: 'DATE_IN_PAST',
        message:
          `the date ${date} is in the past: it is ${today} in the zone of store ${store.storeId} ` +
          `(${store.timeZone}); plan ${today} or a later day`,
      };
    }
  }
  return undefined;
}

/**
 * The resources Amazon answers 404 for (the capacity read says "the resource specified does not
 * exist"). Stores are resources in Amazon's model; technicians are when the seller keeps capacity
 * per technician. Any other failure of the read is not a verdict and is thrown as it is.
 */
export async function unknownResources(
  services: ServicesPort,
  marketplaceId: string,
  resources: readonly UnknownResource[],
  probeStart: number,
): Promise<UnknownResource[]> {
  const missing = resources.map(() => false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < resources.length) {
      const i = next++;
      try {
        await services.reservedSlots(marketplaceId, resources[i]!.resourceId, {
          start: probeStart,
          end: probeStart + PROBE_MS,
        });
      } catch (err) {
        if (err instanceof ServicesCallError && err.status === 404) missing[i] = true;
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, resources.length) }, worker));
  return resources.filter((_, i) => missing[i]);
}

/** What a run checks at Amazon: the planned stores, and their technicians when capacity is per technician. */
export function resourcesToCheck(setup: PlanningSetup): UnknownResource[] {
  const stores = setup.stores.map((s) => ({ kind: 'store' as const, resourceId: s.storeId }));
  if (setup.rules.resources !== 'per-technician') return stores;
  return [
    ...stores,
    ...setup.technicians.map((t) => ({ kind: 'technician' as const, resourceId: t.technicianId })),
  ];
}

export function unknownResourcesMessage(
  unknown: readonly UnknownResource[],
  /** Said by a planning run, which stops here. */
  run = false,
): string {
  const list = (kind: UnknownResource['kind'], label: string): string | undefined => {
    const ids = unknown.filter((u) => u.kind === kind).map((u) => u.resourceId);
    if (ids.length === 0) return undefined;
    const shown = ids.slice(0, SHOWN_IDS).join(', ');
    return `${label} ${shown}${ids.length > SHOWN_IDS ? ` and ${ids.length - SHOWN_IDS} more` : ''}`;
  };
  const parts = [list('store', 'stores'), list('technician', 'technicians')].filter((p) => p !== undefined);
  return (
    `the crews config does not match the seller: Amazon knows no resource for ${parts.join('; ')}. ` +
    `${run ? 'Nothing was planned or written; ' : 'To fix it, '}${CREWS_FIX}`
  );
}

/** Both checks, the date first (it needs no call). */
export async function preflight(
  setup: PlanningSetup,
  options: { date: string; marketplaceId: string },
  services: ServicesPort,
  nowMs: number,
): Promise<PreflightProblem | undefined> {
  const past = checkPlanningDate(options.date, setup.stores, nowMs);
  if (past !== undefined) return past;
  let known = confirmed.get(services);
  if (known === undefined) confirmed.set(services, (known = new Map()));
  const keyOf = (r: UnknownResource): string => `${options.marketplaceId}|${r.kind}|${r.resourceId}`;
  const asked = resourcesToCheck(setup).filter((r) => (known.get(keyOf(r)) ?? -Infinity) <= nowMs);
  const unknown = await unknownResources(services, options.marketplaceId, asked, setup.horizon.start);
  for (const r of asked) if (!unknown.includes(r)) known.set(keyOf(r), nowMs + CONFIRMED_TTL_MS);
  if (unknown.length === 0) return undefined;
  return { code: 'UNKNOWN_RESOURCES', message: unknownResourcesMessage(unknown, true) };
}
