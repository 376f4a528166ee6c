import { expect, it } from 'vitest';
import { generateDataKey } from '../../src/privacy/data-key.ts';
import { describeEachDialect } from './dialects.ts';
import { BUYER_NAME, PLAINTEXT_MARKERS, record, scheduledRecord } from './fixtures.ts';

describeEachDialect('personal data at rest', (harness) => {
  it('stores no plaintext of the buyer name, phone or street, and not the key', async () => {
    const fresh = await harness.fresh();
    const { store } = fresh;
    await store.jobs.upsertMany([scheduledRecord('job-1', '2026-11-24T17:00:00Z'), record('job-2')]);
    const plan = await store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-24',
      periodEnd: '2026-11-24',
      storeIds: ['store-seattle'],
    });
    await store.journal.intend({
      planId: plan.planId,
      operation: 'addAppointmentForServiceJobByServiceJobId',
      idempotencyKey: 'k1',
      serviceJobId: 'job-2',
      personalRequestBody: {
        appointmentTime: { startTime: '2026-11-24T17:00:00Z', durationInMinutes: 60 },
        note: BUYER_NAME,
      },
    });
    await store.close();
    const raw = await fresh.rawText();
    // Sanity: the dump really contains the stored rows.
    expect(raw).toContain('job-1');
    expect(raw).toContain('TV wall mounting');
    for (const marker of PLAINTEXT_MARKERS) expect(raw).not.toContain(marker);
    expect(raw).not.toContain('2026-11-24T17:00:00');
    const key = fresh.options.dataKeys?.current.bytes;
    expect(key).toBeDefined();
    expect(raw).not.toContain(key?.toString('base64') ?? '-');
    expect(raw).not.toContain(key?.toString('hex') ?? '-');
  });

  it('detects a ciphertext that was altered or moved to another job', async () => {
    const fresh = await harness.fresh();
    await fresh.store.jobs.upsertMany([record('job-1'), record('job-2')]);
    // Move job-2's (valid) buyer name onto job-1: authenticated to job-2, so job-1 must refuse it.
    await fresh.rawExec(
      'update service_jobs set buyer_name_encrypted = (select buyer_name_encrypted from service_jobs where service_job_id = ?) where service_job_id = ?',
      ['job-2', 'job-1'],
    );
    await expect(fresh.store.jobs.get('job-1')).rejects.toMatchObject({ code: 'CIPHERTEXT_TAMPERED' });
    // Flip one character of the ciphertext body.
    await fresh.rawExec(
      "update service_jobs set buyer_phone_encrypted = replace(buyer_phone_encrypted, '.', '.A') where service_job_id = ?",
      ['job-2'],
    );
    const error = await fresh.store.jobs.get('job-2').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PersonalDataError' });
    expect(String((error as Error).message)).not.toContain(BUYER_NAME);
  });

  it('refuses to open with the wrong key, and opens with a rotated ring', async () => {
    const fresh = await harness.fresh();
    await fresh.store.jobs.upsertMany([record('job-1')]);
    await fresh.store.close();
    const wrong = { current: generateDataKey(), previous: [], source: 'test' };
    await expect(fresh.reopen({ dataKeys: wrong })).rejects.toMatchObject({
      code: 'DATA_KEY_MISMATCH',
      message: expect.stringContaining('is not the key'),
    });
    const original = fresh.options.dataKeys;
    if (original === undefined) throw new Error('fixture has keys');
    // Rotation: a new current key plus the old one still decrypts, and new writes use the new key.
    const rotated = { current: generateDataKey(), previous: [original.current], source: 'test' };
    const store = await fresh.reopen({ dataKeys: rotated });
    expect((await store.jobs.get('job-1'))?.personal?.buyerName).toBe(BUYER_NAME);
    await store.jobs.upsertMany([record('job-2')]);
    expect(store.dataKeyId).toBe(rotated.current.id);
    await store.close();
    const raw = await fresh.rawText();
    expect(raw).toContain(`fp1.${rotated.current.id}.`);
  });
});

describeEachDialect('data key rotation', (harness) => {
  it('re-encrypts everything under the new key, after which the old key can go', async () => {
    const fresh = await harness.fresh();
    const old = fresh.options.dataKeys;
    if (old === undefined) throw new Error('fixture has keys');
    await fresh.store.jobs.upsertMany([scheduledRecord('job-1', '2026-11-24T17:00:00Z'), record('job-2')]);
    const plan = await fresh.store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-24',
      periodEnd: '2026-11-24',
      storeIds: ['s'],
    });
    await fresh.store.journal.intend({
      planId: plan.planId,
      operation: 'addAppointmentForServiceJobByServiceJobId',
      idempotencyKey: 'add:job-2',
      serviceJobId: 'job-2',
      personalRequestBody: { appointmentTime: { startTime: '2026-11-24T17:00:00Z', durationInMinutes: 60 } },
    });
    await fresh.store.close();

    const next = generateDataKey();
    const rotating = await fresh.reopen({
      dataKeys: { current: next, previous: [old.current], source: 'test' },
    });
    const counts = await rotating.reencryptPersonalData();
    // job-1: buyer id, name, phone, prime, address, preferred times; job-2 the same: 12 fields.
    expect(counts).toEqual({ jobFields: 12, appointmentTimes: 1, journalBodies: 1, keyId: next.id });
    expect(await rotating.reencryptPersonalData()).toMatchObject({
      jobFields: 0,
      appointmentTimes: 0,
      journalBodies: 0,
    });
    await rotating.close();
    const raw = await fresh.rawText();
    expect(raw).not.toContain(`fp1.${old.current.id}.`);

    const newOnly = await fresh.reopen({ dataKeys: { current: next, previous: [], source: 'test' } });
    const job = await newOnly.jobs.get('job-1');
    expect(job?.personal?.buyerName).toBe(BUYER_NAME);
    expect(job?.appointments[0]?.time?.startTime).toBe('2026-11-24T17:00:00Z');
    expect((await newOnly.journal.findByIdempotencyKey('add:job-2'))?.personalRequestBody).toBeTruthy();
    await newOnly.close();
    await expect(fresh.reopen({ dataKeys: old })).rejects.toMatchObject({ code: 'DATA_KEY_MISMATCH' });
  });
});
