/**
 * The API contract as a client sees it: `/docs/json` documents every operation with an
 * operationId, its success answer and its error answers; a client generated from it with
 * openapi-typescript type-checks against the contract's types, the board's types and the
 * board's api-client (what the page sends is what the server documents it accepts, what the
 * server documents it answers is what the page reads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../pipeline/support/world.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

interface Operation {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { description?: string; content?: Record<string, unknown> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const ROOT = resolve(import.meta.dirname, '..', '..');
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function operations(doc: Doc): { path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

/** What a client module written against the generated types must compile. */
const CHECK = (root: string): string => `
import type { operations } from './openapi.ts';
import type * as Contract from '${root}/api/contract/index.ts';
import type * as Board from '${root}/api/board/src/types.ts';
import type { BoardApi, OptimizeRequest } from '${root}/api/board/src/api-client.ts';

type Json<O, S extends number> = O extends { responses: { [K in S]: { content: { 'application/json': infer J } } } }
  ? J
  : never;
type Body<O> = O extends { requestBody?: { content: { 'application/json': infer J } } } ? J : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T | undefined => undefined;
const answerOf = <T>(): T => JSON.parse('null') as T;

// The contract's types are exactly what the document describes.
same<Same<Json<operations['getBoard'], 200>, Contract.BoardView>>();
same<Same<Json<operations['optimizeToday'], 200>, Contract.OptimizeResult>>();
same<Same<Json<operations['getWhatIf'], 200>, Contract.WhatIfRun>>();
same<Same<Json<operations['getPlan'], 404>, Contract.ErrorBody>>();

// The board reads what the server answers, through its api-client's types.
export const board: Awaited<ReturnType<BoardApi['board']>> = answerOf<Json<operations['getBoard'], 200>>();
export const optimized: Awaited<ReturnType<BoardApi['optimizeToday']>> =
  answerOf<Json<operations['optimizeToday'], 200>>();
export const whatIf: Awaited<ReturnType<BoardApi['whatIf']>> = answerOf<Json<operations['getWhatIf'], 200>>();
export const started: Awaited<ReturnType<BoardApi['startWhatIf']>> =
  answerOf<Json<operations['startWhatIf'], 202>>();
export const accepted: { planId: string } = answerOf<Json<operations['createPlan'], 202>>();
export const view: Board.BoardView = answerOf<Json<operations['optimizeToday'], 200>>().board;

// And sends what the server accepts.
export const optimizeBody: Body<operations['optimizeToday']> = answerOf<OptimizeRequest>();
export const whatIfBody: Body<operations['startWhatIf']> = answerOf<Board.WhatIfRequest>();
`;

describe('the API contract', () => {
  let w: ApiWorld;
  let doc: Doc;
  beforeAll(async () => {
    w = await startApiWorld();
    const r = await w.call('GET', '/docs/json', { token: null });
    expect(r.status).toBe(200);
    doc = r.body as Doc;
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('names every operation once and documents its success and error answers', () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(20);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => id === undefined)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of ops) {
      const statuses = Object.keys(op.responses);
      const where = `${method.toUpperCase()} ${path}`;
      expect(
        statuses.filter((s) => /^[23]/.test(s)),
        `${where} documents a success`,
      ).not.toEqual([]);
      if (op.security === undefined || op.security.length > 0) {
        // Behind a token: the token and its scope can be refused, and the server can fail.
        expect(statuses, where).toEqual(expect.arrayContaining(['400', '401', '403', '429', '500']));
      }
      for (const s of statuses.filter((x) => /^[45]/.test(x))) {
        expect(op.responses[s]?.content?.['application/json'], `${where} ${s}`).toBeDefined();
      }
    }
  });

  it('documents the statuses the routes really answer with', async () => {
    expect(Object.keys(doc.paths['/v1/plans']!['post']!.responses)).toContain('202');
    expect(Object.keys(doc.paths['/v1/plans']!['post']!.responses)).not.toContain('200');
    expect(Object.keys(doc.paths['/v1/what-if']!['post']!.responses)).toContain('202');
    // A refusal comes in the documented error shape.
    const r = await w.call('GET', '/v1/plans/00000000-0000-4000-8000-000000000000');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('generates a client whose types agree with the contract, the board and its api-client', async () => {
    const dir = join(tempDir('fieldplan-contract-'), 'client');
    mkdirSync(dir, { recursive: true });
    // arrayLength: a fixed-length array (the board's bounds) is a tuple.
    const generated = astToString(await openapiTS(doc as never, { arrayLength: true }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'openapi.ts'), generated);
    writeFileSync(join(dir, 'check.ts'), CHECK(ROOT));
    const program = ts.createProgram([join(dir, 'check.ts')], {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => {
        const at =
          d.file !== undefined && d.start !== undefined
            ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
            : '';
        return at + ts.flattenDiagnosticMessageText(d.messageText, '\n');
      })
      .map((m) => m.slice(0, 2000));
    expect(errors).toEqual([]);
  }, 120_000);
});
