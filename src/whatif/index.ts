export {
  applyChanges,
  ScenarioError,
  type WhatIfBase,
  type WhatIfChanges,
  type AddTechnician,
} from './scenario.ts';
export { prepareWhatIf, type PreparedWhatIf, type WhatIfOptions, type DemandDeps } from './demand.ts';
export {
  simulate,
  simulateSample,
  assembleResult,
  type SampleOutcome,
  representativeSample,
  type WhatIfResult,
  type DayResult,
  type RepresentativeDay,
} from './simulate.ts';
export { samplePlan, type SampleDayPlan } from './sample-plan.ts';
export { staffingBound, type StaffingBound } from './lp.ts';
export { WhatIfRunner, simulateInWorker, type WhatIfRun } from './runner.ts';
