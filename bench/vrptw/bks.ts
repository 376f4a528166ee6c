/** Best-known solutions: `bks.csv` and the `Route #k: ...` route files behind them. */
import { readFileSync } from 'node:fs';

export interface BestKnown {
  instance: string;
  vehiclesHier: number;
  distanceHier: number;
  /** Minimum total distance in the DIMACS truncation convention (the benchmark's reference). */
  distanceMin: number;
  source: string;
}

export function parseBks(text: string): Map<string, BestKnown> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`bks.csv: missing column "${name}" (have ${header.join(', ')})`);
    return index;
  };
  const cols = {
    instance: column('instance'),
    vehiclesHier: column('vehicles_hier'),
    distanceHier: column('distance_hier'),
    distanceMin: column('distance_min'),
    source: column('source'),
  };
  const out = new Map<string, BestKnown>();
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    const get = (c: number): string => {
      const value = cells[c];
      if (value === undefined) throw new Error(`bks.csv line ${i + 2}: expected ${header.length} columns`);
      return value.trim();
    };
    const number = (c: number): number => {
      const value = Number(get(c));
      if (!Number.isFinite(value)) throw new Error(`bks.csv line ${i + 2}: "${get(c)}" is not a number`);
      return value;
    };
    const instance = get(cols.instance);
    out.set(instance, {
      instance,
      vehiclesHier: number(cols.vehiclesHier),
      distanceHier: number(cols.distanceHier),
      distanceMin: number(cols.distanceMin),
      source: get(cols.source),
    });
  }
  return out;
}

export function readBks(path: string): Map<string, BestKnown> {
  return parseBks(readFileSync(path, 'utf8'));
}

export interface RouteFile {
  /** Customer numbers per route, depot left out. */
  routes: number[][];
  cost: number | undefined;
}

export function parseRouteFile(text: string): RouteFile {
  const routes: number[][] = [];
  let cost: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const route = /^Route\s*#\d+\s*:(.*)$/i.exec(line.trim());
    if (route) {
      routes.push((route[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number));
      continue;
    }
    const c = /^Cost\s+([\d.]+)/i.exec(line.trim());
    if (c) cost = Number(c[1]);
  }
  return { routes, cost };
}
