/**
 * Where everything on the map goes, as plain numbers: no DOM here. Points are projected to
 * Web Mercator with turf (the same projection a tiled base map uses, so the overlay can sit
 * on one) and fitted into the viewport; with a base map, its own projector is passed in.
 */
import { bbox, featureCollection, point, toMercator } from '@turf/turf';
import type { Feature, Geometry } from 'geojson';
import { technicianStyles, type RouteStyle } from './palette.ts';
import type { BoardView, MultiPolygonGeometry, PolygonGeometry, Position, StopRisk } from './types.ts';

export type Projector = (lon: number, lat: number) => [number, number];

export interface Viewport {
  width: number;
  height: number;
  padding: number;
}

interface MapStop {
  serviceJobId: string;
  seq: number;
  x: number;
  y: number;
  risk: StopRisk;
}

interface MapRoute {
  routeId: string;
  technicianIds: string[];
  style: RouteStyle;
  /** Home → stops in order → home. */
  points: [number, number][];
  stops: MapStop[];
}

interface MapHome {
  resourceId: string;
  name: string;
  style: RouteStyle;
  x: number;
  y: number;
}

interface MapUnassigned {
  serviceJobId: string;
  code: string;
  x: number;
  y: number;
}

interface MapTerritory {
  resourceId: string;
  style: RouteStyle;
  /** SVG path data. */
  d: string;
}

export interface MapLayout {
  routes: MapRoute[];
  homes: MapHome[];
  unassigned: MapUnassigned[];
  /** Unassigned jobs with no known place (not drawn). */
  unplaced: string[];
  territories: MapTerritory[];
}

/** [minLon, minLat, maxLon, maxLat] of everything the map draws (turf's bbox), else the view's own. */
export function mapBounds(view: BoardView): [number, number, number, number] {
  const features: Feature<Geometry>[] = [];
  for (const t of view.technicians) {
    features.push(point([t.home.lon, t.home.lat]));
    if (t.territory) features.push({ type: 'Feature', properties: {}, geometry: t.territory });
  }
  for (const r of view.routes) for (const s of r.stops) features.push(point([s.lon, s.lat]));
  for (const u of view.unassigned) {
    if (u.lat !== undefined && u.lon !== undefined) features.push(point([u.lon, u.lat]));
  }
  if (features.length === 0) return view.bounds;
  const [minLon, minLat, maxLon, maxLat] = bbox(featureCollection(features));
  return [minLon, minLat, maxLon, maxLat];
}

/** A projector that fits the bounds into the viewport (north up, aspect kept). */
export function fitProjector(bounds: [number, number, number, number], viewport: Viewport): Projector {
  const [minLon, minLat, maxLon, maxLat] = bounds;
  const [x0, y0] = toMercator([minLon, minLat]) as [number, number];
  const [x1, y1] = toMercator([maxLon, maxLat]) as [number, number];
  // A single place (or a line) still gets a sensible scale: at least 2 km across.
  const minSpan = 2000;
  const spanX = Math.max(x1 - x0, minSpan);
  const spanY = Math.max(y1 - y0, minSpan);
  const innerW = Math.max(1, viewport.width - 2 * viewport.padding);
  const innerH = Math.max(1, viewport.height - 2 * viewport.padding);
  const scale = Math.min(innerW / spanX, innerH / spanY);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return (lon, lat) => {
    const [mx, my] = toMercator([lon, lat]) as [number, number];
    return [viewport.width / 2 + (mx - cx) * scale, viewport.height / 2 - (my - cy) * scale];
  };
}

/**
 * Stops at the same place (several jobs at one postal-code centroid) are fanned out on a small
 * circle so each number stays visible and clickable.
 */
function spread<T extends { x: number; y: number }>(items: T[], radius: number): void {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const key = `${Math.round(it.x / 4)}:${Math.round(it.y / 4)}`;
    const g = groups.get(key);
    if (g) g.push(it);
    else groups.set(key, [it]);
  }
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const r = radius * Math.max(1, g.length / 6);
    g.forEach((it, k) => {
      const angle = (2 * Math.PI * k) / g.length - Math.PI / 2;
      it.x += r * Math.cos(angle);
      it.y += r * Math.sin(angle);
    });
  }
}

function ringPath(ring: Position[], project: Projector): string {
  const parts = ring.map((p, i) => {
    const [x, y] = project(p[0] ?? 0, p[1] ?? 0);
    return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
  });
  return parts.length > 0 ? `${parts.join(' ')} Z` : '';
}

export function territoryPath(geometry: PolygonGeometry | MultiPolygonGeometry, project: Projector): string {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons
    .flatMap((rings) => rings.map((ring) => ringPath(ring, project)))
    .filter((d) => d !== '')
    .join(' ');
}

export interface LayoutOptions {
  /** Distance (px) between stops that share a place. */
  spreadRadius?: number;
}

export function layoutMap(view: BoardView, project: Projector, options: LayoutOptions = {}): MapLayout {
  const styles = technicianStyles(view.technicians.map((t) => t.resourceId));
  const technicians = new Map(view.technicians.map((t) => [t.resourceId, t]));
  const styleOf = (ids: readonly string[]): RouteStyle =>
    styles.get(ids[0] ?? '') ?? { colour: '#555555', dash: '', ink: '#FFFFFF' };

  const allStops: MapStop[] = [];
  const routes: MapRoute[] = [];
  for (const r of view.routes) {
    if (r.stops.length === 0) continue;
    const stops: MapStop[] = [...r.stops]
      .sort((a, b) => a.seq - b.seq)
      .map((s) => {
        const [x, y] = project(s.lon, s.lat);
        return { serviceJobId: s.serviceJobId, seq: s.seq, x, y, risk: s.risk };
      });
    const home = technicians.get(r.technicianIds[0] ?? '')?.home;
    const points: [number, number][] = stops.map((s) => [s.x, s.y]);
    if (home) {
      const h = project(home.lon, home.lat);
      points.unshift(h);
      points.push(h);
    }
    allStops.push(...stops);
    routes.push({
      routeId: r.routeId,
      technicianIds: r.technicianIds,
      style: styleOf(r.technicianIds),
      points,
      stops,
    });
  }
  // Lines follow the true places; only the markers are fanned out.
  spread(allStops, options.spreadRadius ?? 12);

  const homes: MapHome[] = view.technicians.map((t) => {
    const [x, y] = project(t.home.lon, t.home.lat);
    return { resourceId: t.resourceId, name: t.name, style: styleOf([t.resourceId]), x, y };
  });

  const unassigned: MapUnassigned[] = [];
  const unplaced: string[] = [];
  for (const u of view.unassigned) {
    if (u.lat === undefined || u.lon === undefined) {
      unplaced.push(u.serviceJobId);
      continue;
    }
    const [x, y] = project(u.lon, u.lat);
    unassigned.push({ serviceJobId: u.serviceJobId, code: u.code, x, y });
  }
  spread(unassigned, options.spreadRadius ?? 12);

  const territories: MapTerritory[] = [];
  for (const t of view.technicians) {
    if (!t.territory) continue;
    territories.push({
      resourceId: t.resourceId,
      style: styleOf([t.resourceId]),
      d: territoryPath(t.territory, project),
    });
  }

  return { routes, homes, unassigned, unplaced, territories };
}
