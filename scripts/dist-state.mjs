// Whether dist/ holds the current sources' build: shared by bin/fieldplan.js (which runs the
// sources through tsx when it does not) and scripts/build.mjs --if-stale.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of the files the build compiles, under `root`. */
export function newestSourceTime(root) {
  let newest = 0;
  for (const f of ['tsconfig.json', 'tsconfig.build.json'])
    newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  const board = join(root, 'api', 'board');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== board && entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.mjs'))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'solver', 'api']) walk(join(root, dir));
  return newest;
}

/** Why `root`/dist cannot stand for the sources, or undefined when it can. */
export function distStaleReason(root) {
  let built;
  try {
    built = statSync(join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return 'dist/ is not built';
  }
  return newestSourceTime(root) > built ? 'sources changed since dist/ was built' : undefined;
}
