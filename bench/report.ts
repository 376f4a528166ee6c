/** Benchmark output: machine description, aligned text tables, JSON and Markdown files. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  /** The project commit measured (with "+dirty" when the worktree had changes). */
  commit: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: new Date().toISOString(),
    commit: projectCommit(),
  };
}

function projectCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results'],
      {
        encoding: 'utf8',
      },
    ).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

export type Cell = string | number;

/** A plain-text table with right-aligned numbers, for the terminal. */
export function textTable(header: string[], rows: Cell[][]): string {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r: Cell[]): string =>
    r
      .map((cell, c) =>
        typeof cell === 'number' || /^-?[\d.]+ ?%?$/.test(String(cell))
          ? String(cell).padStart(widths[c] ?? 0)
          : String(cell).padEnd(widths[c] ?? 0),
      )
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: Cell[][]): string {
  const line = (r: Cell[]): string => `| ${r.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineMarkdown(machine: Machine): string {
  return `Machine: ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, ${machine.platform}; commit ${machine.commit}; run ${machine.date}.`;
}

export function writeResults(jsonPath: string, json: unknown, markdown: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(jsonPath.replace(/\.json$/, '') + '.md', `${markdown}\n`);
}

export const fixed = (value: number, digits: number): string => value.toFixed(digits);
