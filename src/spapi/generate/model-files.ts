import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelSource } from './render.ts';

/** Project root, found from this file so the generator runs from any working directory. */
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The model directory: `../shared/spapi` beside the project, or SPAPI_MODEL_DIR. */
function modelDir(): string {
  return (
    process.env['SPAPI_MODEL_DIR'] ?? fileURLToPath(new URL('../shared/spapi/', `file://${projectRoot}`))
  );
}

export const generatedDir = fileURLToPath(new URL('../generated/', import.meta.url));

export function readModels(dir = modelDir()): { services: ModelSource; tokens: ModelSource } {
  const read = (file: string, module: string): ModelSource => ({
    module,
    displayPath: `../shared/spapi/${file}`,
    text: readFileSync(`${dir.replace(/\/$/, '')}/${file}`, 'utf8'),
  });
  return { services: read('services.json', 'services'), tokens: read('tokens_2021-03-01.json', 'tokens') };
}
