import { toMercator } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { fitProjector, layoutMap, mapBounds, territoryPath } from '../../api/board/src/map-layout.ts';
import { ROUTE_COLOURS, routeStyle } from '../../api/board/src/palette.ts';
import { layoutTimeline } from '../../api/board/src/timeline-layout.ts';
import { clockRange, clockTime, localDate } from '../../api/board/src/time.ts';
import { boardFixture } from './fixture.ts';

const viewport = { width: 800, height: 520, padding: 30 };

describe('map layout', () => {
  it('bounds cover homes, stops, unassigned places and territories', () => {
    const [minLon, minLat, maxLon, maxLat] = mapBounds(boardFixture());
    expect(minLon).toBeCloseTo(-122.4);
    expect(maxLon).toBeCloseTo(-122.1); // the territory's east edge
    expect(minLat).toBeCloseTo(47.45); // the territory's south edge
    expect(maxLat).toBeCloseTo(47.7); // the unassigned job
  });

  it('fits the bounds inside the padded viewport, north up, one scale on both axes', () => {
    const bounds: [number, number, number, number] = [-122.4, 47.45, -122.1, 47.7];
    const project = fitProjector(bounds, viewport);
    const corners = [project(bounds[0], bounds[1]), project(bounds[2], bounds[3])];
    for (const [x, y] of corners) {
      expect(x).toBeGreaterThanOrEqual(viewport.padding - 1e-6);
      expect(x).toBeLessThanOrEqual(viewport.width - viewport.padding + 1e-6);
      expect(y).toBeGreaterThanOrEqual(viewport.padding - 1e-6);
      expect(y).toBeLessThanOrEqual(viewport.height - viewport.padding + 1e-6);
    }
    const [sw, ne] = corners as [[number, number], [number, number]];
    expect(ne[1]).toBeLessThan(sw[1]); // north is up
    // Same metres-per-pixel on both axes (Web Mercator, aspect kept).
    const [mx0, my0] = toMercator([bounds[0], bounds[1]]) as number[];
    const [mx1, my1] = toMercator([bounds[2], bounds[3]]) as number[];
    const sx = (ne[0] - sw[0]) / ((mx1 ?? 0) - (mx0 ?? 0));
    const sy = (sw[1] - ne[1]) / ((my1 ?? 0) - (my0 ?? 0));
    expect(sx).toBeCloseTo(sy, 9);
  });

  it('gives a single place a finite scale', () => {
    const project = fitProjector([-122.3, 47.6, -122.3, 47.6], viewport);
    const [x, y] = project(-122.3, 47.6);
    expect(x).toBeCloseTo(400);
    expect(y).toBeCloseTo(260);
    expect(Number.isFinite(project(-122.31, 47.61)[0])).toBe(true);
  });

  it('draws one line per route with work, from home through the stops in order and back', () => {
    const view = boardFixture();
    view.routes.push({
      ...view.routes[1]!,
      routeId: 'R-EMPTY',
      technicianIds: ['TECH-3'],
      stops: [],
      blocks: [],
    });
    view.routes[0]!.stops.reverse(); // order comes from seq, not from the array
    const project = fitProjector(mapBounds(view), viewport);
    const layout = layoutMap(view, project);
    expect(layout.routes.map((r) => r.routeId)).toEqual(['R-1', 'R-2']);
    const r1 = layout.routes[0]!;
    expect(r1.stops.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(r1.points).toHaveLength(5);
    expect(r1.points[0]).toEqual(project(-122.35, 47.58));
    expect(r1.points[4]).toEqual(project(-122.35, 47.58));
    expect(r1.points[1]).toEqual(project(-122.33, 47.6));
  });

  it('fans out stops at the same place so each stays visible', () => {
    const view = boardFixture();
    const layout = layoutMap(view, fitProjector(mapBounds(view), viewport), { spreadRadius: 12 });
    const [, two, three] = layout.routes[0]!.stops;
    const distance = Math.hypot(two!.x - three!.x, two!.y - three!.y);
    expect(distance).toBeGreaterThanOrEqual(20);
    // The line still goes through the true place.
    expect(layout.routes[0]!.points[2]).toEqual(layout.routes[0]!.points[3]);
  });

  it('marks unassigned jobs apart and lists those without a place', () => {
    const layout = layoutMap(boardFixture(), fitProjector(mapBounds(boardFixture()), viewport));
    expect(layout.unassigned.map((u) => u.serviceJobId)).toEqual(['JOB-5']);
    expect(layout.unplaced).toEqual(['JOB-6']);
  });

  it('gives each technician its own style and draws territories', () => {
    const view = boardFixture();
    const layout = layoutMap(view, fitProjector(mapBounds(view), viewport));
    const styles = layout.homes.map((h) => `${h.style.colour}/${h.style.dash}`);
    expect(new Set(styles).size).toBe(3);
    expect(layout.territories).toHaveLength(1);
    expect(layout.territories[0]!.d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){4} Z$/);
    expect(layout.territories[0]!.style).toEqual(layout.homes[1]!.style);
  });

  it('draws every polygon and hole of a multipolygon', () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const d = territoryPath({ type: 'MultiPolygon', coordinates: [[ring, ring], [ring]] }, (x, y) => [x, y]);
    expect(d.match(/M/g)).toHaveLength(3);
  });
});

