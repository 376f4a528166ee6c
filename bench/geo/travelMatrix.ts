/**
 * Geography benchmark: how long the default great-circle travel matrix and the offline
 * postal-code geocoder take for realistic sizes. Prints a table and writes
 * bench/results/geo.md. Run: node --import tsx bench/geo/travelMatrix.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import zipcodes from 'zipcodes';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../src/geo/index.ts';
import type { GeoPoint } from '../../src/geo/index.ts';
import { projectRoot } from '../paths.ts';

const usCodes = Object.values(zipcodes.codes)
  .filter((c) => c.country === 'US')
  .map((c) => c.zip)
  .sort();

function pointsFor(n: number): GeoPoint[] {
  // Every k-th US ZIP centroid: deterministic and spread over the country.
  const step = Math.max(1, Math.floor(usCodes.length / n));
  return Array.from({ length: n }, (_, i) => {
    const z = zipcodes.lookup(usCodes[(i * step) % usCodes.length]!)!;
    return { lat: z.latitude, lon: z.longitude };
  });
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

const rows: string[][] = [];
const provider = new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 });
for (const n of [100, 500, 1000, 2000]) {
  const points = pointsFor(n);
  provider.matrixSync(points.slice(0, 50)); // warm-up
  const runs = n <= 500 ? 5 : 2;
  let best = Infinity;
  for (let r = 0; r < runs; r++) best = Math.min(best, time(() => provider.matrixSync(points)).ms);
  rows.push([
    `great-circle matrix ${n}×${n}`,
    `${best.toFixed(1)} ms`,
    `${((n * n) / best / 1000).toFixed(1)} M cells/s`,
  ]);
}

const geocoder = new PostalCodeGeocoder();
const sample = Array.from({ length: 20_000 }, (_, i) => usCodes[(i * 7919) % usCodes.length]!);
const plain = time(() => sample.filter((zip) => geocoder.lookup({ postalCode: zip }).ok).length);
rows.push([`postal-code lookup ×${sample.length}`, `${plain.ms.toFixed(1)} ms`, `${plain.value} found`]);

const cached = new CachingGeocoder(geocoder, undefined, postalCodeCacheKey);
const repeat = Array.from({ length: 20_000 }, (_, i) => usCodes[i % 500]!);
const start = performance.now();
for (const zip of repeat) await cached.geocode({ postalCode: zip });
const cachedMs = performance.now() - start;
rows.push([`cached geocode ×${repeat.length} (500 distinct)`, `${cachedMs.toFixed(1)} ms`, '']);

const header = ['case', 'time', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
console.log(table);

const dir = resolve(projectRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  resolve(dir, 'geo.md'),
  `# Geography benchmark\n\nNode ${process.version}, ${new Date().toISOString()}\n\n${table}\n`,
);
