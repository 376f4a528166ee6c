/**
 * The board page's skeleton: every element the views draw into and the forms the user fills,
 * built once when the page starts. Nothing here reacts to anything; see app.ts for the wiring.
 */
import { h } from './dom.ts';
import { timelineDefs } from './timeline-view.ts';

/** The sign-in form and the signed-in line with its sign-out button. */
function signInParts() {
  const tokenInput = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'token-hint',
  });
  const signInForm = h(
    'form',
    { class: 'sign-in', 'aria-label': 'Sign in' },
    h('label', { for: 'token' }, 'API token'),
    tokenInput,
    h('button', { type: 'submit' }, 'Sign in'),
    h('small', { id: 'token-hint' }, 'Kept in this page only; reloading signs you out.'),
  );
  const signOutButton = h('button', { type: 'button', class: 'sign-out' }, 'Sign out');
  const signedInText = h('span', {}, 'Signed in');
  const signedIn = h('div', { class: 'signed-in', hidden: true }, signedInText, signOutButton);
  return { tokenInput, signInForm, signOutButton, signedInText, signedIn };
}

/** The store, date and plan pickers. */
function pickerParts() {
  const storeInput = h('select', { id: 'store', name: 'store', required: true });
  const dateInput = h('input', { id: 'date', name: 'date', type: 'date', required: true });
  const planInput = h('input', { id: 'plan', name: 'plan', list: 'plan-options', placeholder: 'latest' });
  const planOptions = h('datalist', { id: 'plan-options' });
  const pickForm = h(
    'form',
    { class: 'pickers', 'aria-label': 'Choose a plan' },
    h('label', { for: 'store' }, 'Store'),
    storeInput,
    h('label', { for: 'date' }, 'Date'),
    dateInput,
    h('label', { for: 'plan' }, 'Plan id'),
    planInput,
    h('button', { type: 'submit' }, 'Show plan'),
    planOptions,
  );
  return { storeInput, dateInput, planInput, planOptions, pickForm };
}

/** The map panel (stage, legend, base-map form) and the side column (details, unassigned). */
function mapParts() {
  const mapStage = h('div', { class: 'map-stage' });
  const legendSlot = h('div', { class: 'legend-slot' });
  const baseMapNote = h('p', { class: 'hint basemap-note', role: 'status' });
  const tilesInput = h('input', {
    id: 'tiles',
    name: 'tiles',
    type: 'url',
    placeholder: 'https://tiles.example.org/{z}/{x}/{y}.png',
  });
  const tilesForm = h(
    'form',
    { class: 'tiles-form' },
    h('label', { for: 'tiles' }, 'Tile server URL'),
    tilesInput,
    h('button', { type: 'submit' }, 'Use base map'),
    h('button', { type: 'button', class: 'tiles-off' }, 'No base map'),
  );
  const mapPanel = h(
    'section',
    { class: 'panel map-panel', 'aria-labelledby': 'map-title' },
    h('h2', { id: 'map-title' }, 'Map'),
    mapStage,
    baseMapNote,
    legendSlot,
    h('details', { class: 'basemap' }, h('summary', {}, 'Base map'), tilesForm),
  );
  const detailsSlot = h('div', { class: 'details-slot' });
  const unassignedSlot = h('div', { class: 'unassigned-slot' });
  const side = h('aside', { class: 'side' }, detailsSlot, unassignedSlot);
  return {
    mapStage,
    legendSlot,
    baseMapNote,
    tilesInput,
    tilesForm,
    mapPanel,
    detailsSlot,
    unassignedSlot,
    side,
  };
}

