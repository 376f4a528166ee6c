/**
 * A bound on how deeply untrusted documents (HTTP bodies, problem files, configurations) may
 * nest objects and arrays. Parsers themselves cope with any depth, but everything that walks a
 * parsed value afterwards (redaction, validation, JSON.stringify, structured clone, the YAML
 * composer) recurses and exhausts the stack somewhere between 1 000 and 10 000 levels. The
 * scans below are linear and never recurse, so they run before any parser does.
 */
import { Lexer } from 'yaml';

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

/**
 * True when YAML text may nest more than `limit` levels: flow collections (`[`, `{`) plus
 * block collections, counted from the columns of their indicators (`- `, `? `, `key:`) on a
 * stack of open indentations. It can overcount odd layouts slightly, never undercount.
 */
export function yamlNestsDeeperThan(text: string, limit = MAX_NESTING_DEPTH): boolean {
  let flow = 0;
  // Open block collections, by column; a sequence may sit at its parent key's column.
  const open: { column: number; seq: boolean }[] = [];
  const top = (): { column: number; seq: boolean } | undefined => open[open.length - 1];
  let column = 0;
  let lineStart = true;
  let keyColumn = 0; // where the current node began: a mapping's column when `:` follows
  for (const token of new Lexer().lex(text)) {
    const kind = tokenKind(token);
    if (kind === 'control') continue; // zero-width markers
    if (kind === 'newline') {
      column = 0;
      lineStart = true;
      continue;
    }
    if (kind === 'doc-start') open.length = 0;
    if (kind !== 'space' && kind !== 'comment') {
      if (lineStart && flow === 0) {
        // A line closes the collections it is not inside; `- ` keeps a mapping at its column open.
        const item = kind === 'seq-item';
        for (let t = top(); t !== undefined; t = top()) {
          if (t.column > column || (t.column === column && (t.seq || !item))) open.pop();
          else break;
        }
      }
      lineStart = false;
      if (kind === 'flow-start') {
        if (++flow + open.length > limit) return true;
      } else if (kind === 'flow-end') flow = Math.max(0, flow - 1);
      else if (flow === 0 && (kind === 'seq-item' || kind === 'explicit-key' || kind === 'map-value')) {
        const seq = kind === 'seq-item';
        const at = kind === 'map-value' ? keyColumn : column;
        const t = top();
        if (t === undefined || t.column < at || (t.column === at && seq && !t.seq))
          open.push({ column: at, seq });
        if (open.length > limit) return true;
        if (kind !== 'map-value') keyColumn = column + 2;
      } else if (kind === 'node') keyColumn = column;
    }
    const lastNewline = token.lastIndexOf('\n');
    column = lastNewline < 0 ? column + token.length : token.length - lastNewline - 1;
    // A block scalar's text ends its last line: the next token starts a line.
    if (lastNewline >= 0 && lastNewline === token.length - 1) lineStart = true;
  }
  return false;
}

type TokenKind =
  | 'newline'
  | 'space'
  | 'comment'
  | 'control'
  | 'doc-start'
  | 'flow-start'
  | 'flow-end'
  | 'seq-item'
  | 'explicit-key'
  | 'map-value'
  | 'node';

/** The lexer's raw tokens, sorted into what the depth count needs. */
function tokenKind(token: string): TokenKind {
  // The lexer marks documents, flow ends and scalars with control characters.
  if (token.length === 1 && token.charCodeAt(0) < 0x20 && token !== '\n' && token !== '\t') return 'control';
  if (token === '\n' || token === '\r\n') return 'newline';
  if (/^[ \t]+$/.test(token)) return 'space';
  if (token.startsWith('#')) return 'comment';
  if (token === '---') return 'doc-start';
  if (token === '[' || token === '{') return 'flow-start';
  if (token === ']' || token === '}') return 'flow-end';
  if (token.startsWith('-') && /^-[ \t\n]*$/.test(token)) return 'seq-item';
  if (token.startsWith('?') && /^\?[ \t\n]*$/.test(token)) return 'explicit-key';
  if (token.startsWith(':') && /^:[ \t\n]*$/.test(token)) return 'map-value';
  return 'node';
}
