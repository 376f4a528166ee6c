/**
 * The import graph of the sources, type-only imports included (the lint rule
 * `import-x/no-cycle` sees value imports only): no cycle; the API never imports the command
 * line; the solver and the API contract import nothing of the project outside themselves.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclesOf, importGraph } from './import-graph.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const graph = importGraph(
  ROOT,
  ['src', 'api', 'solver', 'bin'],
  ['node_modules', 'api/board/dist', 'src/spapi/generated'],
);

const edges = (from: string, to: string): string[] =>
  [...graph].flatMap(([f, deps]) =>
    f.startsWith(from) ? deps.filter((d) => d.startsWith(to)).map((d) => `${f} → ${d}`) : [],
  );

describe('the import graph', () => {
  it('reads the sources', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('api/context.ts')).toContain('src/connect.ts');
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cyclesOf(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(
      cyclesOf(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no cycle, type-only imports included', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('keeps the API off the command line and the solver and the contract on their own', () => {
    expect(edges('api/', 'src/cli/')).toEqual([]);
    expect([...edges('solver/', 'src/'), ...edges('solver/', 'api/')]).toEqual([]);
    expect([...edges('api/contract/', 'src/'), ...edges('api/contract/', 'solver/')]).toEqual([]);
    expect(edges('api/contract/', 'api/').filter((e) => !e.includes('→ api/contract/'))).toEqual([]);
    expect(edges('api/routes/', 'api/routes/')).toEqual([]);
  });
});