/** The timeline panel and its key. */
function timelineParts() {
  const timelineSlot = h('div', { class: 'timeline-slot' });
  const timelinePanel = h(
    'section',
    { class: 'panel timeline-panel', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h(
      'p',
      { class: 'hint' },
      'Bars: visits (numbered, in the technician’s colour); hatched: travel; dotted: breaks; thin line: waiting; ',
      'shaded box: appointment window; “!” at risk, “!!” late; dashed line: now.',
    ),
    timelineSlot,
  );
  return { timelineSlot, timelinePanel };
}

/** The optimize-today form, its result and its section. */
function optimizeParts() {
  const budgetInput = h('input', {
    id: 'budget',
    name: 'budget',
    type: 'number',
    min: 1,
    max: 300,
    step: 1,
    value: 10,
    required: true,
  });
  const freezeInput = h('input', {
    id: 'freeze',
    name: 'freeze',
    type: 'number',
    min: 0,
    max: 1440,
    step: 5,
    placeholder: 'default',
  });
  const sickSlot = h('fieldset', { class: 'sick' }, h('legend', {}, 'Unavailable today'));
  const previewButton = h('button', { type: 'submit' }, 'Preview optimize-today');
  const applyButton = h('button', { type: 'button', class: 'apply', disabled: true }, 'Apply this plan');
  const optimizeResult = h('div', { class: 'optimize-result', 'aria-live': 'polite' });
  const optimizeForm = h(
    'form',
    { class: 'optimize-form', 'aria-label': 'Optimize today' },
    h('label', { for: 'budget' }, 'Time budget (s)'),
    budgetInput,
    h('label', { for: 'freeze' }, 'Freeze (min)'),
    freezeInput,
    sickSlot,
    previewButton,
    applyButton,
  );
  const optimizeSection = h(
    'div',
    { class: 'optimize' },
    h('h3', {}, 'Optimize today'),
    h(
      'p',
      { class: 'hint' },
      'Re-plans the store’s current day around reality; nothing changes until you apply.',
    ),
    optimizeForm,
    optimizeResult,
  );
  return {
    budgetInput,
    freezeInput,
    sickSlot,
    previewButton,
    applyButton,
    optimizeResult,
    optimizeForm,
    optimizeSection,
  };
}

/** The form comparing two plans and its result. */
function compareParts() {
  const compareA = h('input', { id: 'compare-a', name: 'compare-a', list: 'plan-options', required: true });
  const compareB = h('input', { id: 'compare-b', name: 'compare-b', list: 'plan-options', required: true });
  const compareResult = h('div', { class: 'compare-result', 'aria-live': 'polite' });
  const compareForm = h(
    'form',
    { class: 'compare-form', 'aria-label': 'Compare two plans' },
    h('label', { for: 'compare-a' }, 'Plan A'),
    compareA,
    h('label', { for: 'compare-b' }, 'Plan B'),
    compareB,
    h('button', { type: 'submit' }, 'Compare'),
  );
  return { compareA, compareB, compareResult, compareForm };
}

/** The what-if form, the form opening a run by its id, and the result. */
function whatIfParts() {
  const whatIfDate = h('input', { id: 'whatif-date', name: 'whatif-date', type: 'date', required: true });
  const whatIfLike = h('select', { id: 'whatif-like', name: 'whatif-like' });
  const whatIfAdd = h('input', {
    id: 'whatif-add',
    name: 'whatif-add',
    type: 'number',
    min: 0,
    max: 20,
    step: 1,
    value: 1,
  });
  const whatIfRemove = h('fieldset', { class: 'whatif-remove' }, h('legend', {}, 'Remove technicians'));
  const whatIfDemand = h('input', {
    id: 'whatif-demand',
    name: 'whatif-demand',
    type: 'number',
    min: 0,
    max: 10,
    step: 0.05,
    value: 1,
  });
  const whatIfSamples = h('input', {
    id: 'whatif-samples',
    name: 'whatif-samples',
    type: 'number',
    min: 1,
    max: 50,
    step: 1,
    value: 5,
  });
  const whatIfIterations = h('input', {
    id: 'whatif-iterations',
    name: 'whatif-iterations',
    type: 'number',
    min: 10,
    max: 20000,
    step: 10,
    value: 300,
  });
  const whatIfButton = h('button', { type: 'submit' }, 'Run what-if');
  const whatIfForm = h(
    'form',
    { class: 'whatif-form', 'aria-label': 'Run a what-if scenario' },
    h('label', { for: 'whatif-date' }, 'Base: jobs of'),
    whatIfDate,
    h('label', { for: 'whatif-like' }, 'Add technicians like'),
    whatIfLike,
    h('label', { for: 'whatif-add' }, 'How many'),
    whatIfAdd,
    h('label', { for: 'whatif-demand' }, 'Demand ×'),
    whatIfDemand,
    h('label', { for: 'whatif-samples' }, 'Sampled days'),
    whatIfSamples,
    h('label', { for: 'whatif-iterations' }, 'Solver iterations'),
    whatIfIterations,
    whatIfRemove,
    whatIfButton,
  );
  const whatIfRunInput = h('input', {
    id: 'whatif-run',
    name: 'whatif-run',
    placeholder: 'what-if run id',
    required: true,
    autocomplete: 'off',
  });
  const whatIfOpenForm = h(
    'form',
    { class: 'whatif-open', 'aria-label': 'Open a what-if run' },
    h('label', { for: 'whatif-run' }, 'What-if run'),
    whatIfRunInput,
    h('button', { type: 'submit' }, 'Open'),
  );
  const whatIfResult = h('div', { class: 'whatif-result', 'aria-live': 'polite' });
  const whatIfSection = h(
    'div',
    { class: 'whatif' },
    h(
      'p',
      { class: 'hint' },
      'Simulates sampled days of the base with and without the changes; never writes to Amazon.',
    ),
    whatIfForm,
  );
  return {
    whatIfDate,
    whatIfLike,
    whatIfAdd,
    whatIfRemove,
    whatIfDemand,
    whatIfSamples,
    whatIfIterations,
    whatIfButton,
    whatIfForm,
    whatIfRunInput,
    whatIfOpenForm,
    whatIfResult,
    whatIfSection,
  };
}

type Parts = ReturnType<typeof pageParts>;

function pageParts() {
  const statusLine = h('p', { class: 'status', role: 'status' });
  const errorLine = h('p', { class: 'error', role: 'alert' });
  const planTitle = h('h2', { class: 'plan-title' });
  const planStatus = h('div', { class: 'plan-status' });
  const liveNote = h('p', { class: 'hint live-note', role: 'status', 'aria-live': 'polite' });
  const kpiSlot = h('div', { class: 'kpi-slot' });
  const viewerNote = h(
    'p',
    { class: 'hint viewer-note', hidden: true },
    'Optimize-today, applying plans and running what-ifs need a planner token; this one may only read (and open a what-if run by its id).',
  );
  return {
    ...signInParts(),
    ...pickerParts(),
    statusLine,
    errorLine,
    planTitle,
    planStatus,
    liveNote,
    kpiSlot,
    ...mapParts(),
    ...timelineParts(),
    ...optimizeParts(),
    ...compareParts(),
    ...whatIfParts(),
    viewerNote,
  };
}

/** The planner panel: optimize-today, the comparison of two plans and the what-if scenarios. */
function plannerPanel(p: Parts): HTMLElement {
  return h(
    'section',
    { class: 'panel planner', 'aria-labelledby': 'planner-title' },
    h('h2', { id: 'planner-title' }, 'Planner'),
    p.optimizeSection,
    p.viewerNote,
    h('h3', {}, 'Compare two plans'),
    p.compareForm,
    p.compareResult,
    h('h3', {}, 'What-if scenario against its base'),
    p.whatIfSection,
    p.whatIfOpenForm,
    p.whatIfResult,
  );
}

/** Every element of the page the views and the event wiring reach, the board itself included. */
export type Page = Parts & { board: HTMLElement };

/** Builds the page's skeleton into `root` (replacing what it held). */
export function buildPage(root: HTMLElement): Page {
  const p = pageParts();
  const board = h(
    'main',
    { class: 'board', hidden: true },
    p.planTitle,
    p.planStatus,
    p.liveNote,
    p.kpiSlot,
    h('div', { class: 'board-grid' }, p.mapPanel, p.side),
    p.timelinePanel,
    plannerPanel(p),
  );
  root.replaceChildren(
    timelineDefs(),
    h('header', { class: 'top' }, h('h1', {}, 'Dispatch board'), p.signInForm, p.signedIn),
    p.pickForm,
    p.statusLine,
    p.errorLine,
    board,
  );
  return { ...p, board };
}
