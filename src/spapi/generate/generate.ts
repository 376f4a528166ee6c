// Writes src/spapi/generated/ from the Services and Tokens models (npm run generate:spapi).
import { mkdirSync, writeFileSync } from 'node:fs';
import { generatedDir, readModels } from './model-files.ts';
import { renderAll } from './render.ts';

const { services, tokens } = readModels();
mkdirSync(generatedDir, { recursive: true });
for (const [name, text] of renderAll(services, tokens)) {
  writeFileSync(`${generatedDir}${name}`, text);
  console.log(`wrote src/spapi/generated/${name}`);
}
