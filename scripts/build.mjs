#!/usr/bin/env node
// Compiles the engine's TypeScript (src/, solver/, api/ without the board) into dist/ once, so
// `fieldplan` starts without compiling. Run by `npm ci` (the `prepare` script) and `npm run build`;
// `--if-stale` (before `npm start`) builds only when a source is newer than the last build.
// dist/.build-stamp carries the time the build started: bin/fieldplan.js runs dist/ only when
// no source file is newer, so a source edited during or after the build is never missed.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distStaleReason } from './dist-state.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const started = new Date();

if (process.argv.includes('--if-stale') && distStaleReason(root) === undefined) process.exit(0);

// A first build starts from an empty dist/, so no output of a deleted source stays behind.
if (!existsSync(join(dist, '.tsbuildinfo'))) rmSync(dist, { recursive: true, force: true });
rmSync(stamp, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('build failed: dist/ not updated (bin/fieldplan.js runs the sources through tsx meanwhile)');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
