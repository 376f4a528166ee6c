/**
 * The one way a place in a document is written in an error, everywhere: config files,
 * problem files, API bodies and queries, Amazon's payloads, the command line. zod's
 * `['jobs', 0, 'windows', 0, 'start']` reads `jobs[0].windows[0].start`: indices in
 * brackets, names after dots, a name that is not an identifier quoted (`costs["per-km"]`).
 * It lives in the solver, the one layer every other may import (the solver imports nothing
 * outside itself), so the solver's own errors read the same as everyone else's.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? (out === '' ? name : `.${name}`) : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
