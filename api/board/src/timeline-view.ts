/** Draws the Gantt: an hour axis and one row per technician with its blocks and windows. */
import { activatable, h, s } from './dom.ts';
import { clockRange, clockTime } from './time.ts';
import type { TimelineLayout } from './timeline-layout.ts';
import type { BoardView } from './types.ts';

const ROW_HEIGHT = 40;
const AXIS_HEIGHT = 34;

const KIND_LABEL = { travel: 'Travel', service: 'Visit', break: 'Break', wait: 'Waiting' } as const;

export interface TimelineViewOptions {
  onSelect: (serviceJobId: string) => void;
}

/** Patterns shared by every timeline on the page (hatching that does not rely on colour). */
export function timelineDefs(): SVGSVGElement {
  return s(
    'svg',
    { width: 0, height: 0, class: 'defs', 'aria-hidden': 'true', focusable: 'false' },
    s(
      'defs',
      {},
      s(
        'pattern',
        {
          id: 'pattern-travel',
          width: 6,
          height: 6,
          patternUnits: 'userSpaceOnUse',
          patternTransform: 'rotate(45)',
        },
        s('rect', { width: 6, height: 6, fill: '#d9d9d9' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#6b6b6b', 'stroke-width': 2 }),
      ),
      s(
        'pattern',
        { id: 'pattern-break', width: 8, height: 8, patternUnits: 'userSpaceOnUse' },
        s('rect', { width: 8, height: 8, fill: '#ffffff' }),
        s('circle', { cx: 4, cy: 4, r: 1.6, fill: '#333333' }),
      ),
    ),
  );
}

type Row = TimelineLayout['rows'][number];
type Block = Row['blocks'][number];
type Stops = ReadonlyMap<string, BoardView['routes'][number]['stops'][number]>;

/** The head row: the hour axis with its ticks and the "now" label. */
function timelineHead(view: BoardView, layout: TimelineLayout): HTMLElement {
  const tz = view.timeZone;
  const axis = s('svg', {
    class: 'timeline-axis',
    width: layout.width,
    height: AXIS_HEIGHT,
    viewBox: `0 0 ${layout.width} ${AXIS_HEIGHT}`,
    'aria-hidden': 'true',
  });
  for (const t of layout.ticks) {
    axis.append(
      s('line', { class: 'tick', x1: t.x, x2: t.x, y1: AXIS_HEIGHT - 6, y2: AXIS_HEIGHT }),
      s('text', { x: t.x + 2, y: AXIS_HEIGHT - 9 }, t.label),
    );
  }
  if (layout.nowX !== null) {
    axis.append(
      s('text', { class: 'now-label', x: layout.nowX + 3, y: 10 }, `now ${clockTime(view.now, tz)}`),
    );
  }
  return h(
    'div',
    { class: 'timeline-head', role: 'row' },
    h('div', { class: 'timeline-label', role: 'columnheader' }, 'Technician'),
    h('div', { class: 'timeline-track', role: 'columnheader', 'aria-label': `Hours, ${tz}` }, axis),
  );
}

/** One visit's bar: numbered, marked when at risk or late, selectable. */
function visitBlock(
  b: Block,
  row: Row,
  stops: Stops,
  tz: string,
  onSelect: (id: string) => void,
): SVGGElement {
  const mid = ROW_HEIGHT / 2;
  const id = b.serviceJobId ?? '';
  const risk = b.risk ?? 'ok';
  const g = s('g', { class: `visit risk-${risk}`, 'data-job-id': id });
  g.append(
    s('rect', {
      class: 'block block-service',
      x: b.x,
      y: mid - 12,
      width: Math.max(2, b.width),
      height: 24,
      fill: row.style.colour,
    }),
  );
  const seq = b.seq !== undefined ? String(b.seq) : '';
  if (b.width >= 14 && seq) {
    g.append(
      s('text', { x: b.x + b.width / 2, y: mid + 4, 'text-anchor': 'middle', fill: row.style.ink }, seq),
    );
  }
  if (risk !== 'ok') {
    g.append(
      s(
        'text',
        { class: 'risk-mark', x: b.x + Math.max(2, b.width) + 2, y: mid - 6 },
        risk === 'late' ? '!!' : '!',
      ),
    );
  }
  const stop = stops.get(id);
  const window = stop?.window ? `, window ${clockRange(stop.window, tz)}` : '';
  const riskText = risk === 'ok' ? '' : `, ${risk}`;
  activatable(g, `Visit ${seq} of ${row.name}: job ${id}, ${clockRange(b, tz)}${window}${riskText}`, () =>
    onSelect(id),
  );
  return g;
}

/** One technician's track: the shift, the appointment windows, the blocks and the "now" line. */
function rowTrack(
  row: Row,
  layout: TimelineLayout,
  stops: Stops,
  tz: string,
  onSelect: (id: string) => void,
): SVGSVGElement {
  const mid = ROW_HEIGHT / 2;
  const track = s('svg', {
    class: 'timeline-svg',
    width: layout.width,
    height: ROW_HEIGHT,
    viewBox: `0 0 ${layout.width} ${ROW_HEIGHT}`,
  });
  if (row.shift) {
    track.append(
      s('rect', {
        class: 'shift',
        x: row.shift.x0,
        y: 0,
        width: Math.max(0, row.shift.x1 - row.shift.x0),
        height: ROW_HEIGHT,
      }),
      s('line', { class: 'shift-limit', x1: row.shift.x0, x2: row.shift.x0, y1: 0, y2: ROW_HEIGHT }),
      s('line', { class: 'shift-limit', x1: row.shift.x1, x2: row.shift.x1, y1: 0, y2: ROW_HEIGHT }),
    );
  }
  for (const w of row.windows) {
    track.append(
      s('rect', {
        class: 'window',
        'data-window-for': w.serviceJobId,
        x: w.x,
        y: 3,
        width: w.width,
        height: ROW_HEIGHT - 6,
        fill: row.style.colour,
        stroke: row.style.colour,
      }),
    );
  }
  for (const b of row.blocks) {
    if (b.kind !== 'service') {
      const height = b.kind === 'break' ? 20 : b.kind === 'travel' ? 10 : 4;
      track.append(
        s(
          'rect',
          { class: `block block-${b.kind}`, x: b.x, y: mid - height / 2, width: b.width, height },
          s('title', {}, `${KIND_LABEL[b.kind]} ${clockRange(b, tz)}`),
        ),
      );
      continue;
    }
    track.append(visitBlock(b, row, stops, tz, onSelect));
  }
  if (layout.nowX !== null) {
    track.append(s('line', { class: 'now-line', x1: layout.nowX, x2: layout.nowX, y1: 0, y2: ROW_HEIGHT }));
  }
  return track;
}

/** One technician's row: its header (colour, name, crew, summary) and its track. */
function timelineRow(row: Row, track: SVGSVGElement, tz: string): HTMLElement {
  const swatch = s(
    'svg',
    { class: 'row-swatch', width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true' },
    s('rect', { x: 0.5, y: 0.5, width: 11, height: 11, fill: row.style.colour, stroke: '#000' }),
  );
  const crew = row.crew.length > 1 ? h('span', { class: 'crew' }, ` (crew of ${row.crew.length})`) : null;
  const n = row.visits.length;
  const summary = row.routeId ? `${n} ${n === 1 ? 'visit' : 'visits'}` : row.shift ? 'no visits' : 'off';
  return h(
    'div',
    {
      class: 'timeline-row',
      role: 'row',
      'data-resource-id': row.resourceId,
      'data-route-id': row.routeId ?? undefined,
      'data-visits': row.visits.join(' '),
    },
    h(
      'div',
      {
        class: 'timeline-label',
        role: 'rowheader',
        tabindex: 0,
        'aria-label': `${row.name}: ${summary}${row.shiftTimes ? `, shift ${clockRange(row.shiftTimes, tz)}` : ''}`,
      },
      swatch,
      row.name,
      crew,
      h('small', {}, summary),
    ),
    h('div', { class: 'timeline-track', role: 'cell' }, track),
  );
}

export function renderTimeline(
  view: BoardView,
  layout: TimelineLayout,
  options: TimelineViewOptions,
): HTMLElement {
  const tz = view.timeZone;
  const root = h('div', { class: 'timeline', role: 'table', 'aria-label': `Timeline, times in ${tz}` });
  root.append(timelineHead(view, layout));
  const stops = new Map(view.routes.flatMap((r) => r.stops.map((st) => [st.serviceJobId, st] as const)));
  for (const row of layout.rows) {
    root.append(timelineRow(row, rowTrack(row, layout, stops, tz, options.onSelect), tz));
  }
  root.addEventListener('keydown', (ev) => moveFocus(ev, root));
  return root;
}

/**
 * Arrow keys move between visits: left and right along a technician's day, up and down to
 * the neighbouring technician's first visit (or its row header when it has none).
 */
function moveFocus(ev: KeyboardEvent, root: HTMLElement): void {
  if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(ev.key)) return;
  const target = ev.target as Element | null;
  const row = target?.closest('.timeline-row');
  if (!target || !row) return;
  let next: Element | null | undefined = null;
  if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
    const stops = [...row.querySelectorAll('.visit')];
    const i = stops.indexOf(target);
    next =
      ev.key === 'ArrowRight' ? stops[i + 1] : i > 0 ? stops[i - 1] : row.querySelector('.timeline-label');
  } else {
    const rows = [...root.querySelectorAll('.timeline-row')];
    const other = rows[rows.indexOf(row) + (ev.key === 'ArrowDown' ? 1 : -1)];
    next = other?.querySelector('.visit') ?? other?.querySelector('.timeline-label');
  }
  if (next instanceof HTMLElement || next instanceof SVGElement) {
    ev.preventDefault();
    next.focus();
  }
}
