#!/usr/bin/env node
// Runs the compiled engine in dist/ (built by `npm ci` through the `prepare` script, or by
// `npm run build`) when it is up to date with the sources; otherwise — no build yet, a source
// edited since, or FIELDPLAN_FROM_SOURCE=1 — the TypeScript sources themselves through tsx.
// Either way the command does what the current sources say.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distStaleReason } from '../scripts/dist-state.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const fromSource = process.env.FIELDPLAN_FROM_SOURCE === '1';
const stale = fromSource ? undefined : distStaleReason(root);
let entry;
if (fromSource || stale !== undefined) {
  // Silent by default: the output stays the same whichever way the command runs.
  if (stale !== undefined && process.env.FIELDPLAN_DEBUG === '1')
    process.stderr.write(`note: ${stale}; running the TypeScript sources (npm run build compiles them)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import(pathToFileURL(join(root, 'src', 'cli', 'entry.ts')).href);
} else {
  entry = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'entry.js')).href);
}
await entry.main(process.argv);
