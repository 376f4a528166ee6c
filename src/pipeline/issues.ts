/** Why a job is not in the plan, or what the run noticed about it. Ids and field names only, never personal data. */
import type { ServiceJobParse } from './read/service-job.ts';

type IssueCode =
  /** The Services payload lacks a field planning needs, or holds a value the model does not allow. */
  | 'INVALID_PAYLOAD'
  /** The payload carries fields this engine does not know; the job is still planned. */
  | 'UNKNOWN_FIELDS'
  /** HOLD, NOT_FULFILLABLE, PAYMENT_DECLINED: nothing to plan until Amazon changes the status. */
  | 'STATUS_NOT_PLANNABLE'
  /** The job belongs to a store the config does not describe. */
  | 'UNKNOWN_STORE'
  /** A required skill that no technician has and the skill catalog does not list. */
  | 'UNKNOWN_SKILL'
  /** No postal code, or the postal code is not in the geocoder's data. */
  | 'NO_COORDINATES'
  /** No candidate window is left inside the horizon after the lead time. */
  | 'NO_WINDOW_IN_HORIZON'
  /** Several active appointments on one job; the latest is kept. */
  | 'SEVERAL_ACTIVE_APPOINTMENTS'
  /** The job's technician is unavailable today; the job is given to others or left out (see its other issues). */
  | 'TECHNICIAN_UNAVAILABLE'
  /** The solver could not place the job (its own reason follows). */
  | 'UNASSIGNED';

type IssueLevel = 'error' | 'warning';

export interface PlanningIssue {
  serviceJobId: string | undefined;
  code: IssueCode;
  level: IssueLevel;
  /** What is wrong and what is expected, in ids and field names. */
  detail: string;
}

/** The issue for a Services payload that cannot be parsed: its field paths and what each expects. */
/** An issue that keeps its job out of the plan. */
export function isBlocking(issue: PlanningIssue): boolean {
  return issue.level === 'error';
}

export function invalidPayloadIssue(parsed: Extract<ServiceJobParse, { ok: false }>): PlanningIssue {
  return {
    serviceJobId: parsed.serviceJobId,
    code: 'INVALID_PAYLOAD',
    level: 'error',
    detail: `Services payload cannot be planned: ${parsed.problems.join('; ')}`,
  };
}
