/**
 * A bound on how deeply untrusted documents (HTTP bodies, problem files, configurations) may
 * nest objects and arrays. Parsers themselves cope with any depth, but everything that walks a
 * parsed value afterwards (redaction, validation, JSON.stringify, structured clone, the YAML
 * composer) recurses and exhausts the stack somewhere between 1 000 and 10 000 levels. The
 * scans below are linear and never recurse, so they run before any parser does. The YAML scan is
 * in yaml-nesting.ts: it uses the YAML lexer, which a JSON reader need not load.
 */

/** Deepest nesting of objects and arrays accepted anywhere; real documents use fewer than 10 levels. */
export const MAX_NESTING_DEPTH = 64;

export class NestingTooDeepError extends Error {
  constructor(readonly limit: number) {
    super(`nests deeper than ${limit} levels of objects and arrays (the limit is ${limit})`);
    this.name = 'NestingTooDeepError';
  }
}

/**
 * True when JSON text opens more than `limit` objects or arrays inside one another. Brackets
 * inside strings do not count; the text need not be valid JSON (the parser judges that).
 */
export function jsonNestsDeeperThan(text: string, limit = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/** JSON.parse, refusing with NestingTooDeepError first when the text nests deeper than `limit`. */
export function parseJsonWithin(text: string, limit = MAX_NESTING_DEPTH): unknown {
  if (jsonNestsDeeperThan(text, limit)) throw new NestingTooDeepError(limit);
  return JSON.parse(text) as unknown;
}
