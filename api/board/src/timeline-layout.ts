/**
 * The Gantt as plain numbers: one row per technician, blocks and appointment windows placed
 * on a shared time axis. No DOM here.
 */
import { technicianStyles, type RouteStyle } from './palette.ts';
import { clockTime, toMs } from './time.ts';
import type { BlockKind, BoardView, StopRisk } from './types.ts';

const HOUR = 3_600_000;

interface TimelineBlock {
  kind: BlockKind;
  x: number;
  width: number;
  start: string;
  end: string;
  serviceJobId?: string;
  seq?: number;
  risk?: StopRisk;
}

interface TimelineWindow {
  serviceJobId: string;
  x: number;
  width: number;
}

interface TimelineRow {
  resourceId: string;
  name: string;
  style: RouteStyle;
  routeId: string | null;
  /** The technicians sharing the route (a crew), this one included. */
  crew: string[];
  shift: { x0: number; x1: number } | null;
  /** The shift's instants, for labels. */
  shiftTimes: { start: string; end: string } | null;
  blocks: TimelineBlock[];
  windows: TimelineWindow[];
  /** Visits in route order. */
  visits: string[];
}

export interface TimelineLayout {
  start: number;
  end: number;
  width: number;
  ticks: { x: number; label: string }[];
  rows: TimelineRow[];
  /** Where the current-time line goes, when now is on the axis. */
  nowX: number | null;
}

/** The instants that must be on the axis: shifts, blocks, stops and windows. */
function domain(view: BoardView): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const take = (iso: string | undefined): void => {
    if (iso === undefined) return;
    const ms = toMs(iso);
    if (ms < lo) lo = ms;
    if (ms > hi) hi = ms;
  };
  for (const t of view.technicians) {
    take(t.shift?.start);
    take(t.shift?.end);
  }
  for (const r of view.routes) {
    take(r.shift.start);
    take(r.shift.end);
    for (const b of r.blocks) {
      take(b.start);
      take(b.end);
    }
    for (const s of r.stops) {
      take(s.window?.start);
      take(s.window?.end);
    }
  }
  if (!Number.isFinite(lo)) {
    // Nothing scheduled: show the working day around the view's date.
    lo = toMs(`${view.date}T08:00:00Z`);
    hi = lo + 10 * HOUR;
  }
  return [
    Math.floor(lo / HOUR) * HOUR,
    Math.max(Math.ceil(hi / HOUR) * HOUR, Math.floor(lo / HOUR) * HOUR + HOUR),
  ];
}

export function layoutTimeline(view: BoardView, width: number, now: number = toMs(view.now)): TimelineLayout {
  const [start, end] = domain(view);
  const scale = width / (end - start);
  const x = (ms: number): number => (ms - start) * scale;
  const styles = technicianStyles(view.technicians.map((t) => t.resourceId));

  const ticks: { x: number; label: string }[] = [];
  for (let t = start; t <= end; t += HOUR) ticks.push({ x: x(t), label: clockTime(t, view.timeZone) });

  const rows: TimelineRow[] = view.technicians.map((t) => {
    const route = view.routes.find((r) => r.technicianIds.includes(t.resourceId));
    const style = styles.get(t.resourceId) ?? { colour: '#555555', dash: '', ink: '#FFFFFF' };
    const shiftIso = route?.shift ?? t.shift;
    const shift = shiftIso ? { x0: x(toMs(shiftIso.start)), x1: x(toMs(shiftIso.end)) } : null;
    if (!route) {
      return {
        resourceId: t.resourceId,
        name: t.name,
        style,
        routeId: null,
        crew: [t.resourceId],
        shift,
        shiftTimes: shiftIso ?? null,
        blocks: [],
        windows: [],
        visits: [],
      };
    }
    const stops = new Map(route.stops.map((s) => [s.serviceJobId, s]));
    const blocks: TimelineBlock[] = route.blocks.map((b) => {
      const x0 = x(toMs(b.start));
      const block: TimelineBlock = {
        kind: b.kind,
        x: x0,
        width: Math.max(0, x(toMs(b.end)) - x0),
        start: b.start,
        end: b.end,
      };
      if (b.serviceJobId !== undefined) {
        block.serviceJobId = b.serviceJobId;
        const stop = stops.get(b.serviceJobId);
        if (stop && b.kind === 'service') {
          block.seq = stop.seq;
          block.risk = stop.risk;
        }
      }
      return block;
    });
    const ordered = [...route.stops].sort((a, b) => a.seq - b.seq);
    const windows: TimelineWindow[] = [];
    for (const s of ordered) {
      if (!s.window) continue;
      const x0 = x(toMs(s.window.start));
      windows.push({ serviceJobId: s.serviceJobId, x: x0, width: Math.max(0, x(toMs(s.window.end)) - x0) });
    }
    return {
      resourceId: t.resourceId,
      name: t.name,
      style,
      routeId: route.routeId,
      crew: route.technicianIds,
      shift,
      shiftTimes: shiftIso,
      blocks,
      windows,
      visits: ordered.map((s) => s.serviceJobId),
    };
  });

  const nowX = now >= start && now <= end ? x(now) : null;
  return { start, end, width, ticks, rows, nowX };
}
