import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_CSP, boardPageRoutes } from '../../api/routes/board-page.ts';

describe('the board page route', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'board-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>board</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = Fastify();
    await app.register(boardPageRoutes, { distDir: dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redirects /board to /board/ and serves the page with a strict policy, never cached stale', async () => {
    const redirect = await app.inject('/board');
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/board/');
    const page = await app.inject('/board/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<title>board</title>');
    expect(page.headers['content-security-policy']).toBe(BOARD_CSP);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves hashed assets as immutable and answers 404 for unknown files', async () => {
    const js = await app.inject('/board/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/board/assets/missing.js')).statusCode).toBe(404);
    expect((await app.inject('/board/../package.json')).statusCode).toBe(404);
  });

  it('says how to build the page when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'board-empty-'));
    const bare = Fastify();
    await bare.register(boardPageRoutes, { distDir: empty });
    const res = await bare.inject('/board/');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: {
        code: 'BOARD_NOT_BUILT',
        message: 'the dispatch board is not built; run `npm run build:board` (npm start and npm test do it)',
      },
    });
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
});
