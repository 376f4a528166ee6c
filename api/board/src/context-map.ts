/**
 * The offline map's context, drawn under the routes so a dispatcher can orient without a tile
 * server: the coast and national border, state and county lines from the U.S. Census Bureau's
 * outlines (`us-atlas`, TopoJSON, turned into lines with `topojson-client`), and the names of
 * the cities and postal codes around (sent by the API from the geocoder's own table). The
 * outlines are a bundle chunk of their own, loaded once when the first map is drawn.
 */
import { mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { s } from './dom.ts';
import type { Projector } from './map-layout.ts';
import type { PlaceLabel } from './types.ts';

type Line = [number, number][];

export interface ContextLines {
  /** Coast and national border. */
  nation: Line[];
  states: Line[];
  counties: Line[];
}

type Atlas = Topology<{
  counties: GeometryCollection;
  states: GeometryCollection;
  nation: GeometryCollection;
}>;

let atlas: Promise<Atlas> | null = null;

/** The outlines (one fetch of their chunk per page). */
export function loadAtlas(): Promise<Atlas> {
  atlas ??= import('us-atlas/counties-10m.json').then((m) => m.default as unknown as Atlas);
  return atlas;
}

interface Meshed {
  nation: Line[];
  states: Line[];
  counties: Line[];
}

let meshed: { from: Atlas; lines: Meshed } | null = null;

function meshOf(topo: Atlas): Meshed {
  if (meshed?.from === topo) return meshed.lines;
  const lines = (m: { coordinates: number[][][] }): Line[] =>
    m.coordinates.map((l) => l.map((p) => [p[0] ?? 0, p[1] ?? 0] as [number, number]));
  const stateOf = (g: { id?: string | number }): string => String(g.id ?? '').slice(0, 2);
  const result = {
    nation: lines(mesh(topo, topo.objects.nation)),
    // Borders between two states (the coast is the nation's line).
    states: lines(mesh(topo, topo.objects.states, (a, b) => a !== b)),
    // Borders between two counties of the same state (state lines are drawn apart).
    counties: lines(mesh(topo, topo.objects.counties, (a, b) => a !== b && stateOf(a) === stateOf(b))),
  };
  meshed = { from: topo, lines: result };
  return result;
}

/** The lines that come near [west, south, east, north] (a margin of half the span around). */
export function contextLines(topo: Atlas, bounds: readonly [number, number, number, number]): ContextLines {
  const [w, sth, e, n] = bounds;
  const mx = Math.max((e - w) * 0.5, 0.2);
  const my = Math.max((n - sth) * 0.5, 0.2);
  const near = (line: Line): boolean =>
    line.some(([lon, lat]) => lon >= w - mx && lon <= e + mx && lat >= sth - my && lat <= n + my);
  const all = meshOf(topo);
  return {
    nation: all.nation.filter(near),
    states: all.states.filter(near),
    counties: all.counties.filter(near),
  };
}

const pathOf = (lines: readonly Line[], project: Projector): string =>
  lines
    .map((line) =>
      line
        .map(([lon, lat], i) => {
          const [x, y] = project(lon, lat);
          return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
        })
        .join(''),
    )
    .join(' ');

export interface ContextOptions {
  width: number;
  height: number;
  /** Markers drawn over the context (stops, homes, unassigned jobs): no label goes under one. */
  avoid?: readonly { x: number; y: number }[];
}

/**
 * The context layer: lines, then labels placed greedily (cities first, then postal codes)
 * so that no two overlap and none leaves the map.
 */
export function renderContext(
  lines: ContextLines | null,
  places: readonly PlaceLabel[],
  project: Projector,
  options: ContextOptions,
): SVGGElement {
  const g = s('g', { class: 'base-context', 'aria-hidden': 'true' });
  if (lines) {
    for (const [kind, list] of [
      ['counties', lines.counties],
      ['states', lines.states],
      ['nation', lines.nation],
    ] as const) {
      if (list.length > 0) g.append(s('path', { class: `context-${kind}`, d: pathOf(list, project) }));
    }
  }
  const taken: { x0: number; y0: number; x1: number; y1: number }[] = (options.avoid ?? []).map((m) => ({
    x0: m.x - 12,
    y0: m.y - 12,
    x1: m.x + 12,
    y1: m.y + 12,
  }));
  const labels = s('g', { class: 'context-labels' });
  const ordered = [...places.filter((p) => p.kind === 'city'), ...places.filter((p) => p.kind !== 'city')];
  for (const p of ordered) {
    const [x, y] = project(p.lon, p.lat);
    const city = p.kind === 'city';
    const size = city ? 13 : 9;
    const w = p.name.length * size * 0.6;
    const box = { x0: x - w / 2 - 2, y0: y - size, x1: x + w / 2 + 2, y1: y + 3 };
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > options.width || box.y1 > options.height) continue;
    if (taken.some((t) => box.x0 < t.x1 && box.x1 > t.x0 && box.y0 < t.y1 && box.y1 > t.y0)) continue;
    taken.push(box);
    labels.append(
      s(
        'text',
        {
          class: city ? 'place-city' : 'place-postal',
          x: x.toFixed(1),
          y: y.toFixed(1),
          'text-anchor': 'middle',
          'data-place': p.name,
        },
        p.name,
      ),
    );
  }
  g.append(labels);
  return g;
}
