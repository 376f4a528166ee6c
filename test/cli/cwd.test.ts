/**
 * The command works from any folder (cron, systemd units): the solve and what-if worker
 * threads resolve tsx from the package, not from the current directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsxWorkerSource } from '../../src/pipeline/solve/tsx-worker.ts';
import { childEnv, runCli, tempDir } from './support/cli.ts';
import { smallSeller, type SmallSeller } from './support/sandbox.ts';

describe('run from a folder outside the project', () => {
  let seller: SmallSeller;
  let cwd: string;
  beforeAll(async () => {
    cwd = tempDir('fieldplan-elsewhere-');
    seller = await smallSeller(cwd);
  });
  afterAll(async () => {
    await seller?.sandbox.close();
  });

  it('plan solves in its worker thread and reports', async () => {
    const r = await runCli(
      [
        'plan',
        '--date',
        seller.date,
        '--endpoint',
        seller.sandbox.url,
        '--config',
        seller.config,
        '--db',
        'fieldplan.db',
        '--seconds',
        '1',
        '--quiet',
      ],
      { cwd, env: childEnv() },
    );
    expect(r.stderr).not.toContain("Cannot find package 'tsx'");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Plan \S+: \d+ of \d+ jobs planned/m);
  });

  it('an eval worker built by tsxWorkerSource loads TypeScript with another current directory', async () => {
    const dir = tempDir('fieldplan-worker-');
    const module = join(dir, 'answer.mts');
    writeFileSync(
      module,
      "import { parentPort } from 'node:worker_threads';\nconst answer: number = 42;\nparentPort?.postMessage(answer);\n",
    );
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const worker = new Worker(tsxWorkerSource(pathToFileURL(module).href), { eval: true });
      const message = await new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(message).toBe(42);
    } finally {
      process.chdir(previous);
    }
  });
});
