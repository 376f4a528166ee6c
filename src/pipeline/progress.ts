/** Progress of the long steps, reported to whatever displays it (bars on a terminal, plain lines otherwise). */

export type StepName =
  'purge' | 'pull' | 'normalise' | 'geocode' | 'matrix' | 'solve' | 'diff' | 'write-back' | 'report';

interface StepProgress {
  /** `value` of `total` done; `detail` is a short id-only note (e.g. "best cost 1234"). */
  update(value: number, total: number | undefined, detail?: string): void;
  done(summary: string): void;
}

export interface ProgressSink {
  start(step: StepName, label: string): StepProgress;
  /** A line for the operator; ids only. */
  note(message: string): void;
}

export const silentProgress: ProgressSink = {
  start: () => ({ update: () => {}, done: () => {} }),
  note: () => {},
};
