/**
 * Route colours: the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies), black left out for text. Past seven technicians the colours repeat with a
 * different line pattern, so no two routes look the same even without colour.
 */

export const ROUTE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

const DASHES = ['', '10 5', '3 4'];

export interface RouteStyle {
  colour: string;
  /** SVG stroke-dasharray; empty for a solid line. */
  dash: string;
  /** Text colour readable on top of `colour`. */
  ink: string;
}

const DARK_INK = new Set(['#E69F00', '#56B4E9', '#F0E442', '#CC79A7']);

export function routeStyle(index: number): RouteStyle {
  const i = Math.max(0, Math.floor(index));
  const colour = ROUTE_COLOURS[i % ROUTE_COLOURS.length] ?? '#0072B2';
  const dash = DASHES[Math.floor(i / ROUTE_COLOURS.length) % DASHES.length] ?? '';
  return { colour, dash, ink: DARK_INK.has(colour) ? '#000000' : '#FFFFFF' };
}

/** One style per technician, in the order the view lists them. */
export function technicianStyles(technicianIds: readonly string[]): Map<string, RouteStyle> {
  return new Map(technicianIds.map((id, i) => [id, routeStyle(i)]));
}
