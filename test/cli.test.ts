import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.ts';

describe('fieldplan command', () => {
  it('is named fieldplan and describes itself', () => {
    const program = buildProgram();
    expect(program.name()).toBe('fieldplan');
    expect(program.helpInformation()).toContain('Usage: fieldplan');
  });
});
