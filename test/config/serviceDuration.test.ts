import { describe, expect, it } from 'vitest';
import { resolveServiceDuration } from '../../src/config/index.ts';
import type { ServiceDurationRule } from '../../src/config/index.ts';

const rules: ServiceDurationRule[] = [
  { asin: 'B0TV', minutes: 90, perAdditionalUnitMinutes: 60 },
  { skill: 'FURNITURE_ASSEMBLY', minutes: 120 },
  { skill: 'HVAC', minutes: 240 },
];

describe('resolveServiceDuration', () => {
  it('an ASIN rule wins over skill rules and scales with quantity', () => {
    expect(
      resolveServiceDuration(rules, { asin: 'B0TV', quantity: 3, requiredSkills: ['HVAC'] }, 60),
    ).toEqual({
      minutes: 90 + 2 * 60,
      source: 'asin-rule',
    });
  });

  it('the longest matching skill rule governs; quantity repeats it by default', () => {
    expect(
      resolveServiceDuration(rules, { requiredSkills: ['FURNITURE_ASSEMBLY', 'HVAC'], quantity: 1 }, 60),
    ).toEqual({ minutes: 240, source: 'skill-rule' });
    expect(
      resolveServiceDuration(rules, { requiredSkills: ['FURNITURE_ASSEMBLY'], quantity: 2 }, 60),
    ).toEqual({
      minutes: 240,
      source: 'skill-rule',
    });
  });

  it('falls back to the appointment duration, then the default', () => {
    expect(
      resolveServiceDuration(rules, { requiredSkills: ['PLUMBING'], appointmentMinutes: 75 }, 60),
    ).toEqual({
      minutes: 75,
      source: 'appointment',
    });
    expect(resolveServiceDuration(rules, { asin: 'OTHER' }, 60)).toEqual({ minutes: 60, source: 'default' });
  });
});
