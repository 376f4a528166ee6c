export { applyChanges, ScenarioError, type WhatIfChanges } from './scenario.ts';
export { prepareWhatIf, type PreparedWhatIf } from './demand.ts';
export { simulate } from './simulate.ts';
export { staffingBound } from './lp.ts';
export { WhatIfRunner, simulateInWorker } from './runner.ts';
