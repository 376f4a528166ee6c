/** The KPI strip, the unassigned list, visit details, the optimize-today diff and plan comparison. */
import { compareBoards, describeDiffEntry, KPI_LABELS, type BoardComparison } from './compare.ts';
import { fmt, h } from './dom.ts';
import { clockRange, clockTime } from './time.ts';
import type { BoardView, OptimizeDiff } from './types.ts';

/** A reason with its code, the code once when the reason is only the code. */
function reasonText(u: { code: string; reason: string }): string {
  return u.reason === '' || u.reason === u.code ? u.code : `${u.reason} (${u.code})`;
}

/** The KPI strip of exactly the store-day shown (the server computes them for that scope). */
export function renderKpis(view: BoardView, label = 'Key figures'): HTMLElement {
  const k = view.kpis;
  const unassigned = view.unassigned.length;
  const late = view.routes.reduce((n, r) => n + r.stops.filter((st) => st.risk === 'late').length, 0);
  const items: [string, string][] =
    k === null
      ? [
          ['Key figures', 'not recorded for this plan'],
          ['Unassigned', String(unassigned)],
        ]
      : [
          ['Jobs planned', `${k.jobsPlanned} / ${k.jobsInScope}`],
          ['Unassigned', String(unassigned)],
          ['Travel', `${fmt(k.travelHours)} h`],
          ['Utilisation', `${fmt(k.utilisationPct)} %`],
          ['Overtime', `${fmt(k.overtimeHours)} h`],
          ['On-time risk', `${k.onTimeRisk} at risk, ${k.lateVisits ?? late} late`],
          ['Technicians', `${k.techniciansUsed} / ${k.techniciansAvailable}`],
        ];
  return h(
    'dl',
    { class: 'kpis', 'aria-label': label },
    ...items.map(([label, value]) => h('div', { class: 'kpi' }, h('dt', {}, label), h('dd', {}, value))),
  );
}

export function renderUnassigned(view: BoardView, onSelect: (id: string) => void): HTMLElement {
  const section = h('section', { class: 'unassigned', 'aria-labelledby': 'unassigned-title' });
  section.append(h('h2', { id: 'unassigned-title' }, `Unassigned (${view.unassigned.length})`));
  if (view.unassigned.length === 0) {
    section.append(h('p', {}, 'Every job in scope is planned.'));
    return section;
  }
  const list = h('ul', {});
  for (const u of view.unassigned) {
    const button = h(
      'button',
      { type: 'button', class: 'unassigned-item', 'data-job-id': u.serviceJobId },
      h('span', { class: 'job-id' }, u.serviceJobId),
      h('span', { class: 'code' }, u.code),
      h('span', { class: 'reason' }, u.reason),
    );
    button.addEventListener('click', () => onSelect(u.serviceJobId));
    list.append(h('li', {}, button));
  }
  section.append(list);
  return section;
}

const STATUS_TEXT: Record<string, string> = {
  succeeded: 'Planned and written to Amazon.',
  partial: 'Planned and written to Amazon, except the calls Amazon refused (below).',
  failed: 'The run failed; the plan shown is what it had planned.',
  running: 'The run is still going; the plan may change.',
  cancelled: 'The run was cancelled.',
  simulated: 'A simulated day; nothing is written to Amazon.',
};

const OPERATION_TEXT: Record<string, string> = {
  addAppointment: 'add appointment',
  rescheduleAppointment: 'move appointment',
  assignAppointmentResources: 'assign technicians',
  createReservation: 'create reservation',
  updateReservation: 'update reservation',
  cancelReservation: 'cancel reservation',
};

/**
 * What the plan's status means, in words (never a colour alone), and for a `partial` plan the
 * calls Amazon refused with its reason.
 */
