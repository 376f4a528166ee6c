/**
 * The one error shape of every answer that is not a success (see api/errors.ts):
 * `{ error: { code, message, issues?: [{ path, message }] } }`, and the statuses a route can
 * answer with it.
 */
import { z } from 'zod';

const IssueSchema = z.object({
  path: z.string().describe('Where the problem is, e.g. `body.jobs[0].windows[0]` or `query.date`'),
  message: z.string().describe('What is wrong and what is expected'),
});

/** @public The error answer every route declares (the generated client names it). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('A stable machine-readable code, e.g. BAD_REQUEST, NOT_FOUND, CONFLICT'),
    message: z.string(),
    issues: z.array(IssueSchema).optional().describe('Every wrong field (at most 50)'),
  }),
});
/** @public */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

const ERROR_MEANINGS = {
  400: 'Bad request: a field, the query or the body is not valid (each named in `issues`)',
  401: 'No bearer token, or not a valid one',
  403: "The token's scope does not allow this operation",
  404: 'Not found',
  409: 'Conflict with a run in progress or a newer plan',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'Understood but cannot be done (e.g. a store that cannot be located, an unsolvable problem)',
  429: 'Rate limit reached; retry later',
  500: 'The server failed to answer; its log says why (the answer carries no detail)',
  502: "Amazon's Services API failed or refused",
  503: 'Not available (e.g. the board page is not built)',
} as const;

export type ErrorStatus = keyof typeof ERROR_MEANINGS;

type ErrorAnswers<S extends ErrorStatus> = { [K in S]: typeof ErrorBodySchema };

/** The error answers of a route, each documented with what it means. */
export function errorAnswers<S extends ErrorStatus>(...statuses: S[]): ErrorAnswers<S> {
  const out: Partial<Record<ErrorStatus, typeof ErrorBodySchema>> = {};
  for (const s of statuses) out[s] = ErrorBodySchema.describe(ERROR_MEANINGS[s]);
  return out as ErrorAnswers<S>;
}

/** What any route behind a token can answer besides its own errors. */
export const AUTHENTICATED = [400, 401, 403, 429, 500] as const;
/** And a route that reads a JSON body. */
export const WITH_BODY = [...AUTHENTICATED, 413, 415] as const;

/** The error answers of a route behind a token (plus those given). */
export const authenticatedErrors = <S extends ErrorStatus = never>(...more: S[]) =>
  errorAnswers<(typeof AUTHENTICATED)[number] | S>(...AUTHENTICATED, ...more);

/** The error answers of a route behind a token that reads a JSON body (plus those given). */
export const bodyErrors = <S extends ErrorStatus = never>(...more: S[]) =>
  errorAnswers<(typeof WITH_BODY)[number] | S>(...WITH_BODY, ...more);
