/**
 * Validation at the door: the zod schema for shapes and ranges, then the cross-references
 * the schema cannot see (matrix sizes, location indices, ids that must exist). Every issue is
 * collected so that the caller can fix all of them at once.
 */
import { ProblemSchema, type Job, type Problem } from './problem.ts';
import { ProblemError, type ProblemIssue } from './errors.ts';

export function validateProblem(input: unknown): Problem {
  // The matrices are checked by a plain loop: schema-parsing millions of numbers takes
  // seconds and copies them; everything else goes through the schema.
  const matrixIssues: ProblemIssue[] = [];
  let durations: number[][] = [];
  let distances: number[][] | undefined;
  let shell: unknown = input;
  if (isRecord(input) && isRecord(input.matrices)) {
    const m = input.matrices;
    durations = checkMatrix(m.durations, ['matrices', 'durations'], matrixIssues) ?? [];
    if (m.distances !== undefined)
      distances = checkMatrix(m.distances, ['matrices', 'distances'], matrixIssues);
    shell = {
      ...input,
      matrices: { durations: [], ...(m.distances !== undefined ? { distances: [] } : {}) },
    };
  }
  const parsed = ProblemSchema.safeParse(shell);
  if (!parsed.success || matrixIssues.length > 0) {
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({
          path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          message: issue.message,
        }));
    throw new ProblemError([...matrixIssues, ...issues]);
  }
  const problem: Problem = {
    ...parsed.data,
    matrices: distances !== undefined ? { durations, distances } : { durations },
  };
  const issues = crossReferenceIssues(problem);
  if (issues.length > 0) throw new ProblemError(issues);
  return problem;
}

function crossReferenceIssues(problem: Problem): ProblemIssue[] {
  const issues: ProblemIssue[] = [];
  const size = problem.matrices.durations.length;
  checkSquare(problem.matrices.durations, ['matrices', 'durations'], size, issues);
  if (problem.matrices.distances) {
    if (problem.matrices.distances.length !== size) {
      issues.push({
        path: ['matrices', 'distances'],
        message: `has ${problem.matrices.distances.length} rows, expected ${size} like durations`,
      });
    }
    checkSquare(
      problem.matrices.distances,
      ['matrices', 'distances'],
      problem.matrices.distances.length,
      issues,
    );
  }
  const location = (value: number, path: (string | number)[]): void => {
    if (value >= size)
      issues.push({ path, message: `location ${value} is outside the ${size}×${size} matrices` });
  };

  const techIds = new Set<string>();
  problem.technicians.forEach((tech, t) => {
    if (techIds.has(tech.id))
      issues.push({ path: ['technicians', t, 'id'], message: `duplicate technician id` });
    techIds.add(tech.id);
  });
  const jobIds = new Set<string>();
  problem.jobs.forEach((job, j) => {
    if (jobIds.has(job.id)) issues.push({ path: ['jobs', j, 'id'], message: `duplicate job id` });
    jobIds.add(job.id);
  });

  problem.technicians.forEach((tech, t) => {
    location(tech.start, ['technicians', t, 'start']);
    if (tech.end !== undefined && tech.end !== null) location(tech.end, ['technicians', t, 'end']);
    (tech.allowedJobs ?? []).forEach((id, k) => {
      if (!jobIds.has(id)) {
        issues.push({ path: ['technicians', t, 'allowedJobs', k], message: `unknown job id in allowedJobs` });
      }
    });
    (tech.breaks ?? []).forEach((brk, b) => {
      if (brk.window.start > tech.shift.end + (tech.overtime ?? 0)) {
        issues.push({
          path: ['technicians', t, 'breaks', b, 'window'],
          message: 'break window starts after the shift (with overtime) ends',
        });
      }
    });
  });

  problem.jobs.forEach((job, j) => {
    location(job.location, ['jobs', j, 'location']);
    for (const techId of Object.keys(job.durationByTechnician ?? {})) {
      if (!techIds.has(techId)) {
        issues.push({
          path: ['jobs', j, 'durationByTechnician', techId],
          message: 'unknown technician id in durationByTechnician',
        });
      }
    }
    if (job.pin?.technician !== undefined && !techIds.has(job.pin.technician)) {
      issues.push({ path: ['jobs', j, 'pin', 'technician'], message: 'unknown technician id in pin' });
    }
  });
  linkIssues(problem, issues);
  return issues;
}