export function renderPlanStatus(view: BoardView): HTMLElement {
  const refused = view.refused ?? [];
  const root = h(
    'section',
    {
      class: `plan-status-box status-${view.status}`,
      'aria-label': 'Plan status',
      'data-status': view.status,
    },
    h(
      'p',
      {},
      h('strong', {}, `Status: ${view.status}. `),
      STATUS_TEXT[view.status] ?? '',
      view.status === 'partial' ? ` ${refused.length} refused for this store.` : '',
    ),
  );
  if (refused.length > 0) {
    root.append(
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'refused-calls' },
          h('caption', {}, `Write-back calls Amazon refused: ${refused.length}`),
          h(
            'thead',
            {},
            h('tr', {}, ...['Job', 'Call', 'Amazon’s reason'].map((c) => h('th', { scope: 'col' }, c))),
          ),
          h(
            'tbody',
            {},
            ...refused.map((c) =>
              h(
                'tr',
                { 'data-refused-job': c.serviceJobId ?? '', 'data-code': c.code },
                h('td', {}, c.serviceJobId ?? '—'),
                h('td', {}, OPERATION_TEXT[c.operation] ?? c.operation),
                h('td', {}, c.reason === c.code ? c.code : `${c.reason} (${c.code})`),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return root;
}

/** Details of a visit or an unassigned job; buyer name and address only when the API sent them. */
export function renderDetails(view: BoardView, serviceJobId: string | null): HTMLElement {
  const section = h('section', {
    class: 'details',
    'aria-live': 'polite',
    'aria-labelledby': 'details-title',
  });
  section.append(h('h2', { id: 'details-title' }, 'Details'));
  if (!serviceJobId) {
    section.append(h('p', {}, 'Select a stop on the map, a visit on the timeline or an unassigned job.'));
    return section;
  }
  const tz = view.timeZone;
  const names = new Map(view.technicians.map((t) => [t.resourceId, t.name]));
  const rows: [string, string][] = [['Job', serviceJobId]];
  const route = view.routes.find((r) => r.stops.some((st) => st.serviceJobId === serviceJobId));
  const stop = route?.stops.find((st) => st.serviceJobId === serviceJobId);
  if (route && stop) {
    rows.push(
      ['Technician', route.technicianIds.map((id) => names.get(id) ?? id).join(' & ')],
      ['Stop', String(stop.seq)],
      ['Arrival', clockTime(stop.arrival, tz)],
      ['Service', clockRange(stop, tz)],
      ['Window', stop.window ? clockRange(stop.window, tz) : 'none'],
      ['Skills', stop.skills.join(', ') || '—'],
      [
        'Status',
        stop.kept
          ? `${stop.kept}, kept as it was (not re-planned)`
          : stop.closed
            ? `${stop.closed} (closed out)`
            : stop.risk === 'ok'
              ? 'on time'
              : stop.risk,
      ],
    );
    if (stop.buyer) rows.push(['Buyer', stop.buyer.name], ['Address', stop.buyer.address]);
  } else {
    const u = view.unassigned.find((x) => x.serviceJobId === serviceJobId);
    if (u) {
      rows.push(
        ['Status', 'unassigned'],
        ['Reason', reasonText(u)],
        ['Window', u.window ? clockRange(u.window, tz) : 'none'],
        ['Skills', u.skills.join(', ') || '—'],
      );
    } else rows.push(['Status', 'not in this plan']);
  }
  section.append(
    h('dl', { class: 'detail-list' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', { class: 'hint' }, `Times in ${tz}.`),
  );
  return section;
}

/** The text with every known id (a technician's, a store's) replaced by its name. */
function withNames(text: string, names?: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [id, name] of names ?? []) if (id !== '' && out.includes(id)) out = out.replaceAll(id, name);
  return out;
}

const DIFF_SECTIONS = [
  ['rescheduled', 'Rescheduled'],
  ['reassigned', 'Reassigned'],
  ['added', 'Added'],
] as const;

export function renderOptimizeDiff(
  diff: OptimizeDiff,
  timeZone: string,
  names?: ReadonlyMap<string, string>,
): HTMLElement {
  const root = h('div', { class: 'diff', 'aria-label': 'Changes optimize-today would make' });
  const counts = h(
    'ul',
    { class: 'diff-counts' },
    ...DIFF_SECTIONS.map(([key, label]) => h('li', { 'data-diff': key }, `${label}: ${diff[key].length}`)),
    h('li', { 'data-diff': 'unassigned' }, `Left unassigned: ${diff.unassigned.length}`),
    h('li', { 'data-diff': 'unchanged' }, `Unchanged: ${diff.unchanged}`),
  );
  root.append(counts);
  for (const [key, label] of DIFF_SECTIONS) {
    if (diff[key].length === 0) continue;
    root.append(
      h('h4', {}, label),
      h(
        'ul',
        { class: `diff-list diff-${key}` },
        ...diff[key].map((e) => h('li', {}, describeDiffEntry(e, timeZone, names))),
      ),
    );
  }
  if (diff.unassigned.length > 0) {
    root.append(
      h('h4', {}, 'Left unassigned'),
      h(
        'ul',
        { class: 'diff-list diff-unassigned' },
        ...diff.unassigned.map((u) => h('li', {}, `${u.serviceJobId} — ${withNames(reasonText(u), names)}`)),
      ),
    );
  }
  return root;
}

const signed = (x: number): string => (x > 0 ? `+${fmt(x, 2)}` : fmt(x, 2));

function verdict(delta: number, higherIsBetter: boolean): string {
  if (delta === 0) return 'same';
  return delta > 0 === higherIsBetter ? 'better' : 'worse';
}

export function renderComparison(
  a: BoardView,
  b: BoardView,
  comparison: BoardComparison = compareBoards(a, b),
): HTMLElement {
  const tz = b.timeZone;
  const names = new Map([...a.technicians, ...b.technicians].map((t) => [t.resourceId, t.name]));
  const crew = (ids: readonly string[] | undefined): string =>
    ids ? ids.map((id) => names.get(id) ?? id).join(' & ') : '—';
  const table = h(
    'table',
    { class: 'kpi-compare' },
    h('caption', {}, 'Key figures'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col' }, a.planId),
        h('th', { scope: 'col' }, b.planId),
        h('th', { scope: 'col' }, 'Change'),
      ),
    ),
    h(
      'tbody',
      {},
      ...comparison.kpis.map((k) => {
        const unit = KPI_LABELS.find((l) => l.key === k.key)?.unit ?? '';
        return h(
          'tr',
          { 'data-kpi': k.key },
          h('th', { scope: 'row' }, k.label),
          h('td', {}, `${fmt(k.a)}${unit}`),
          h('td', {}, `${fmt(k.b)}${unit}`),
          h(
            'td',
            { class: `delta ${verdict(k.delta, k.higherIsBetter)}` },
            `${signed(k.delta)} (${verdict(k.delta, k.higherIsBetter)})`,
          ),
        );
      }),
    ),
  );
  const changes = h(
    'table',
    { class: 'job-changes' },
    h(
      'caption',
      {},
      `Jobs that differ: ${comparison.changes.length} (unchanged ${comparison.unchanged}` +
        (comparison.kept.length > 0 ? `; done or under way, kept ${comparison.kept.length})` : ')'),
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['Job', 'Change', a.planId, b.planId].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...comparison.changes.map((c) =>
        h(
          'tr',
          { 'data-job-id': c.serviceJobId },
          h('td', {}, c.serviceJobId),
          h('td', {}, c.kind),
          h('td', {}, c.a ? `${crew(c.a.technicianIds)} ${clockTime(c.a.start, tz)}` : 'not planned'),
          h('td', {}, c.b ? `${crew(c.b.technicianIds)} ${clockTime(c.b.start, tz)}` : 'not planned'),
        ),
      ),
    ),
  );
  const root = h('div', { class: 'comparison' }, table, changes);
  if (comparison.kept.length > 0) {
    root.append(
      h(
        'table',
        { class: 'kept-visits' },
        h(
          'caption',
          {},
          `Done or under way at ${clockTime(b.now, tz)}, kept as they are: ${comparison.kept.length}`,
        ),
        h('thead', {}, h('tr', {}, ...['Job', 'State', a.planId].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...comparison.kept.map((k) =>
            h(
              'tr',
              { 'data-job-id': k.serviceJobId, 'data-state': k.state },
              h('td', {}, k.serviceJobId),
              h('td', {}, `${k.state} (kept)`),
              h('td', {}, `${crew(k.a.technicianIds)} ${clockTime(k.a.start, tz)}`),
            ),
          ),
        ),
      ),
    );
  }
  return root;
}
