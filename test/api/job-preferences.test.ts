/**
 * `GET`/`PUT /v1/jobs/:id/preferences` over real HTTP against a sandbox-backed API: stored,
 * audited, validated naming each field, and honoured by the next plan (a required technician
 * changes who serves the job).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanning } from '../../src/pipeline/run.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { deps, runOptions } from '../pipeline/support/world.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

type Issues = { error: { code: string; issues?: { path: string; message: string }[] } };
const paths = (body: unknown): string[] => ((body as Issues).error.issues ?? []).map((i) => i.path);

describe('job preferences', () => {
  let w: ApiWorld;
  let first: Plan;

  const plan = async (): Promise<Plan> =>
    (
      await runPlanning(
        runOptions(w.world, { apply: false, solverIterations: 200 }),
        deps(w.world, w.api.ctx.pipelineStore),
      )
    ).plan;

  beforeAll(async () => {
    w = await startApiWorld();
    // A stored (dry-run) plan gives the store its jobs.
    first = await plan();
  }, 180_000);
  afterAll(async () => w?.close());

  it('a required technician set through the API changes who serves the job in the next plan', async () => {
    const snapshot = w.world.sandbox.snapshot();
    const load = new Map<string, number>();
    for (const a of first.appointments) for (const t of a.technicianIds) load.set(t, (load.get(t) ?? 0) + 1);
    // A one-person job, and the least busy other technician with its skills for its store.
    let chosen: { jobId: string; from: string; to: string } | undefined;
    for (const a of first.appointments) {
      if (a.technicianIds.length !== 1) continue;
      const job = snapshot.jobs.find((j) => j.serviceJobId === a.serviceJobId)!;
      const skills = job.scopeOfWork?.requiredSkills ?? [];
      const others = w.world.config.technicians
        .filter((t) => t.resourceId !== a.technicianIds[0])
        .filter((t) => skills.every((s) => t.skills.includes(s)))
        .filter((t) => t.stores === undefined || t.stores.includes(job.storeId!))
        .sort((x, y) => (load.get(x.resourceId) ?? 0) - (load.get(y.resourceId) ?? 0));
      if (others.length > 0) {
        chosen = { jobId: a.serviceJobId, from: a.technicianIds[0]!, to: others[0]!.resourceId };
        break;
      }
    }
    expect(chosen).toBeDefined();
    const { jobId, from, to } = chosen!;

    const put = await w.call('PUT', `/v1/jobs/${jobId}/preferences`, {
      token: 'planner',
      body: { required: [to], excluded: [from], preferred: [{ technician: to, weightMinutes: 30 }] },
    });
    expect(put.status, put.text).toBe(200);
    const body = put.body as { preferences: unknown; updatedBy: string; updatedAt: string };
    expect(body.preferences).toEqual({
      required: [to],
      excluded: [from],
      preferred: [{ technician: to, weightMinutes: 30 }],
    });
    expect(body.updatedBy).toMatch(/^api:/);
    const got = await w.call('GET', `/v1/jobs/${jobId}/preferences`, { token: 'viewer' });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);
    const audit = await w.api.ctx.store.audit.list({ action: 'job.preferences_set' });
    expect(audit.map((e) => [e.subjectId, e.actor])).toEqual([[jobId, body.updatedBy]]);

    const second = await plan();
    const served = second.appointments.find((a) => a.serviceJobId === jobId);
    expect(served?.technicianIds).toEqual([to]);

    // Cleared: the job is free again (and the clearing is audited).
    const cleared = await w.call('PUT', `/v1/jobs/${jobId}/preferences`, { token: 'planner', body: {} });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ preferences: {}, updatedAt: null, updatedBy: null });
    expect(await w.api.ctx.store.audit.list({ action: 'job.preferences_cleared' })).toHaveLength(1);
  }, 240_000);

  it('401 without a token, 403 for a viewer writing, 404 for an unknown job', async () => {
    const jobId = first.appointments[0]!.serviceJobId;
    const path = `/v1/jobs/${jobId}/preferences`;
    expect((await w.call('GET', path, { token: null })).status).toBe(401);
    expect((await w.call('PUT', path, { token: null, body: {} })).status).toBe(401);
    expect((await w.call('PUT', path, { token: 'viewer', body: {} })).status).toBe(403);
    expect((await w.call('GET', '/v1/jobs/no-such-job/preferences')).status).toBe(404);
    expect(
      (await w.call('PUT', '/v1/jobs/no-such-job/preferences', { token: 'planner', body: {} })).status,
    ).toBe(404);
    // Nothing of a refused request was stored.
    expect((await w.call('GET', path)).body).toMatchObject({ preferences: {}, updatedAt: null });
  });

  it('400 naming each wrong field, 422 naming the unknown technician or the conflict', async () => {
    const jobId = first.appointments[0]!.serviceJobId;
    const path = `/v1/jobs/${jobId}/preferences`;
    const bad = await w.call('PUT', path, {
      token: 'planner',
      body: {
        required: [''],
        preferred: [{ technician: 'T1', weightMinutes: -5 }],
        minSkillLevels: { HVAC_INSTALL: 0 },
        favourite: 'T1',
      },
    });
    expect(bad.status).toBe(400);
    expect([...new Set(paths(bad.body))].sort()).toEqual(
      [
        'body.favourite',
        'body.minSkillLevels.HVAC_INSTALL',
        'body.preferred[0].weightMinutes',
        'body.required[0]',
      ].sort(),
    );
    const unknown = await w.call('PUT', path, { token: 'planner', body: { excluded: ['NOBODY-9'] } });
    expect(unknown.status).toBe(422);
    expect((unknown.body as Issues).error.code).toBe('UNKNOWN_TECHNICIAN');
    expect(paths(unknown.body)).toEqual(['body.excluded[0]']);
    const tech = w.world.config.technicians[0]!.resourceId;
    const conflict = await w.call('PUT', path, {
      token: 'planner',
      body: { required: [tech], excluded: [tech] },
    });
    expect(conflict.status).toBe(422);
    expect((conflict.body as Issues).error.code).toBe('CONFLICTING_PREFERENCES');
  });
});
