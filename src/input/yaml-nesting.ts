/**
 * The nesting bound of nesting.ts for YAML text, scanned with the YAML package's lexer (kept
 * apart from the JSON scan so that reading JSON never loads the YAML package).
 */
import { Lexer } from 'yaml';
import { MAX_NESTING_DEPTH } from './nesting.ts';

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
