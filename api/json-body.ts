/**
 * The API's JSON body parser. Before JSON.parse it scans the nesting depth (a linear, flat
 * scan) and refuses anything deeper than MAX_NESTING_DEPTH: every later step (validation,
 * error formatting, logging, handing a problem to a worker) walks the value, and a body of
 * 10 000 nested arrays would exhaust the stack in one of them. After parsing, `__proto__` and
 * `constructor` keys are refused: they are never fields of ours, and merged into an object
 * they would change its prototype. Both refusals are a 400 naming the rule.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '../src/input/nesting.ts';
import { formatIssuePath } from '../solver/issue-path.ts';
import { ApiError } from './errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      try {
        done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/** The parsed body, or an ApiError (400) saying what is wrong with it. */
function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      'the request body is empty; send a JSON document or no content-type',
    );
  }
  if (jsonNestsDeeperThan(text, MAX_NESTING_DEPTH)) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `request body nests deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays; the limit is ${MAX_NESTING_DEPTH}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'BAD_REQUEST', `request body is not valid JSON (${(error as Error).message})`);
  }
  // Only text that spells such a key, or escapes characters (which could spell one), is walked.
  const suspect = text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
  const forbidden = suspect ? forbiddenKeyPath(value) : undefined;
  if (forbidden !== undefined) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `request body has a "${forbidden.key}" key at ${forbidden.path}; "__proto__" and "constructor" are not accepted as keys`,
    );
  }
  return value;
}

/** The first `__proto__` / `constructor` key, walked with an explicit stack (depth is bounded, but cheaply). */
function forbiddenKeyPath(value: unknown): { key: string; path: string } | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: ['body'] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((child: unknown, i) => {
        if (child !== null && typeof child === 'object')
          stack.push({ value: child, path: [...item.path, i] });
      });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return { key, path: formatIssuePath(item.path) };
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object')
        stack.push({ value: child, path: [...item.path, key] });
    }
  }
  return undefined;
}
