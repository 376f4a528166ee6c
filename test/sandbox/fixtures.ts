import { startSandbox } from '../../src/sandbox/index.ts';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/index.ts';

/** A sandbox with a controllable clock: a Monday 15:00 UTC, so the seeded week starts tomorrow. */
export const T0 = Date.parse('2026-03-02T15:00:00Z');

export interface TestSandbox {
  readonly sandbox: Sandbox;
  readonly clock: { now: number };
}

export async function openSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const clock = { now: T0 };
  const sandbox = await startSandbox({
    seed: 11,
    jobs: 120,
    technicians: 10,
    stores: 2,
    rateLimits: 'off',
    clock: () => new Date(clock.now),
    ...options,
  });
  return { sandbox, clock };
}

export interface JobView {
  serviceJobId: string;
  serviceJobStatus: string;
  storeId: string;
  scopeOfWork: { asin: string; requiredSkills: string[] };
  appointments: {
    appointmentId: string;
    appointmentStatus: string;
    appointmentTime: { startTime: string; durationInMinutes: number };
    assignedTechnicians?: { technicianId: string }[];
  }[];
}

export function jobsOf(sandbox: Sandbox): JobView[] {
  return sandbox.snapshot().jobs as unknown as JobView[];
}

export function jobWith(sandbox: Sandbox, predicate: (job: JobView) => boolean): JobView {
  const job = jobsOf(sandbox).find(predicate);
  if (!job) throw new Error('the seeded seller has no such job; change the seed');
  return job;
}

export const activeOf = (job: JobView): JobView['appointments'][number] | undefined =>
  job.appointments.find((a) => a.appointmentStatus === 'ACTIVE');
