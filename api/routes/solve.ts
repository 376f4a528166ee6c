/**
 * `POST /v1/solve` (planner): the solver's JSON problem (docs/problem-format.md) or VROOM's
 * input format in, the solution out (in the same format), solved in the worker pool.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProblemError, type ProblemIssue } from '../../solver/errors.ts';
import { ProblemDocumentError, readProblemDocument } from '../../solver/formats/problem-document.ts';
import { solutionToVroom } from '../../solver/formats/vroom-write.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';
import { requireScope } from '../auth.ts';
import { bodyErrors, SolveResultSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest, describeIssues } from '../errors.ts';

const SolveQuery = z
  .object({
    format: z.enum(['auto', 'fieldplan', 'vroom']).default('auto'),
    timeLimitMs: z.coerce.number().int().min(50).max(300_000).default(2_000),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();

const SolveBody = z
  .record(z.string(), z.unknown(), { error: 'expected a JSON object: a fieldplan problem or a VROOM input' })
  .describe('A fieldplan problem (jobs, technicians, matrices) or a VROOM input (jobs, vehicles, matrices)');

/** The issues of a problem body, their paths read from the body (`body.jobs[0].windows[0]`). */
const bodyIssues = (issues: readonly ProblemIssue[]): { path: string; message: string }[] =>
  issues.map((i) => ({ path: formatIssuePath(['body', ...i.path]), message: i.message }));

/** Problems carry whole matrices: up to 32 MiB. */
const SOLVE_BODY_LIMIT = 32 * 1024 * 1024;

export async function solveRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/solve',
    {
      onRequest: requireScope('planner'),
      bodyLimit: SOLVE_BODY_LIMIT,
      schema: {
        summary: 'Solve a routing problem (fieldplan problem JSON or VROOM input)',
        operationId: 'solveProblem',
        tags: ['solve'],
        querystring: SolveQuery,
        body: SolveBody,
        response: { 200: SolveResultSchema, ...bodyErrors(422) },
      },
    },
    async (request) => {
      const { format, timeLimitMs, seed } = request.query;
      const body = request.body;
      let read;
      try {
        read = readProblemDocument(body, format);
      } catch (err) {
        if (err instanceof ProblemDocumentError) {
          const issues = bodyIssues(err.issues);
          throw badRequest(describeIssues(issues), issues);
        }
        throw err;
      }
      const { problem, warnings } = read;
      let solution;
      try {
        solution = await opts.ctx.solver.solve({ problem, seed, timeLimitMs });
      } catch (err) {
        if (err instanceof ProblemError) {
          const issues = bodyIssues(err.issues);
          throw new ApiError(422, 'INVALID_PROBLEM', describeIssues(issues), issues);
        }
        throw err;
      }
      return read.format === 'vroom'
        ? { format: 'vroom' as const, warnings, solution: solutionToVroom(problem, solution) }
        : { format: 'fieldplan' as const, warnings, solution };
    },
  );
}