describe('palette', () => {
  it('uses distinct colours first, then patterns, so 21 routes all look different', () => {
    const seven = Array.from({ length: 7 }, (_, i) => routeStyle(i).colour);
    expect(new Set(seven).size).toBe(7);
    expect(seven).toEqual(ROUTE_COLOURS);
    const all = Array.from({ length: 21 }, (_, i) => `${routeStyle(i).colour}/${routeStyle(i).dash}`);
    expect(new Set(all).size).toBe(21);
  });
});

describe('time display', () => {
  it('shows instants in the store zone', () => {
    expect(clockTime('2026-11-24T17:00:00Z', 'America/Los_Angeles')).toBe('09:00');
    expect(
      clockRange({ start: '2026-11-24T17:00:00Z', end: '2026-11-24T19:30:00Z' }, 'America/New_York'),
    ).toBe('12:00–14:30');
    expect(localDate(Date.parse('2026-11-25T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-24');
    expect(() => clockTime('not a time', 'UTC')).toThrow(/invalid time "not a time"/);
  });
});

describe('timeline layout', () => {
  it('has one row per technician, in the view order, with the route visits in order', () => {
    const layout = layoutTimeline(boardFixture(), 1000);
    expect(layout.rows.map((r) => r.resourceId)).toEqual(['TECH-1', 'TECH-2', 'TECH-3']);
    expect(layout.rows[0]!.visits).toEqual(['JOB-1', 'JOB-2', 'JOB-3']);
    expect(layout.rows[1]!.visits).toEqual(['JOB-4']);
    expect(layout.rows[2]!.routeId).toBeNull();
    expect(layout.rows[2]!.shift).toBeNull();
  });

  it('places blocks, windows, shift limits and now on one hour-aligned axis', () => {
    const view = boardFixture();
    const layout = layoutTimeline(view, 1000);
    expect(layout.start).toBe(Date.parse('2026-11-24T16:00:00Z'));
    expect(layout.end).toBe(Date.parse('2026-11-25T00:00:00Z'));
    const perHour = 1000 / 8;
    expect(layout.ticks).toHaveLength(9);
    expect(layout.ticks[1]).toEqual({ x: perHour, label: '09:00' });
    const row = layout.rows[0]!;
    expect(row.shift!.x0).toBeCloseTo(0);
    const visit = row.blocks.find((b) => b.kind === 'service' && b.serviceJobId === 'JOB-1')!;
    expect(visit.x).toBeCloseTo(perHour);
    expect(visit.width).toBeCloseTo(perHour);
    expect(visit.seq).toBe(1);
    const late = row.blocks.find((b) => b.kind === 'service' && b.serviceJobId === 'JOB-3')!;
    expect(late.risk).toBe('late');
    expect(row.blocks.some((b) => b.kind === 'break')).toBe(true);
    const window = row.windows.find((w) => w.serviceJobId === 'JOB-2')!;
    expect(window.x).toBeCloseTo(2 * perHour);
    expect(window.width).toBeCloseTo(2 * perHour);
    expect(layout.rows[1]!.windows).toHaveLength(0); // JOB-4 has no window
    expect(layout.nowX).toBeCloseTo(2.75 * perHour);
  });

  it('leaves out the now line when now is off the axis', () => {
    expect(layoutTimeline(boardFixture(), 1000, Date.parse('2026-11-26T12:00:00Z')).nowX).toBeNull();
  });

  it('shows a working day when nothing is scheduled', () => {
    const view = boardFixture();
    view.routes = [];
    view.technicians = view.technicians.map((t) => ({ ...t, shift: null }));
    const layout = layoutTimeline(view, 600);
    expect(layout.end - layout.start).toBe(10 * 3_600_000);
    expect(layout.rows.every((r) => r.blocks.length === 0)).toBe(true);
  });
});
