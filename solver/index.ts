/**
 * The solver's public face: `solve(problem, options)` validates the problem, compiles it,
 * searches within the budget and returns a feasible plan with reasons for every job left out.
 */
import { compileProblem } from './data.ts';
import { writeSolution } from './output.ts';
import type { Problem } from './problem.ts';
import { search } from './search.ts';
import type { Solution, SolveOptions } from './solution.ts';

export { compileProblem, type CompiledProblem } from './data.ts';
export { ProblemError, type ProblemIssue } from './errors.ts';
export * from './problem.ts';
export type * from './solution.ts';

/** Plans the day: throws ProblemError (with every issue) when the problem is not valid. */
export function solve(problem: Problem, options: SolveOptions = {}): Solution {
  // The budget covers validation and compilation too.
  const startedAt = options.clock ? options.clock() : 0;
  const cp = compileProblem(problem);
  const result = search(cp, options, startedAt);
  return writeSolution(cp, result.seqs, result.iterations, options.seed ?? 1, result.cutShort === true);
}
