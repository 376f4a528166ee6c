/**
 * The one reader of problem documents: the `fieldplan solve` command's files and the bodies of
 * `POST /v1/solve` go through it, so both accept the same documents and name the same fields.
 * A document is the fieldplan problem format (docs/problem-format.md) or VROOM's input format
 * (`vroom.ts`); `auto` takes a document with `vehicles` and no `technicians` as VROOM's.
 */
import type { ProblemIssue } from '../errors.ts';
import { formatIssuePath } from '../issue-path.ts';
import { ProblemSchema, type Problem } from '../problem.ts';
import { greatCircleTravel, problemFromVroom, VroomFormatError } from './vroom.ts';

export type ProblemFormat = 'fieldplan' | 'vroom';

/** A document that is not a problem of its format; `issues` name every offending field. */
export class ProblemDocumentError extends Error {
  readonly code = 'PROBLEM_DOCUMENT';
  constructor(readonly issues: ProblemIssue[]) {
    super(
      issues
        .map((i) => (i.path.length > 0 ? `${formatIssuePath(i.path)}: ${i.message}` : i.message))
        .join('\n  '),
    );
    this.name = 'ProblemDocumentError';
  }
}

export interface ProblemDocument {
  problem: Problem;
  /** The document's format (what `auto` decided): the solution is written back in it. */
  format: ProblemFormat;
  /** What of a VROOM document does not map onto the problem, said rather than dropped. */
  warnings: string[];
}

/** Reads a parsed JSON document as a problem of the given format; throws ProblemDocumentError. */
export function readProblemDocument(json: unknown, format: ProblemFormat | 'auto'): ProblemDocument {
  const vroom =
    format === 'vroom' ||
    (format === 'auto' &&
      typeof json === 'object' &&
      json !== null &&
      'vehicles' in json &&
      !('technicians' in json));
  if (vroom) {
    try {
      const { problem, warnings } = problemFromVroom(json, { coordinateTravel: greatCircleTravel() });
      return { problem, format: 'vroom', warnings };
    } catch (error) {
      if (error instanceof VroomFormatError) throw new ProblemDocumentError(error.issues);
      throw error;
    }
  }
  const parsed = ProblemSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProblemDocumentError(
      parsed.error.issues.map((i) => ({
        path: i.path.map((k) => (typeof k === 'number' ? k : String(k))),
        message: i.message,
      })),
    );
  }
  return { problem: parsed.data, format: 'fieldplan', warnings: [] };
}
