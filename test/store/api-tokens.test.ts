import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.ts';

describeEachDialect('API tokens', (harness) => {
  it('keeps only a hash: the token verifies, its text is nowhere in the database', async () => {
    const fresh = await harness.fresh();
    const created = await fresh.store.tokens.create({ scope: 'planner', name: 'dispatch desk' });
    expect(created.token).toMatch(/^fpt_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const secret = created.token.split('_').slice(2).join('_');
    const raw = await fresh.rawText();
    expect(raw).toContain(created.tokenId);
    expect(raw).not.toContain(secret);
    const verified = await fresh.store.tokens.verify(created.token);
    expect(verified).toMatchObject({ tokenId: created.tokenId, scope: 'planner', name: 'dispatch desk' });
  });

  it('refuses a wrong secret, an unknown id, a malformed token and a revoked one', async () => {
    const fresh = await harness.fresh();
    const a = await fresh.store.tokens.create({ scope: 'viewer' });
    const b = await fresh.store.tokens.create({ scope: 'admin' });
    const forged = `fpt_${a.tokenId}_${b.token.slice(-43)}`;
    expect(await fresh.store.tokens.verify(forged)).toBeUndefined();
    expect(await fresh.store.tokens.verify(`fpt_zzzzzzzzzzzz_${a.token.slice(-43)}`)).toBeUndefined();
    expect(await fresh.store.tokens.verify('Bearer nonsense')).toBeUndefined();
    expect(await fresh.store.tokens.revoke(a.tokenId)).toBe(true);
    expect(await fresh.store.tokens.revoke(a.tokenId)).toBe(false);
    expect(await fresh.store.tokens.revoke('nosuchtoken0')).toBe(false);
    expect(await fresh.store.tokens.verify(a.token)).toBeUndefined();
    expect((await fresh.store.tokens.verify(b.token))?.scope).toBe('admin');
    const listed = await fresh.store.tokens.list();
    expect(listed.map((t) => [t.tokenId, t.revokedAt !== null]).sort()).toEqual(
      [
        [a.tokenId, true],
        [b.tokenId, false],
      ].sort(),
    );
  });
});
