/** What the independent checker (solver/checker.ts) can find wrong in a solution. */
export type ViolationCode =
  | 'UNKNOWN_TECHNICIAN'
  | 'DUPLICATE_ROUTE'
  | 'UNKNOWN_JOB'
  | 'JOB_ROUTED_TWICE'
  | 'JOB_MISSING'
  | 'JOB_UNASSIGNED_TWICE'
  | 'ROUTED_AND_UNASSIGNED'
  | 'UNKNOWN_REASON'
  | 'SKILL_MISSING'
  | 'TEAM_TOO_SMALL'
  | 'OUTSIDE_TERRITORY'
  | 'CAPACITY_EXCEEDED'
  | 'WINDOW_MISSED'
  | 'LATENESS_EXCEEDED'
  | 'SHIFT_START'
  | 'SHIFT_END'
  | 'MAX_WORK_TIME'
  | 'MIN_WORK_TIME'
  | 'MAX_TRAVEL_TIME'
  | 'PIN_TECHNICIAN'
  | 'PIN_START'
  | 'PIN_POSITION'
  | 'BREAK_MISSING'
  | 'BREAK_UNKNOWN'
  | 'BREAK_WINDOW'
  | 'BREAK_DURATION'
  | 'BREAK_OVERLAP'
  | 'BREAK_PLACEMENT'
  | 'TRAVEL_TOO_FAST'
  | 'ARRIVAL_AFTER_START'
  | 'SERVICE_DURATION'
  | 'WAITING_MISMATCH'
  | 'LATENESS_MISMATCH'
  | 'ROUTE_END_MISMATCH'
  | 'TOTAL_MISMATCH'
  | 'SYNC_ROUTES'
  | 'SYNC_START'
  | 'MEMBER_SKILLS'
  | 'LINK_PARTIAL'
  | 'PRECEDENCE_DELAY'
  | 'SAME_TECHNICIAN'
  | 'DIFFERENT_TECHNICIANS';

export interface Violation {
  code: ViolationCode;
  technician?: string;
  job?: string;
  message: string;
}
