export { applyChanges, ScenarioError, type WhatIfChanges } from './scenario.ts';
export { prepareWhatIf, type PreparedWhatIf, type StaffingOptions } from './demand.ts';
export { staffingSearch } from './staffing.ts';
export { checkStaffing } from './scenario.ts';
export { simulate } from './run.ts';
export { staffingBound } from './lp.ts';
export { WhatIfRunner, simulateInWorker } from './runner.ts';
