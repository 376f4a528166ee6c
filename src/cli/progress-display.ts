/** Progress on the terminal: a bar per long step on a TTY, plain timestamped lines otherwise (logs, CI). */
import cliProgress from 'cli-progress';
import type { ProgressSink, StepName } from '../pipeline/progress.ts';

export function terminalProgress(
  options: {
    quiet?: boolean;
    stream?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
    /** Milliseconds since the epoch (the time stamps and the ETA of plain lines); default Date.now. */
    clock?: () => number;
  } = {},
): ProgressSink {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? Date.now;
  if (options.quiet === true) return { start: () => ({ update: () => {}, done: () => {} }), note: () => {} };
  const tty = stream.isTTY === true;
  const line = (text: string): void => {
    stream.write(`${new Date(clock()).toISOString().slice(11, 19)} ${text}\n`);
  };
  return {
    note: (message) => line(message),
    start(step: StepName, label: string) {
      if (tty) {
        const bar = new cliProgress.SingleBar(
          {
            format: `${label.padEnd(16)} [{bar}] {value}/{total} ETA {eta_formatted} {detail}`,
            etaBuffer: 20,
            stream: stream as NodeJS.WriteStream,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        return {
          update(value, total, detail = '') {
            if (!started) {
              bar.start(total ?? Math.max(1, value), value, { detail });
              started = true;
            } else {
              if (total !== undefined) bar.setTotal(total);
              else if (value > bar.getTotal()) bar.setTotal(value);
              bar.update(value, { detail });
            }
          },
          done(summary) {
            if (started) bar.stop();
            line(`${label}: ${summary}`);
          },
        };
      }
      // Plain lines: at most one every two seconds per step, with the time left when known.
      let last = -Infinity;
      const began = clock();
      return {
        update(value, total, detail = '') {
          const now = clock();
          if (now - last < 2000) return;
          last = now;
          const eta =
            total !== undefined && value > 0 && value < total
              ? `, ETA ${Math.round(((now - began) * (total - value)) / value / 1000)} s`
              : '';
          line(`${label}: ${value}${total !== undefined ? `/${total}` : ''}${eta} ${detail}`.trimEnd());
        },
        done(summary) {
          line(`${label}: ${summary}`);
        },
      };
    },
  };
}
