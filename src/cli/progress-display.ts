/**
 * Progress on the terminal, for every command with a long step: a bar with the time left per
 * step on a TTY, plain lines otherwise (logs, CI). Always on stderr, so stdout keeps the
 * command's own output (its `--json` stays parseable).
 */
import cliProgress from 'cli-progress';
import type { ProgressSink, StepName } from '../pipeline/progress.ts';

type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/** Plain lines: at most one every this many milliseconds per step (the first and the summary always). */
const PLAIN_LINE_EVERY_MS = 2000;

export function terminalProgress(
  options: {
    quiet?: boolean;
    stream?: ProgressStream;
    /** Milliseconds since the epoch (the rate and the ETA of plain lines); default Date.now. */
    clock?: () => number;
  } = {},
): ProgressSink {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? ((): number => Date.now());
  if (options.quiet === true) return { start: () => ({ update: () => {}, done: () => {} }), note: () => {} };
  const tty = stream.isTTY === true;
  // No time of day: a log or CI run stamps lines itself, and the lines stay the same run to run.
  const line = (text: string): void => {
    stream.write(`${text}\n`);
  };
  return {
    note: (message) => line(message),
    start: (_step: StepName, label: string) =>
      tty ? barStep(stream, label, line, clock) : plainStep(label, line, clock),
  };
}

/**
 * The time left at the pace so far, the same on the bar and in plain lines: "ETA 12 s", or
 * nothing before the first unit of work is done or once the last one is.
 */
function eta(elapsedMs: number, value: number, total: number | undefined): string {
  if (total === undefined || value <= 0 || value >= total) return '';
  return `ETA ${Math.round((elapsedMs * (total - value)) / value / 1000)} s`;
}

function barStep(stream: ProgressStream, label: string, line: (text: string) => void, clock: () => number) {
  const began = clock();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(16)} [{bar}] {value}/{total} {left}{detail}`,
      etaBuffer: 20,
      stream: stream as NodeJS.WriteStream,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value: number, total: number | undefined, detail = '') {
      const left = eta(clock() - began, value, total);
      const payload = { detail, left: left === '' ? '' : `${left} ` };
      if (!started) {
        bar.start(total ?? Math.max(1, value), value, payload);
        started = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        else if (value > bar.getTotal()) bar.setTotal(value);
        bar.update(value, payload);
      }
    },
    done(summary: string) {
      if (started) bar.stop();
      line(`${label}: ${summary}`);
    },
  };
}

function plainStep(label: string, line: (text: string) => void, clock: () => number) {
  let last = -Infinity;
  const began = clock();
  return {
    update(value: number, total: number | undefined, detail = '') {
      const now = clock();
      if (now - last < PLAIN_LINE_EVERY_MS) return;
      last = now;
      const left = eta(now - began, value, total);
      line(
        `${label}: ${value}${total !== undefined ? `/${total}` : ''}${left === '' ? '' : `, ${left}`} ${detail}`.trimEnd(),
      );
    },
    done(summary: string) {
      line(`${label}: ${summary}`);
    },
  };
}
