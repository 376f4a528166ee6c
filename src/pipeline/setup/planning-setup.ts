/**
 * What a planning run knows about the seller before it reads any job: stores, technicians
 * with their shifts already expanded to UTC instants for the horizon, and the planning
 * rules. Built from the crews/planning config (see config-adapter.ts); plain data, no I/O.
 * Instants are epoch milliseconds (UTC) throughout the pipeline.
 */

import type { AffinityRule } from '../../config/affinity.ts';
import type { LinkedVisitRule, TwoPersonSplitRule } from '../../config/linkedVisits.ts';
import type { GeoPoint } from '../../geo/index.ts';

export type { GeoPoint };

/** A place given either as coordinates or as a postal code to geocode. */
export type Place = { point: GeoPoint } | { postalCode: string; countryCode?: string };

export interface Interval {
  start: number;
  end: number;
}

export interface StoreSetup {
  storeId: string;
  /** The store's name as people say it, for messages (default: its id). */
  name?: string | undefined;
  marketplaceId: string;
  /** IANA zone the store's crews work in. */
  timeZone: string;
  location: Place;
  /** Arrival windows the store offers on the planned days (its slot grid), used when a job has no preferred times. */
  slots: Interval[];
}

export interface BreakRule {
  /** Break length in milliseconds. */
  duration: number;
  /** The break must start inside this window (UTC instants). */
  window: Interval;
}

export interface ShiftInstance extends Interval {
  /** Local calendar day of the shift (YYYY-MM-DD) in the store's zone. */
  day: string;
  breaks: BreakRule[];
}

export interface TechnicianSetup {
  technicianId: string;
  /** The technician's name, for messages (default: the resource id). */
  name?: string | undefined;
  storeIds: string[];
  skills: string[];
  /** Level per skill (skills without one are level 1). */
  skillLevels?: Record<string, number> | undefined;
  home: Place;
  shifts: ShiftInstance[];
  /** Longest working day in milliseconds. */
  maxWorkTime?: number | undefined;
  /** GeoJSON Polygon/MultiPolygon ([lon, lat]); only jobs inside it. */
  territory?: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | undefined;
}

/** Two or more technicians who work as one team (for jobs that need two people). */
interface CrewSetup {
  crewId: string;
  members: string[];
}

type ResourceMode = 'per-technician' | 'per-store';
/** `arrival-window`: the appointment is the window the technician arrives in; `service-interval`: the work itself. */
type AppointmentReading = 'arrival-window' | 'service-interval';

interface DurationRule {
  asin?: string | undefined;
  skill?: string | undefined;
  minutes: number;
  perAdditionalUnitMinutes?: number | undefined;
}

export interface PlanningRules {
  defaultServiceMinutes: number;
  serviceDurations: DurationRule[];
  /** Per technician and skill: 0.8 = 20 % faster. */
  skillDurationFactor: Record<string, Record<string, number>>;
  /** Per skill and level (as a string): service-duration multiplier; absent = none. */
  skillLevelDurationFactor?: Record<string, Record<string, number>> | undefined;
  /** Technician affinity rules of the crews config (src/config/affinity.ts); absent = none. */
  affinity?: AffinityRule[] | undefined;
  /** Preference for the technician of the earlier job of the same product order; absent = off. */
  previousTechnician?: { weightMinutes: number; lookbackDays: number } | undefined;
  appointmentTime: AppointmentReading;
  resources: ResourceMode;
  /** Skills for which the job needs two technicians on site (served by a crew). */
  twoTechnicianSkills: string[];
  /** Two-person jobs split into a lead with the job's skills and a helper with `helperSkills` (synchronised visits). */
  twoPersonSplit?: TwoPersonSplitRule[] | undefined;
  /** Jobs longer than a day's work planned in parts on consecutive working days (default off). */
  multiDayVisits?: boolean | undefined;
  /** Linked visits of the same order or address (src/config/linkedVisits.ts); absent = none. */
  linkedVisits?: LinkedVisitRule[] | undefined;
  priority: {
    base: number;
    prime: number;
    perDayWaiting: number;
    maxAgeDays: number;
    /** Added when an associated item's delivery promise falls inside the horizon. */
    promisedInHorizon: number;
  };
  /** Appointments starting earlier than now + this are frozen (pinned, never moved). */
  freezeMinutes: number;
  /** New appointments must start at least this long after now. */
  minLeadMinutes: number;
  allowReschedule: boolean;
  rescheduleReasonCode: string;
  /** Keep the technicians already assigned on Amazon when they can still do the job. */
  keepAssignments: boolean;
  /** All planned times are multiples of this (travel rounded up), so appointments land on a grid. */
  timeGranularityMinutes: number;
  /** `service-interval` appointments start on this grid (Amazon offers slots on the hour). */
  appointmentGridMinutes: number;
  /** Skills the seller knows of beyond those the technicians have. */
  skillCatalog: string[];
  /** Lookback for the first (full) pull, in days. */
  pullLookbackDays: number;
  solverBudgetSeconds: number;
  objective: {
    /** What travel cost measures (default duration). */
    travel?: 'duration' | 'distance' | undefined;
    perHourTravel: number;
    perHourWork: number;
    perHourOvertime: number;
    unassignedPenalty?: number | undefined;
    /** Late arrival past a window's end allowed up to this and priced; absent = hard windows. */
    lateness?: { maxMinutes: number; costPerMinute: number } | undefined;
    /** Workload balance term (see objective.balance in the problem format). */
    balance?: { measure: 'work' | 'jobs'; weight: number } | undefined;
    /** Least work of a technician called in, hours. */
    minWorkHours?: number | undefined;
  };
  /** Minutes each route may run past its shift's end (default 0). */
  overtimeMinutes?: number | undefined;
  travel: { roadFactor: number; speedKmh: number; osrmUrl?: string | undefined };
}

export interface PlanningSetup {
  stores: StoreSetup[];
  technicians: TechnicianSetup[];
  crews: CrewSetup[];
  rules: PlanningRules;
  /** Local days planned (YYYY-MM-DD). */
  days: string[];
  /** Local midnight of the first day to local midnight after the last, over every zone involved. */
  horizon: Interval;
}

/** Rules the crews config does not carry; a run may override them. */
export const PIPELINE_DEFAULTS = {
  twoTechnicianSkills: [] as string[],
  priority: { base: 1, prime: 1, perDayWaiting: 0.1, maxAgeDays: 14, promisedInHorizon: 2 },
  minLeadMinutes: 60,
  allowReschedule: true,
  rescheduleReasonCode: 'R1',
  keepAssignments: true,
  timeGranularityMinutes: 5,
  appointmentGridMinutes: 60,
  skillCatalog: [] as string[],
  pullLookbackDays: 60,
};
