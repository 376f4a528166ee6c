/**
 * The shared capacity model of one store: which technician hours to hold (a reservation on the
 * technician's resource) so that, for every kind of work Amazon sells, its slot capacity never
 * exceeds what the routes can absorb, while as little as possible is withheld.
 *
 * Amazon's slot capacity for a kind (skills, duration) starting at t is
 *   min(store AVAILABLE over [t, t+d), qualified technicians AVAILABLE ≥ 1 over all of [t, t+d)),
 * and one hold lowers both for every kind at once, so the kinds cannot be published one at a
 * time. Here they are solved together: start with nothing held; while some offer exceeds its
 * engine capacity, hold the qualified free technician-hour inside its window that withholds the
 * least truthful capacity elsewhere; then release every hold that is not needed. The result
 * depends only on Amazon's capacity without this model's holds and on the routes, so solving
 * again after publishing gives the same holds (publishing twice writes nothing).
 *
 * Everything is on a grid of cells (a whole divisor of an hour and of every duration); holds
 * cover whole blocks of `cellsPerBlock` cells, aligned with the slot starts.
 */

interface ModelTechnician {
  id: string;
  skills: readonly string[];
  /** Per cell: the minimum over the cell of SCHEDULED − RESERVED − ENCUMBERED, without this model's holds. */
  raw: readonly number[];
}

export interface ModelKind {
  skills: readonly string[];
  /** Service duration in cells. */
  cells: number;
}

export interface ModelOffer {
  kind: number;
  /** Start cell (a block boundary). */
  cell: number;
  /** Jobs of the kind starting here that the routes can absorb. */
  engine: number;
}

export interface HoldModel {
  cells: number;
  cellsPerBlock: number;
  technicians: readonly ModelTechnician[];
  store: {
    /** Per cell: the store's minimum SCHEDULED − RESERVED − ENCUMBERED without this model's holds. */
    raw: readonly number[];
    /** Per cell: the store's minimum SCHEDULED (Amazon offers nothing over a window where it is 0). */
    scheduled: readonly number[];
  };
  kinds: readonly ModelKind[];
  offers: readonly ModelOffer[];
}

export interface OfferState {
  /** Amazon's capacity with the given holds. */
  offered: number;
  /** Qualified technicians Amazon sees free over the whole window. */
  qualifiedFree: number;
  /** The store's AVAILABLE over the window (minimum). */
  storeAvailable: number;
  /** Whether Amazon offers the window at all (the store is scheduled throughout). */
  scheduled: boolean;
}

export interface HoldSolution {
  /** held[technician][block]. */
  held: boolean[][];
  before: OfferState[];
  after: OfferState[];
}

const blocksOf = (m: HoldModel): number => Math.ceil(m.cells / m.cellsPerBlock);

function qualified(m: HoldModel): boolean[][] {
  return m.kinds.map((k) => m.technicians.map((t) => k.skills.every((s) => t.skills.includes(s))));
}

/** Amazon's capacity for one offer under the holds (the sandbox's and Amazon's rule, see above). */
export function offerState(m: HoldModel, q: boolean[][], held: boolean[][], o: ModelOffer): OfferState {
  const kind = m.kinds[o.kind]!;
  const end = o.cell + kind.cells;
  if (o.cell < 0 || end > m.cells || kind.cells <= 0)
    return { offered: 0, qualifiedFree: 0, storeAvailable: 0, scheduled: false };
  let scheduled = true;
  let storeMin = Infinity;
  for (let c = o.cell; c < end; c++) {
    if (m.store.scheduled[c]! <= 0) scheduled = false;
    const b = Math.floor(c / m.cellsPerBlock);
    let holds = 0;
    for (let t = 0; t < m.technicians.length; t++) if (held[t]![b]) holds++;
    storeMin = Math.min(storeMin, m.store.raw[c]! - holds);
  }
  let free = 0;
  for (let t = 0; t < m.technicians.length; t++) {
    if (!q[o.kind]![t]) continue;
    const raw = m.technicians[t]!.raw;
    let ok = true;
    for (let c = o.cell; c < end && ok; c++) {
      if (raw[c]! - (held[t]![Math.floor(c / m.cellsPerBlock)] ? 1 : 0) < 1) ok = false;
    }
    if (ok) free++;
  }
  const storeAvailable = Math.max(0, storeMin);
  return {
    offered: scheduled ? Math.max(0, Math.min(storeAvailable, free)) : 0,
    qualifiedFree: free,
    storeAvailable,
    scheduled,
  };
}

