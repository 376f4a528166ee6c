/**
 * The package's root folder (where package.json, config/ and api/board/dist/ are), the same
 * whether this module runs from the sources (src/) or compiled (dist/src/).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  const above = dirname(dirname(fileURLToPath(import.meta.url)));
  if (basename(above) === 'dist' && existsSync(join(above, '..', 'package.json'))) return dirname(above);
  return above;
}

export const PACKAGE_ROOT: string = packageRoot();
