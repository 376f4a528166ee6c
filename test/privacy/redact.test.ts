import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { findPersonalDataPath } from '../../src/privacy/personal-data-fields.ts';
import { REDACTED, privacyLoggerOptions, redactPersonalData } from '../../src/privacy/redact.ts';
import { wireJob } from '../store/fixtures.ts';

const MARKERS = ['Zebulon', 'Quillfeather', '555-0147', 'Marigold', '2026-11-24T17:00'];

describe('redaction', () => {
  it('removes personal data at any depth and keeps ids and statuses', () => {
    const job = wireJob('job-1');
    const redacted = redactPersonalData({ plan: 'p1', jobs: [job] });
    const text = JSON.stringify(redacted);
    for (const marker of MARKERS) expect(text).not.toContain(marker);
    expect(text).toContain('job-1');
    expect(text).toContain('PENDING_SCHEDULE');
    expect(redacted.jobs[0]?.buyer).toBe(REDACTED);
    expect(job.buyer?.name).toBe('Zebulon Quillfeather'); // the input is not modified
  });

  it('keeps personal data out of pino log lines and serialised errors', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ ...privacyLoggerOptions(), level: 'info' }, sink);
    const error = Object.assign(new Error('appointment rejected for job job-1'), {
      code: 'InvalidInput',
      job: wireJob('job-1'),
    });
    log.info({ job: wireJob('job-1'), serviceJobId: 'job-1' }, 'pulled');
    log.error({ err: error }, 'write-back failed');
    const output = lines.join('');
    for (const marker of MARKERS) expect(output).not.toContain(marker);
    expect(output).toContain('job-1');
    expect(output).toContain('InvalidInput');
    expect(output).toContain('appointment rejected for job job-1');
  });

  it('finds the path of personal data in a value', () => {
    expect(findPersonalDataPath({ routes: [{ jobs: ['a'] }] })).toBeUndefined();
    expect(findPersonalDataPath({ routes: [{ stop: { address: { city: 'x' } } }] })).toBe(
      '$.routes[0].stop.address',
    );
    expect(findPersonalDataPath({ phoneCount: 1, buyer: null })).toBeUndefined();
  });
});