/** Offers whose window meets each block (only they change when the block's holds change). */
function affectedBy(m: HoldModel): number[][] {
  const out: number[][] = Array.from({ length: blocksOf(m) }, () => []);
  for (const [i, o] of m.offers.entries()) {
    const end = Math.min(m.cells, o.cell + m.kinds[o.kind]!.cells);
    if (o.cell < 0 || end <= o.cell) continue;
    const first = Math.floor(o.cell / m.cellsPerBlock);
    const last = Math.floor((end - 1) / m.cellsPerBlock);
    for (let b = first; b <= last; b++) out[b]!.push(i);
  }
  return out;
}

export function solveHolds(m: HoldModel): HoldSolution {
  const q = qualified(m);
  const nb = blocksOf(m);
  const held = m.technicians.map(() => Array.from({ length: nb }, () => false));
  const affected = affectedBy(m);
  const before = m.offers.map((o) => offerState(m, q, held, o));
  const state = before.slice();
  const truthful = (i: number, s: OfferState): number => Math.min(s.offered, m.offers[i]!.engine);
  const excess = (i: number, s: OfferState): number => Math.max(0, s.offered - m.offers[i]!.engine);

  /** Toggle one hold; returns the change of (truthful capacity, excess) and whether it was kept. */
  const toggle = (t: number, b: number, keep: (dTruth: number, dExcess: number) => boolean) => {
    held[t]![b] = !held[t]![b];
    let dTruth = 0;
    let dExcess = 0;
    const next: [number, OfferState][] = [];
    for (const i of affected[b]!) {
      const s = offerState(m, q, held, m.offers[i]!);
      dTruth += truthful(i, s) - truthful(i, state[i]!);
      dExcess += excess(i, s) - excess(i, state[i]!);
      next.push([i, s]);
    }
    const kept = keep(dTruth, dExcess);
    if (kept) for (const [i, s] of next) state[i] = s;
    else held[t]![b] = !held[t]![b];
    return { dTruth, dExcess, kept };
  };

  // Hold until nothing over-offers. Each step holds a qualified technician who is free over the
  // violating window, so that window's qualified count falls: the loop ends.
  for (;;) {
    const v = state.findIndex((s, i) => excess(i, s) > 0);
    if (v < 0) break;
    const o = m.offers[v]!;
    const end = o.cell + m.kinds[o.kind]!.cells;
    let best: { t: number; b: number; truth: number; ex: number } | undefined;
    for (let t = 0; t < m.technicians.length; t++) {
      if (!q[o.kind]![t]) continue;
      const raw = m.technicians[t]!.raw;
      let free = true;
      for (let c = o.cell; c < end && free; c++)
        if (raw[c]! - (held[t]![Math.floor(c / m.cellsPerBlock)] ? 1 : 0) < 1) free = false;
      if (!free) continue;
      for (let b = Math.floor(o.cell / m.cellsPerBlock); b <= Math.floor((end - 1) / m.cellsPerBlock); b++) {
        if (held[t]![b]) continue;
        const r = toggle(t, b, () => false);
        const better =
          best === undefined || r.dTruth > best.truth || (r.dTruth === best.truth && r.dExcess < best.ex);
        if (better) best = { t, b, truth: r.dTruth, ex: r.dExcess };
      }
    }
    // A violation always has a free qualified technician (offered ≤ qualified free); kept defensive.
    if (best === undefined) break;
    toggle(best.t, best.b, () => true);
  }

  // Release every hold whose release over-offers nowhere (repeat: one release can allow another).
  for (let changed = true; changed;) {
    changed = false;
    for (let t = 0; t < m.technicians.length; t++)
      for (let b = 0; b < nb; b++) {
        if (!held[t]![b]) continue;
        // Nothing over-offers before a release, so no added excess means none anywhere.
        const r = toggle(t, b, (_d, dEx) => dEx <= 0);
        if (r.kept) changed = true;
      }
  }
  return { held, before, after: state };
}

/** Merged hold intervals per technician, as [first block, end block) runs. */
export function holdRuns(
  held: readonly (readonly boolean[])[],
): { technician: number; from: number; to: number }[] {
  const out: { technician: number; from: number; to: number }[] = [];
  for (const [t, row] of held.entries()) {
    let b = 0;
    while (b < row.length) {
      if (!row[b]) {
        b++;
        continue;
      }
      const from = b;
      while (b < row.length && row[b]) b++;
      out.push({ technician: t, from, to: b });
    }
  }
  return out;
}
