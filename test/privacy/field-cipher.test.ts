import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDataKey, type DataKeyRing } from '../../src/privacy/data-key.ts';
import { FieldCipher } from '../../src/privacy/field-cipher.ts';

const ring = (): DataKeyRing => ({ current: generateDataKey(), previous: [], source: 'test' });

describe('FieldCipher', () => {
  it('round-trips any text, bound to its context', () => {
    const cipher = new FieldCipher(ring());
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1 }), (text, context) => {
        const envelope = cipher.seal(text, context);
        expect(cipher.open(envelope, context)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a versioned envelope naming its key, with a fresh IV each time', () => {
    const keys = ring();
    const cipher = new FieldCipher(keys);
    const a = cipher.seal('Zebulon Quillfeather', 'service_jobs.buyer_name:job-1');
    const b = cipher.seal('Zebulon Quillfeather', 'service_jobs.buyer_name:job-1');
    expect(a).not.toBe(b);
    expect(a.startsWith(`fp1.${keys.current.id}.`)).toBe(true);
    expect(a).not.toContain('Zebulon');
    expect(FieldCipher.keyIdOf(a)).toBe(keys.current.id);
    const [, , iv, , tag] = a.split('.');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
  });

  it('detects tampering, a moved value, a malformed envelope and a missing key', () => {
    const cipher = new FieldCipher(ring());
    const envelope = cipher.seal('+1-206-555-0147', 'service_jobs.buyer_phone:job-1');
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'service_jobs.buyer_phone:job-1')).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_TAMPERED' }),
    );
    expect(() => cipher.open(envelope, 'service_jobs.buyer_phone:job-2')).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_TAMPERED' }),
    );
    expect(() => cipher.open('plaintext', 'ctx')).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_MALFORMED' }),
    );
    const stranger = new FieldCipher(ring());
    expect(() => stranger.open(envelope, 'service_jobs.buyer_phone:job-1')).toThrow(
      expect.objectContaining({
        code: 'DATA_KEY_UNKNOWN',
        message: expect.stringContaining('FIELDPLAN_DATA_KEY'),
      }),
    );
  });

  it('decrypts with a previous key after rotation, and encrypts with the new one', () => {
    const old = ring();
    const sealed = new FieldCipher(old).sealJson({ addressLine1: '4821 Marigold Terrace' }, 'ctx');
    const rotated = new FieldCipher({ current: generateDataKey(), previous: [old.current], source: 'test' });
    expect(rotated.openJson(sealed, 'ctx')).toEqual({ addressLine1: '4821 Marigold Terrace' });
    expect(FieldCipher.keyIdOf(rotated.seal('x', 'ctx'))).toBe(rotated.currentKeyId);
    expect(rotated.currentKeyId).not.toBe(old.current.id);
  });
});
