/**
 * `fieldplan solve problem.json`: solves one problem file and prints the solution JSON.
 * Reads the fieldplan problem format (docs/problem-format.md) or VROOM's input format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { integerArg, positiveNumberArg } from './arg-parsers.ts';
import { z } from 'zod';
import { solve } from '../../solver/index.ts';
import { ProblemError, type ProblemIssue } from '../../solver/errors.ts';
import { ProblemSchema } from '../../solver/problem.ts';
import type { Problem } from '../../solver/problem.ts';
import {
  ProblemDocumentError,
  readProblemDocument,
  type ProblemFormat,
} from '../../solver/formats/problem-document.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';
import { solutionToVroom } from '../../solver/formats/vroom-write.ts';
import { MAX_NESTING_DEPTH, NestingTooDeepError, parseJsonWithin } from '../input/nesting.ts';
import { silentProgress, solveUpdate, type ProgressSink } from '../pipeline/progress.ts';
import { terminalProgress } from './progress-display.ts';

export type ProblemFileFormat = ProblemFormat;

/** A problem file that cannot be solved; `issues` name the offending fields. */
export class ProblemFileError extends Error {
  readonly code = 'PROBLEM_FILE';
  constructor(
    readonly file: string,
    readonly issues: ProblemIssue[],
  ) {
    const lines = issues.map((i) =>
      i.path.length > 0 ? `${formatIssuePath(i.path)}: ${i.message}` : i.message,
    );
    super(`${file}: ${lines.join('\n  ')}`);
    this.name = 'ProblemFileError';
  }
}

/** Parses a problem file's text (readProblemDocument); throws ProblemFileError naming every bad field. */
export function parseProblemDocument(
  text: string,
  file: string,
  format: ProblemFileFormat,
): { problem: Problem; warnings: string[] } {
  let json: unknown;
  try {
    json = parseJsonWithin(text, MAX_NESTING_DEPTH);
  } catch (error) {
    const reason =
      error instanceof NestingTooDeepError ? error.message : `not valid JSON (${(error as Error).message})`;
    throw new ProblemFileError(file, [{ path: [], message: reason }]);
  }
  try {
    const { problem, warnings } = readProblemDocument(json, format);
    return { problem, warnings };
  } catch (error) {
    if (error instanceof ProblemDocumentError) throw new ProblemFileError(file, error.issues);
    throw error;
  }
}

export interface SolveFileOptions {
  seconds: number;
  seed: number;
  format: ProblemFileFormat;
  /** Where the search's progress goes (jobs placed, travel, time left); default: nowhere. */
  progress?: ProgressSink;
}

/** Solves a problem file's text and returns the solution document to print. */
export function solveDocument(
  text: string,
  file: string,
  options: SolveFileOptions,
): { output: unknown; warnings: string[] } {
  const { problem, warnings } = parseProblemDocument(text, file, options.format);
  let solution;
  const step = (options.progress ?? silentProgress).start('solve', 'Solving');
  try {
    solution = solve(problem, {
      seed: options.seed,
      timeLimitMs: options.seconds * 1000,
      clock: () => performance.now(),
      // Jobs placed, travel and time left; never the solver's internal cost.
      onProgress: (p) => {
        const u = solveUpdate({
          label: 'search',
          passBeganMs: 0,
          elapsedMs: p.elapsedMs,
          budgetMs: options.seconds * 1000,
          jobs: problem.jobs.length,
          unassigned: p.unassigned,
          travelSeconds: p.travelDuration,
        });
        step.update(u.value, u.total, u.detail);
      },
    });
  } catch (error) {
    if (error instanceof ProblemError) throw new ProblemFileError(file, error.issues);
    throw error;
  }
  step.done(`${problem.jobs.length - solution.unassigned.length} of ${problem.jobs.length} jobs placed`);
  return { output: options.format === 'vroom' ? solutionToVroom(problem, solution) : solution, warnings };
}

export function registerSolveCommand(program: Command): void {
  program
    .command('solve')
    .description('Solve a problem file (docs/problem-format.md) and print the solution as JSON')
    .argument('[problem]', 'problem JSON file')
    .option('--seconds <s>', 'time budget in seconds', positiveNumberArg(), 5)
    .option('--seed <n>', 'random seed (same seed, same plan)', integerArg({ min: 0 }), 1)
    .option('--format <format>', 'input format: fieldplan or vroom (output follows it)', 'fieldplan')
    .option('--out <file>', 'write the solution to a file instead of stdout')
    .option('--schema', 'print the JSON Schema of the fieldplan problem format and exit')
    .option('--quiet', 'no progress display (progress is on stderr, never mixed with the JSON)')
    .action(
      (
        file: string | undefined,
        opts: {
          seconds: number;
          seed: number;
          format: string;
          out?: string;
          schema?: boolean;
          quiet?: boolean;
        },
      ) => {
        if (opts.schema) {
          console.log(JSON.stringify(z.toJSONSchema(ProblemSchema, { io: 'input' }), null, 2));
          return;
        }
        if (opts.format !== 'fieldplan' && opts.format !== 'vroom') {
          program.error(`--format must be "fieldplan" or "vroom", got "${opts.format}"`);
        }
        if (!file) program.error('give a problem file: fieldplan solve problem.json');
        let text: string;
        try {
          text = readFileSync(file as string, 'utf8');
        } catch (error) {
          program.error(
            `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          );
        }
        try {
          const { output, warnings } = solveDocument(text!, file as string, {
            seconds: opts.seconds,
            seed: opts.seed,
            format: opts.format as ProblemFileFormat,
            progress: terminalProgress({ quiet: opts.quiet === true }),
          });
          for (const w of warnings) console.error(`warning: ${w}`);
          const json = JSON.stringify(output, null, 2);
          if (opts.out) writeFileSync(opts.out, `${json}\n`);
          else console.log(json);
        } catch (error) {
          if (error instanceof ProblemFileError) {
            console.error(`invalid problem ${error.message}`);
            process.exitCode = 1;
            return;
          }
          throw error;
        }
      },
    );
}
