import { formatIssuePath } from './issue-path.ts';

/** A problem the solver cannot accept as given, with every issue found (not only the first). */
export interface ProblemIssue {
  /** Where in the problem, e.g. ['jobs', 3, 'windows', 0]. */
  path: (string | number)[];
  message: string;
}

export class ProblemError extends Error {
  readonly code = 'INVALID_PROBLEM';
  readonly issues: ProblemIssue[];

  constructor(issues: ProblemIssue[]) {
    const first = issues[0];
    const head = first ? `${formatIssuePath(first.path) || '(root)'}: ${first.message}` : 'invalid problem';
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    super(`Invalid problem: ${head}${more}`);
    this.name = 'ProblemError';
    this.issues = issues;
  }
}
