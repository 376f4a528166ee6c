/**
 * The optional base map: MapLibre GL with the raster tiles of a server the user names. Loaded
 * on demand (its own bundle chunk), so the board works offline and stays small without it.
 */
import type { Projector } from './map-layout.ts';

export interface BaseMap {
  projector(): Projector;
  size(): { width: number; height: number };
  onMove(listener: () => void): void;
  destroy(): void;
}

/** Checks a tile URL template; returns a message naming the problem, or null when usable. */
export function tileUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.replaceAll('{', '%7B').replaceAll('}', '%7D'));
  } catch {
    return 'the tile server URL is not a URL; expected e.g. https://tiles.example.org/{z}/{x}/{y}.png';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `the tile server URL must start with http:// or https:// (got ${parsed.protocol})`;
  }
  for (const part of ['{z}', '{x}', '{y}']) {
    if (!url.includes(part))
      return `the tile server URL must contain ${part}, as in https://host/{z}/{x}/{y}.png`;
  }
  return null;
}

export async function createBaseMap(
  container: HTMLElement,
  tileUrl: string,
  bounds: [number, number, number, number],
  /** Told (once) when tiles fail to load; the map goes on without them. */
  onTileProblem?: (message: string) => void,
): Promise<BaseMap> {
  const [{ Map: MapLibreMap }] = await Promise.all([
    import('maplibre-gl'),
    import('maplibre-gl/dist/maplibre-gl.css'),
  ]);
  const host = new URL(tileUrl.replaceAll('{', '%7B').replaceAll('}', '%7D')).host;
  const map = new MapLibreMap({
    container,
    style: {
      version: 8,
      sources: {
        base: { type: 'raster', tiles: [tileUrl], tileSize: 256, attribution: `Tiles: ${host}` },
      },
      layers: [{ id: 'base', type: 'raster', source: 'base' }],
    },
    bounds: [
      [bounds[0], bounds[1]],
      [bounds[2], bounds[3]],
    ],
    fitBoundsOptions: { padding: 40 },
    attributionControl: { compact: true },
  });
  // MapLibre logs a failed tile to the console unless someone listens: the page says it once
  // instead, and the routes stay drawn over whatever tiles did load.
  let told = false;
  map.on('error', (ev: { error?: { message?: string; status?: number } }) => {
    if (told) return;
    told = true;
    const status = ev.error?.status ? ` (HTTP ${ev.error.status})` : '';
    onTileProblem?.(
      `Base map tiles from ${host} could not be loaded${status}; the routes are drawn without them.`,
    );
  });
  return {
    projector: () => (lon, lat) => {
      const p = map.project([lon, lat]);
      return [p.x, p.y];
    },
    size: () => ({ width: container.clientWidth, height: container.clientHeight }),
    onMove: (listener) => {
      map.on('move', listener);
      map.on('resize', listener);
    },
    destroy: () => map.remove(),
  };
}