/**
 * Whether a job that needs several people goes to one crew route (a route whose team is large
 * enough exists) rather than to several routes meeting on site. Per-member skills always ask
 * for the meeting.
 */
function servedByCrew(problem: Problem, job: Job): boolean {
  const n = job.technicians ?? 1;
  if (n <= 1 || job.memberSkills !== undefined) return false;
  return problem.technicians.some((t) => (t.members?.length ?? 1) >= n);
}

/** True when the job is served by several routes meeting on site. */
export function isSynchronised(problem: Problem, job: Job): boolean {
  return (job.technicians ?? 1) > 1 && !servedByCrew(problem, job);
}

function linkIssues(problem: Problem, issues: ProblemIssue[]): void {
  const byId = new Map(problem.jobs.map((job) => [job.id, job]));
  problem.jobs.forEach((job, j) => {
    const n = job.technicians ?? 1;
    if (job.memberSkills !== undefined && job.memberSkills.length !== n) {
      issues.push({
        path: ['jobs', j, 'memberSkills'],
        message: `has ${job.memberSkills.length} entries, expected one per technician (${n})`,
      });
    }
  });
  const known = (id: string, path: (string | number)[]): Job | undefined => {
    const job = byId.get(id);
    if (!job) issues.push({ path, message: `unknown job id "${id}" in link` });
    return job;
  };
  const inChain = new Set<string>();
  (problem.links ?? []).forEach((link, l) => {
    const at = ['links', l];
    if (link.kind === 'precedence') {
      known(link.from, [...at, 'from']);
      known(link.to, [...at, 'to']);
      if (link.from === link.to) issues.push({ path: [...at, 'to'], message: 'a job cannot precede itself' });
      if (link.maxDelay !== undefined && link.maxDelay < (link.minDelay ?? 0)) {
        issues.push({ path: [...at, 'maxDelay'], message: 'maxDelay must not be below minDelay' });
      }
      return;
    }
    const seen = new Set<string>();
    link.jobs.forEach((id, k) => {
      if (seen.has(id)) issues.push({ path: [...at, 'jobs', k], message: `job "${id}" is listed twice` });
      seen.add(id);
      const job = known(id, [...at, 'jobs', k]);
      if (job && link.kind !== 'different-technicians' && isSynchronised(problem, job)) {
        issues.push({
          path: [...at, 'jobs', k],
          message: `job "${id}" is served by several routes; ${link.kind} needs one-route jobs`,
        });
      }
      if (link.kind === 'consecutive-days') {
        if (inChain.has(id)) {
          issues.push({
            path: [...at, 'jobs', k],
            message: `job "${id}" is already a part of another consecutive-days link; expected one at most`,
          });
        }
        inChain.add(id);
      }
    });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of rows of finite, non-negative numbers (squareness is checked later). */
function checkMatrix(
  value: unknown,
  path: (string | number)[],
  issues: ProblemIssue[],
): number[][] | undefined {
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'expected an array of rows (numbers[][])' });
    return undefined;
  }
  const before = issues.length;
  for (let r = 0; r < value.length && issues.length - before < 20; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row)) {
      issues.push({ path: [...path, r], message: 'expected a row of numbers' });
      continue;
    }
    for (let c = 0; c < row.length; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        issues.push({ path: [...path, r, c], message: 'expected a finite, non-negative number' });
        break;
      }
    }
  }
  return issues.length === before ? (value as number[][]) : undefined;
}

function checkSquare(
  rows: number[][],
  path: (string | number)[],
  size: number,
  issues: ProblemIssue[],
): void {
  if (size === 0) issues.push({ path, message: 'matrix is empty; expected at least one location' });
  rows.forEach((row, r) => {
    if (row.length !== size) {
      issues.push({
        path: [...path, r],
        message: `row has ${row.length} entries, expected ${size} (square matrix)`,
      });
    }
  });
}
