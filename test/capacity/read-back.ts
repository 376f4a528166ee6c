/** Amazon's appointment slots read back after a publish, beside the engine's capacity and the model's prediction. */
import type { PublishResult } from '../../src/capacity/publish.ts';
import type { CapacityWorld } from './support.ts';

export interface ReadBack {
  compared: number;
  overOffers: string[];
  mispredicted: string[];
}

export async function readBack(cw: CapacityWorld, result: PublishResult): Promise<ReadBack> {
  const out: ReadBack = { compared: 0, overOffers: [], mispredicted: [] };
  const byAsin = new Map<string, PublishResult['offers']>();
  for (const o of result.offers) if (o.asin !== null) byAsin.set(o.asin, [...(byAsin.get(o.asin) ?? []), o]);
  for (const [asin, offers] of byAsin) {
    const start = Math.min(...offers.map((o) => Date.parse(o.start)));
    const end = Math.max(...offers.map((o) => Date.parse(o.start))) + 1;
    const slots = await cw.deps.amazon.appointmentSlots(cw.deps.marketplaceId, cw.storeId, asin, start, end);
    for (const s of slots) {
      const o = offers.find((x) => Date.parse(x.start) === s.start);
      const at = `${asin}@${new Date(s.start).toISOString()}`;
      if (o === undefined) {
        if (s.capacity > 0) out.overOffers.push(`${at}: Amazon ${s.capacity}, not modelled`);
        continue;
      }
      out.compared += 1;
      if (s.capacity > o.engine) out.overOffers.push(`${at}: Amazon ${s.capacity} > routes ${o.engine}`);
      if (s.capacity !== o.offered)
        out.mispredicted.push(`${at}: Amazon ${s.capacity}, predicted ${o.offered}`);
    }
  }
  return out;
}
