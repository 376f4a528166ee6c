/**
 * The shared hold model on generated stores: after solving, no offer exceeds what the routes
 * absorb, no hold can be released without some offer exceeding it again, the answer does not
 * depend on anything but the inputs, and the worked example of docs/capacity.md comes out as
 * written there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdRuns, offerState, solveHolds, type HoldModel } from '../../src/capacity/fixpoint.ts';

const SKILLS = ['A', 'B', 'C'];

const modelArb: fc.Arbitrary<HoldModel> = fc
  .record({
    blocks: fc.integer({ min: 2, max: 8 }),
    cellsPerBlock: fc.constantFrom(1, 2, 4),
    techs: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ blocks, cellsPerBlock, techs }) => {
    const cells = blocks * cellsPerBlock;
    const tech = fc.record({
      skills: fc.subarray(SKILLS, { minLength: 1 }),
      raw: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: cells, maxLength: cells }),
    });
    const kind = fc.record({
      skills: fc.subarray(SKILLS, { minLength: 1, maxLength: 2 }),
      cells: fc.integer({ min: 1, max: Math.min(cells, 3 * cellsPerBlock) }),
    });
    return fc
      .record({
        technicians: fc.array(tech, { minLength: techs, maxLength: techs }),
        kinds: fc.array(kind, { minLength: 1, maxLength: 4 }),
        storeExtra: fc.array(fc.integer({ min: -2, max: 1 }), { minLength: cells, maxLength: cells }),
        closed: fc.array(fc.boolean(), { minLength: cells, maxLength: cells }),
        engines: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 64, maxLength: 64 }),
      })
      .map(({ technicians, kinds, storeExtra, closed, engines }) => {
        const ts = technicians.map((t, i) => ({ id: `t${i}`, ...t }));
        const raw = Array.from(
          { length: cells },
          (_, c) => ts.reduce((n, t) => n + t.raw[c]!, 0) + storeExtra[c]!,
        );
        const scheduled = closed.map((x) => (x ? 0 : 1));
        const offers = [];
        let e = 0;
        for (let b = 0; b < blocks; b++)
          for (let k = 0; k < kinds.length; k++)
            if (b * cellsPerBlock + kinds[k]!.cells <= cells)
              offers.push({ kind: k, cell: b * cellsPerBlock, engine: engines[e++ % engines.length]! });
        return { cells, cellsPerBlock, technicians: ts, store: { raw, scheduled }, kinds, offers };
      });
  });

function qualified(m: HoldModel): boolean[][] {
  return m.kinds.map((k) => m.technicians.map((t) => k.skills.every((s) => t.skills.includes(s))));
}

describe('shared hold model', () => {
  it('never over-offers, holds nothing it could release, and is a function of its inputs', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const q = qualified(m);
        const s = solveHolds(m);
        for (const [i, o] of m.offers.entries()) {
          const now = offerState(m, q, s.held, o);
          expect(now).toEqual(s.after[i]);
          expect(now.offered).toBeLessThanOrEqual(o.engine);
          expect(s.after[i]!.offered).toBeLessThanOrEqual(s.before[i]!.offered);
        }
        for (const [t, row] of s.held.entries())
          for (const [b, held] of row.entries()) {
            if (!held) continue;
            const released = s.held.map((r) => r.slice());
            released[t]![b] = false;
            const over = m.offers.some((o) => offerState(m, q, released, o).offered > o.engine);
            expect(over).toBe(true);
          }
        expect(solveHolds(m)).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('solves the worked example of docs/capacity.md', () => {
    // Three technicians free 08-12; T1 and T2 do TV mounting, T2 and T3 furniture.
    // Routes: TV at 08 takes 1, furniture at 08 takes 2; TV at 09 takes 2, furniture at 09 takes 0.
    const free = [1, 1, 1, 1];
    const m: HoldModel = {
      cells: 4,
      cellsPerBlock: 1,
      technicians: [
        { id: 'T1', skills: ['TV'], raw: free },
        { id: 'T2', skills: ['TV', 'FURNITURE'], raw: free },
        { id: 'T3', skills: ['FURNITURE'], raw: free },
      ],
      store: { raw: [3, 3, 3, 3], scheduled: [3, 3, 3, 3] },
      kinds: [
        { skills: ['TV'], cells: 1 },
        { skills: ['FURNITURE'], cells: 1 },
      ],
      offers: [
        { kind: 0, cell: 0, engine: 1 },
        { kind: 1, cell: 0, engine: 2 },
        { kind: 0, cell: 1, engine: 2 },
        { kind: 1, cell: 1, engine: 0 },
      ],
    };
    const s = solveHolds(m);
    expect(s.before.map((x) => x.offered)).toEqual([2, 2, 2, 2]);
    expect(s.after.map((x) => x.offered)).toEqual([1, 2, 1, 0]);
    expect(holdRuns(s.held)).toEqual([
      { technician: 0, from: 0, to: 1 },
      { technician: 1, from: 1, to: 2 },
      { technician: 2, from: 1, to: 2 },
    ]);
  });
});
