/** The two-person split and linked-visit rules of the crews config: bad input names its field. */
import { describe, expect, it } from 'vitest';
import { ConfigError, validatePlanningConfig, type PlanningConfigInput } from '../../src/config/index.ts';

function config(planning: Record<string, unknown>): PlanningConfigInput {
  return {
    stores: [{ storeId: 'S1', timeZone: 'America/New_York', location: { postalCode: '10001' } }],
    technicians: [
      {
        resourceId: 'T1',
        name: 'One',
        skills: ['APPLIANCE_INSTALL'],
        home: { postalCode: '10001' },
        timeZone: 'America/New_York',
        shifts: { monday: { start: '08:00', end: '17:00' } },
      },
      {
        resourceId: 'T2',
        name: 'Two',
        skills: ['HELPER'],
        home: { postalCode: '10001' },
        timeZone: 'America/New_York',
        shifts: { monday: { start: '08:00', end: '17:00' } },
      },
    ],
    planning: planning as PlanningConfigInput['planning'],
  };
}

function issuesOf(planning: Record<string, unknown>): { path: string; message: string }[] {
  try {
    validatePlanningConfig(config(planning), 'crews.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected the configuration to be rejected');
}

const link = { first: { asin: 'B0DELIVERY' }, then: { skill: 'APPLIANCE_INSTALL' } };

describe('two-person split and linked-visit rules', () => {
  it('accept a split and a delivery-then-install rule, with defaults', () => {
    const c = validatePlanningConfig(
      config({
        twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL', helperSkills: ['HELPER'] }, { skill: 'X' }],
        linkedVisits: [{ ...link, minGapMinutes: 60, maxGapMinutes: 180 }],
      }),
      'crews.yaml',
    );
    expect(c.planning.twoPersonSplit[1]).toEqual({ skill: 'X', helperSkills: [] });
    expect(c.planning.linkedVisits[0]).toEqual({
      ...link,
      by: 'order',
      minGapMinutes: 60,
      maxGapMinutes: 180,
      sameTechnician: false,
    });
  });

  it.each([
    [
      { linkedVisits: [{ ...link, maxGapMinutes: 30, minGapMinutes: 60 }] },
      'planning.linkedVisits[0].maxGapMinutes',
      /at least minGapMinutes/,
    ],
    [{ linkedVisits: [{ ...link, by: 'buyer' }] }, 'planning.linkedVisits[0].by', /"order" or "address"/],
    [
      { linkedVisits: [{ ...link, first: { skill: 'A', asin: 'B' } }] },
      'planning.linkedVisits[0].first',
      /exactly one of skill or asin/,
    ],
    [
      { linkedVisits: [{ ...link, then: {} }] },
      'planning.linkedVisits[0].then',
      /exactly one of skill or asin/,
    ],
    [
      { linkedVisits: [{ ...link, then: { asin: 'B0DELIVERY' } }] },
      'planning.linkedVisits[0].then',
      /not linked to itself/,
    ],
    [
      { linkedVisits: [{ ...link, minGapMinutes: 1.5 }] },
      'planning.linkedVisits[0].minGapMinutes',
      /whole minutes/,
    ],
    [{ linkedVisits: [{ ...link, delay: 60 }] }, 'planning.linkedVisits[0].delay', /unknown field/],
    [
      { twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL', helperSkills: ['LADDER'] }] },
      'planning.twoPersonSplit[0].helperSkills[0]',
      /no technician has skill "LADDER"/,
    ],
    [
      { twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL', helpers: 1 }] },
      'planning.twoPersonSplit[0].helpers',
      /unknown field/,
    ],
    [
      { twoTechnicianSkills: ['APPLIANCE_INSTALL'], twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL' }] },
      'planning.twoPersonSplit[0].skill',
      /also in twoTechnicianSkills/,
    ],
    [
      { twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL' }], linkedVisits: [{ ...link, sameTechnician: true }] },
      'planning.linkedVisits[0].sameTechnician',
      /needs two people/,
    ],
  ])('refuses %j at its field', (planning, path, message) => {
    const issues = issuesOf(planning);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});
