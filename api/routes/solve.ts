/**
 * `POST /v1/solve` (planner): the solver's JSON problem (docs/problem-format.md) or VROOM's
 * input format in, the solution out (in the same format), solved in the worker pool.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProblemError } from '../../solver/errors.ts';
import { greatCircleTravel, problemFromVroom, VroomFormatError } from '../../solver/formats/vroom.ts';
import { solutionToVroom } from '../../solver/formats/vroom-write.ts';
import { ProblemSchema, type Problem } from '../../solver/problem.ts';
import { requireScope } from '../auth.ts';
import { bodyErrors, SolveResultSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest, describeIssues, formatPath } from '../errors.ts';

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
      const vroom =
        format === 'vroom' || (format === 'auto' && 'vehicles' in body && !('technicians' in body));
      let problem: Problem;
      let warnings: string[] = [];
      if (vroom) {
        try {
          ({ problem, warnings } = problemFromVroom(body, { coordinateTravel: greatCircleTravel() }));
        } catch (err) {
          if (err instanceof VroomFormatError) {
            const issues = err.issues.map((i) => ({
              path: i.path ? `body.${i.path}` : 'body',
              message: i.message,
            }));
            throw badRequest(describeIssues(issues), issues);
          }
          throw err;
        }
      } else {
        const parsed = ProblemSchema.safeParse(body);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({
            path: formatPath(['body', ...i.path]),
            message: i.message,
          }));
          throw badRequest(describeIssues(issues), issues);
        }
        problem = parsed.data;
      }
      let solution;
      try {
        solution = await opts.ctx.solver.solve({ problem, seed, timeLimitMs });
      } catch (err) {
        if (err instanceof ProblemError) {
          const issues = err.issues.map((i) => ({
            path: formatPath(['body', ...i.path]),
            message: i.message,
          }));
          throw new ApiError(422, 'INVALID_PROBLEM', describeIssues(issues), issues);
        }
        throw err;
      }
      return vroom
        ? { format: 'vroom' as const, warnings, solution: solutionToVroom(problem, solution) }
        : { format: 'fieldplan' as const, warnings, solution };
    },
  );
}
