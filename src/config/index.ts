export { ConfigError } from './configError.ts';
export type { ConfigErrorCode, ConfigIssue } from './configError.ts';
export { loadPlanningConfig, parsePlanningConfig, validatePlanningConfig } from './loadPlanningConfig.ts';
export { PlanningConfigSchema } from './planningConfig.ts';
export type { PlanningConfig, PlanningConfigInput } from './planningConfig.ts';
export {
  TechnicianSchema,
  ShiftSchema,
  ShiftExceptionSchema,
  LunchSchema,
  durationFactor,
  shiftMinutes,
} from './technician.ts';
export type { Technician, Shift, ShiftException, Lunch, WeeklyShifts } from './technician.ts';
export { CrewSchema } from './crew.ts';
export { AffinityRuleSchema, affinityFor } from './affinity.ts';
export type { AffinityRule, JobAffinity } from './affinity.ts';
export type { Crew } from './crew.ts';
export { StoreSchema, SlotGridSchema } from './store.ts';
export type { Store, SlotGrid } from './store.ts';
export { ServiceDurationRuleSchema, resolveServiceDuration } from './serviceDuration.ts';
export type { ServiceDurationRule, JobWork, ServiceDuration } from './serviceDuration.ts';
export { PlanningSettingsSchema } from './planningSettings.ts';
export type { PlanningSettings, TravelSettings, GeocodingSettings } from './planningSettings.ts';
export { LocationSchema, locationCoordinates } from './location.ts';
export type { Location, Coordinates } from './location.ts';
export { TerritorySchema } from './territory.ts';
export type { Territory } from './territory.ts';
export { localTimeToMinutes, WEEKDAYS, weekdayName } from './fields.ts';
export type { LocalTime, IsoDate, Weekday } from './fields.ts';
export { planningConfigJsonSchema } from './jsonSchema.ts';
