/** Instants and their display in the store's time zone (Intl only: no library in the page). */

export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid time "${iso}": expected an ISO-8601 instant`);
  return ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** "HH:mm" in the given zone. */
export function clockTime(iso: string | number, timeZone: string): string {
  const ms = typeof iso === 'number' ? iso : toMs(iso);
  return formatter(timeZone).format(new Date(ms));
}

/** "HH:mm–HH:mm" in the given zone. */
export function clockRange(interval: { start: string; end: string }, timeZone: string): string {
  return `${clockTime(interval.start, timeZone)}–${clockTime(interval.end, timeZone)}`;
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
