import type { z } from 'zod';
import type { ValidationIssue } from './errors.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';

const plural = (n: number | bigint, word: string): string => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** Turns one zod issue into a rule in words; values are never echoed (they may be personal data). */
function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `is required (${issue.expected})` : `must be ${issue.expected}`;
    case 'too_big': {
      const max = issue.maximum;
      const bound = issue.inclusive === false ? 'less than' : 'at most';
      if (issue.origin === 'array') return `holds ${bound} ${plural(max, 'item')}`;
      if (issue.origin === 'string') return `must be ${bound} ${plural(max, 'character')} long`;
      return `must be ${bound} ${String(max)}`;
    }
    case 'too_small': {
      const min = issue.minimum;
      const bound = issue.inclusive === false ? 'more than' : 'at least';
      if (issue.origin === 'array') return `must hold ${bound} ${plural(min, 'item')}`;
      if (issue.origin === 'string') return `must be ${bound} ${plural(min, 'character')} long`;
      return `must be ${bound} ${String(min)}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'regex') return `must match ${issue.pattern ?? 'the model pattern'}`;
      if (issue.format === 'datetime') return 'must be an ISO 8601 date-time (e.g. 2026-03-01T09:00:00Z)';
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(issue.path), rule: ruleOf(issue) }));
}
