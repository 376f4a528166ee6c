/**
 * A board view in the contract's shape: three technicians (one with a territory, one with no
 * work), two routes, a late and an at-risk visit, two unassigned jobs (one with no place).
 * Synthetic ids and names only.
 */
import type { BoardRoute, BoardView } from '../../api/board/src/types.ts';

const T = (hhmm: string): string => `2026-11-24T${hhmm}:00Z`; // store zone is UTC-8 on this date

function route(
  routeId: string,
  tech: string,
  stops: {
    id: string;
    lat: number;
    lon: number;
    start: string;
    end: string;
    window: [string, string] | null;
    risk?: 'ok' | 'at-risk' | 'late';
  }[],
): BoardRoute {
  const blocks: BoardRoute['blocks'] = [];
  stops.forEach((s, i) => {
    const travelStart = T(i === 0 ? '16:40' : (stops[i - 1]?.end ?? '16:40'));
    blocks.push({ kind: 'travel', start: travelStart, end: T(s.start), serviceJobId: s.id });
    blocks.push({ kind: 'service', start: T(s.start), end: T(s.end), serviceJobId: s.id });
  });
  return {
    routeId,
    technicianIds: [tech],
    shift: { start: T('16:00'), end: T('23:59') },
    travelMinutes: 60,
    serviceMinutes: 180,
    overtimeMinutes: 0,
    utilisationPct: 40,
    stops: stops.map((s, i) => ({
      seq: i + 1,
      serviceJobId: s.id,
      lat: s.lat,
      lon: s.lon,
      arrival: T(s.start),
      start: T(s.start),
      end: T(s.end),
      window: s.window ? { start: T(s.window[0]), end: T(s.window[1]) } : null,
      skills: ['TV_MOUNTING'],
      risk: s.risk ?? 'ok',
    })),
    blocks,
  };
}

export function boardFixture(): BoardView {
  const r1 = route('R-1', 'TECH-1', [
    { id: 'JOB-1', lat: 47.6, lon: -122.33, start: '17:00', end: '18:00', window: ['16:00', '18:00'] },
    {
      id: 'JOB-2',
      lat: 47.62,
      lon: -122.3,
      start: '18:30',
      end: '19:30',
      window: ['18:00', '20:00'],
      risk: 'at-risk',
    },
    {
      id: 'JOB-3',
      lat: 47.62,
      lon: -122.3,
      start: '20:00',
      end: '21:00',
      window: ['18:00', '20:00'],
      risk: 'late',
    },
  ]);
  r1.blocks.push({ kind: 'break', start: T('21:00'), end: T('21:30') });
  const r2 = route('R-2', 'TECH-2', [
    { id: 'JOB-4', lat: 47.55, lon: -122.2, start: '17:30', end: '18:15', window: null },
  ]);
  return {
    planId: 'PLAN-A',
    status: 'applied',
    storeId: 'STORE-1',
    date: '2026-11-24',
    timeZone: 'America/Los_Angeles',
    generatedAt: T('06:00'),
    now: T('18:45'),
    kpis: {
      jobsInScope: 6,
      jobsPlanned: 4,
      demandCoveredPct: 66.7,
      travelHours: 1.5,
      serviceHours: 3.75,
      utilisationPct: 35.2,
      overtimeHours: 0,
      onTimeRisk: 1,
      techniciansUsed: 2,
      techniciansAvailable: 3,
    },
    bounds: [-122.4, 47.5, -122.2, 47.7],
    technicians: [
      {
        resourceId: 'TECH-1',
        name: 'Tech One',
        skills: ['TV_MOUNTING'],
        home: { lat: 47.58, lon: -122.35 },
        shift: { start: T('16:00'), end: T('23:59') },
      },
      {
        resourceId: 'TECH-2',
        name: 'Tech Two',
        skills: ['TV_MOUNTING', 'APPLIANCE'],
        home: { lat: 47.5, lon: -122.25 },
        shift: { start: T('16:00'), end: T('23:59') },
        territory: {
          type: 'Polygon',
          coordinates: [
            [
              [-122.3, 47.45],
              [-122.1, 47.45],
              [-122.1, 47.6],
              [-122.3, 47.6],
              [-122.3, 47.45],
            ],
          ],
        },
      },
      {
        resourceId: 'TECH-3',
        name: 'Tech Three',
        skills: ['APPLIANCE'],
        home: { lat: 47.65, lon: -122.38 },
        shift: null,
      },
    ],
    routes: [r1, r2],
    unassigned: [
      {
        serviceJobId: 'JOB-5',
        code: 'NO_SKILLED_TECHNICIAN',
        reason: 'no technician on shift has the skill SOLAR',
        lat: 47.7,
        lon: -122.4,
        window: { start: T('17:00'), end: T('19:00') },
        skills: ['SOLAR'],
      },
      {
        serviceJobId: 'JOB-6',
        code: 'POSTAL_CODE_UNKNOWN',
        reason: 'the postal code is unknown',
        skills: ['TV_MOUNTING'],
      },
    ],
  };
}
