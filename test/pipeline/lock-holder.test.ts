import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { holderState, lockHolderName } from '../../src/pipeline/lock-holder.ts';

describe('a planning lock holder', () => {
  it('is alive while its process runs on this host', () => {
    expect(holderState(lockHolderName('worker'))).toBe('alive');
  });

  it('is gone when its process on this host has ended', () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.pid).toBeGreaterThan(0);
    expect(holderState(`worker:${child.pid}@${hostname()}`)).toBe('gone');
  });

  it('cannot be asked about on another host, or under a name it does not parse', () => {
    expect(holderState(`worker:${process.pid}@not-${hostname()}`)).toBe('elsewhere');
    expect(holderState('dispatch desk')).toBe('elsewhere');
  });
});
