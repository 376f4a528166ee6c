/** Draws a map layout as SVG: territories, routes, home bases, numbered stops, unassigned jobs. */
import { activatable, h, s } from './dom.ts';
import type { MapLayout } from './map-layout.ts';
import type { BoardView } from './types.ts';

export interface MapViewOptions {
  width: number;
  height: number;
  /** Called when a stop or an unassigned job is activated; none makes a read-only map. */
  onSelect?: (serviceJobId: string) => void;
  /** Leave the background transparent (a base map is underneath). */
  transparent?: boolean;
  label?: string;
}

const pointsAttr = (pts: [number, number][]): string =>
  pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

export function renderMap(view: BoardView, layout: MapLayout, options: MapViewOptions): SVGSVGElement {
  const names = new Map(view.technicians.map((t) => [t.resourceId, t.name]));
  const crewName = (ids: readonly string[]): string => ids.map((id) => names.get(id) ?? id).join(' & ');
  const reasons = new Map(view.unassigned.map((u) => [u.serviceJobId, u.reason]));
  const svg = s('svg', {
    class: 'map-svg',
    viewBox: `0 0 ${options.width} ${options.height}`,
    role: 'group',
    'aria-label': options.label ?? `Map of plan ${view.planId}`,
  });
  if (!options.transparent) {
    svg.append(s('rect', { class: 'map-bg', x: 0, y: 0, width: options.width, height: options.height }));
  }

  const territories = s('g', { class: 'territories' });
  for (const t of layout.territories) {
    territories.append(
      s(
        'path',
        {
          class: 'territory',
          d: t.d,
          fill: t.style.colour,
          stroke: t.style.colour,
          'fill-rule': 'evenodd',
          'data-resource-id': t.resourceId,
        },
        s('title', {}, `Territory of ${names.get(t.resourceId) ?? t.resourceId}`),
      ),
    );
  }
  svg.append(territories);

  const routes = s('g', { class: 'routes' });
  for (const r of layout.routes) {
    const g = s('g', {
      class: 'route',
      'data-route-id': r.routeId,
      'data-technician-ids': r.technicianIds.join(' '),
    });
    g.append(
      s('polyline', { class: 'route-halo', points: pointsAttr(r.points) }),
      s('polyline', {
        class: 'route-line',
        points: pointsAttr(r.points),
        stroke: r.style.colour,
        'stroke-dasharray': r.style.dash || undefined,
      }),
      s('title', {}, `Route of ${crewName(r.technicianIds)}: ${r.stops.length} visits`),
    );
    routes.append(g);
  }
  svg.append(routes);

  const homes = s('g', { class: 'homes' });
  for (const home of layout.homes) {
    const { x, y } = home;
    homes.append(
      s(
        'g',
        { class: 'home', 'data-resource-id': home.resourceId },
        s('path', {
          d: `M${x - 8} ${y + 7} V${y - 2} L${x} ${y - 9} L${x + 8} ${y - 2} V${y + 7} Z`,
          fill: home.style.colour,
        }),
        s('title', {}, `Home base of ${home.name}`),
      ),
    );
  }
  svg.append(homes);

  const unassigned = s('g', { class: 'unassigned-marks' });
  for (const u of layout.unassigned) {
    const g = s(
      'g',
      { class: 'unassigned-mark', 'data-job-id': u.serviceJobId },
      s('rect', { x: u.x - 7, y: u.y - 7, width: 14, height: 14, transform: `rotate(45 ${u.x} ${u.y})` }),
      s('text', { x: u.x, y: u.y + 4, 'text-anchor': 'middle' }, '!'),
    );
    const label = `Unassigned job ${u.serviceJobId}: ${reasons.get(u.serviceJobId) ?? u.code}`;
    if (options.onSelect) {
      const select = options.onSelect;
      activatable(g, label, () => select(u.serviceJobId));
    } else g.append(s('title', {}, label));
    unassigned.append(g);
  }
  svg.append(unassigned);

  svg.append(stopsLayer(layout, crewName, options.onSelect));
  if (options.onSelect) walkStopsWithArrows(svg);
  return svg;
}

/** The numbered stops of every route, each selectable when `onSelect` is given. */
function stopsLayer(
  layout: MapLayout,
  crewName: (ids: readonly string[]) => string,
  onSelect: MapViewOptions['onSelect'],
): SVGGElement {
  const stops = s('g', { class: 'stops' });
  for (const r of layout.routes) {
    for (const stop of r.stops) {
      const g = s('g', {
        class: `stop risk-${stop.risk}`,
        'data-job-id': stop.serviceJobId,
        'data-route-id': r.routeId,
      });
      if (stop.risk !== 'ok') g.append(s('circle', { class: 'risk-ring', cx: stop.x, cy: stop.y, r: 13 }));
      g.append(
        s('circle', { class: 'stop-dot', cx: stop.x, cy: stop.y, r: 9, fill: r.style.colour }),
        s(
          'text',
          { x: stop.x, y: stop.y + 3.5, 'text-anchor': 'middle', fill: r.style.ink },
          String(stop.seq),
        ),
      );
      const risk = stop.risk === 'ok' ? '' : `, ${stop.risk}`;
      const label = `Stop ${stop.seq} of ${crewName(r.technicianIds)}: job ${stop.serviceJobId}${risk}`;
      if (onSelect) {
        const select = onSelect;
        activatable(g, label, () => select(stop.serviceJobId));
      } else g.append(s('title', {}, label));
      stops.append(g);
    }
  }
  return stops;
}

/** Arrow keys walk a route's stops in order. */
function walkStopsWithArrows(svg: SVGSVGElement): void {
  svg.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    const target = ev.target as Element | null;
    const routeId = target?.getAttribute('data-route-id');
    if (!target || !routeId || !target.classList.contains('stop')) return;
    const same = [...svg.querySelectorAll<SVGGElement>('.stop')].filter(
      (el) => el.getAttribute('data-route-id') === routeId,
    );
    const next = same[same.indexOf(target as SVGGElement) + (ev.key === 'ArrowRight' ? 1 : -1)];
    if (next) {
      ev.preventDefault();
      next.focus();
    }
  });
}

/** The legend: one entry per technician with its line colour and pattern. */
export function renderLegend(view: BoardView, layout: MapLayout): HTMLElement {
  const visits = new Map<string, number>();
  for (const r of layout.routes) for (const id of r.technicianIds) visits.set(id, r.stops.length);
  const list = h('ul', { class: 'legend', 'aria-label': 'Technicians' });
  for (const home of layout.homes) {
    const swatch = s(
      'svg',
      { class: 'swatch', viewBox: '0 0 28 10', width: 28, height: 10, 'aria-hidden': 'true' },
      s('line', {
        x1: 1,
        y1: 5,
        x2: 27,
        y2: 5,
        stroke: home.style.colour,
        'stroke-width': 4,
        'stroke-dasharray': home.style.dash || undefined,
      }),
    );
    const n = visits.get(home.resourceId) ?? 0;
    list.append(h('li', {}, swatch, ` ${home.name} (${n} ${n === 1 ? 'visit' : 'visits'})`));
  }
  if (layout.unassigned.length + layout.unplaced.length > 0) {
    list.append(
      h(
        'li',
        { class: 'legend-unassigned' },
        h('span', { class: 'swatch-unassigned', 'aria-hidden': 'true' }, '!'),
        ' Unassigned',
      ),
    );
  }
  if (view.technicians.some((t) => t.territory)) {
    list.append(h('li', {}, h('span', { class: 'swatch-territory', 'aria-hidden': 'true' }), ' Territory'));
  }
  return list;
}
