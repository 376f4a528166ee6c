import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  ConfigError,
  durationFactor,
  loadPlanningConfig,
  parsePlanningConfig,
  validatePlanningConfig,
} from '../../src/config/index.ts';
import type { PlanningConfigInput } from '../../src/config/index.ts';

const EXAMPLE = new URL('../../config/example.yaml', import.meta.url).pathname;

function minimal(): PlanningConfigInput {
  return {
    stores: [{ storeId: 'S1', timeZone: 'America/New_York', location: { postalCode: '10001' } }],
    technicians: [
      {
        resourceId: 'T1',
        name: 'One',
        skills: ['TV_MOUNTING'],
        home: { postalCode: '10001' },
        timeZone: 'America/New_York',
        shifts: { monday: { start: '08:00', end: '17:00' } },
      },
      {
        resourceId: 'T2',
        name: 'Two',
        home: { lat: 40.7, lon: -74 },
        timeZone: 'America/New_York',
        shifts: { tuesday: { start: '09:00', end: '18:00' } },
      },
    ],
  };
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    validatePlanningConfig(input, 'crews.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.file).toBe('crews.yaml');
    return [...e.issues];
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadPlanningConfig', () => {
  it('loads the documented example with defaults applied', async () => {
    const config = await loadPlanningConfig(EXAMPLE);
    expect(config.technicians.map((t) => t.resourceId)).toEqual(['TECH-0001', 'TECH-0002', 'TECH-0003']);
    expect(config.crews[0]?.members).toEqual(['TECH-0002', 'TECH-0003']);
    expect(config.stores[0]?.slotGrid.slotMinutes).toBe(120);
    expect(config.planning.travel).toEqual({ roadFactor: 1.3, speedKmh: 40 });
    expect(config.planning.appointmentTime).toBe('arrival-window');
    expect(config.planning.resources).toBe('per-technician');
    expect(config.technicians[0]?.territory?.type).toBe('Polygon');
    expect(config.technicians[2]?.shifts.sunday).toEqual({
      start: '22:00',
      end: '04:00',
      crossesMidnight: true,
    });
  });

  it('reads JSON and YAML alike and fills defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldplan-config-'));
    const json = join(dir, 'crews.json');
    const yaml = join(dir, 'crews.yml');
    await writeFile(json, JSON.stringify(minimal()));
    await writeFile(yaml, stringify(minimal()));
    const a = await loadPlanningConfig(json);
    const b = await loadPlanningConfig(yaml);
    expect(a).toEqual(b);
    expect(a.crews).toEqual([]);
    expect(a.planning.horizonDays).toBe(1);
    expect(a.planning.travel.roadFactor).toBe(1.3);
    expect(a.stores[0]?.slotGrid).toMatchObject({ start: '08:00', end: '18:00', slotMinutes: 120 });
    expect(a.technicians[1]?.skills).toEqual([]);
  });

  it('names the file when it cannot be read or parsed', async () => {
    await expect(loadPlanningConfig('/nonexistent/crews.yaml')).rejects.toMatchObject({
      code: 'CONFIG_UNREADABLE',
      file: '/nonexistent/crews.yaml',
    });
    expect(() => parsePlanningConfig('technicians: [\n', 'broken.yaml')).toThrow(/broken\.yaml/);
    expect(() => parsePlanningConfig('{"technicians": ', 'broken.json')).toThrow(ConfigError);
  });

  it('reports every problem with its path, not just the first', () => {
    const bad = minimal() as Record<string, unknown> & PlanningConfigInput;
    const techs = bad.technicians as Record<string, unknown>[];
    techs[0]!.shifts = { monday: { start: '8am', end: '17:00' }, tuesday: { start: '18:00', end: '09:00' } };
    techs[1]!.timeZone = 'PST';
    techs[1]!.lunch = { earliest: '12:00', latest: '12:15', minutes: 30 };
    const issues = issuesOf(bad);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'technicians[0].shifts.monday.start',
        'technicians[0].shifts.tuesday.end',
        'technicians[1].timeZone',
        'technicians[1].lunch.latest',
      ]),
    );
    expect(issues.find((i) => i.path === 'technicians[1].timeZone')?.message).toMatch(/IANA/);
    expect(issues.find((i) => i.path === 'technicians[0].shifts.tuesday.end')?.message).toMatch(
      /crossesMidnight/,
    );
  });

  it('the error message lists the file and each path', () => {
    const bad = minimal();
    (bad.technicians[0] as Record<string, unknown>).maxHoursPerDay = 30;
    (bad.technicians[1] as Record<string, unknown>).shifts = { fryday: { start: '08:00', end: '12:00' } };
    try {
      parsePlanningConfig(stringify(bad), 'crews.yaml');
      expect.unreachable();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('crews.yaml (2 problems)');
      expect(message).toContain('technicians[0].maxHoursPerDay');
      expect(message).toContain('technicians[1].shifts.fryday: unknown field');
    }
  });

  it('cross-checks ids: duplicates, unknown crew members, unknown stores', () => {
    const bad = minimal();
    bad.technicians.push({ ...bad.technicians[0]!, name: 'Copy' });
    bad.technicians[1]!.stores = ['S9'];
    bad.crews = [
      { id: 'C1', members: ['T1', 'GHOST'] },
      { id: 'T2', members: ['T1', 'T2'] },
      { id: 'C1', members: ['T1', 'T1'] },
    ];
    const issues = issuesOf(bad);
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    expect(byPath.get('technicians[2].resourceId')).toMatch(/duplicate resource id "T1"/);
    expect(byPath.get('technicians[1].stores[0]')).toMatch(/unknown store "S9"/);
    expect(byPath.get('crews[0].members[1]')).toMatch(/unknown crew member "GHOST"/);
    expect(byPath.get('crews[1].id')).toMatch(/also a technician/);
    expect(byPath.get('crews[2].id')).toMatch(/duplicate crew id/);
    expect(byPath.get('crews[2].members')).toMatch(/two different/);
  });

  it('rejects invalid GeoJSON territories', () => {
    const open = minimal();
    open.technicians[0]!.territory = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    };
    expect(issuesOf(open).map((i) => i.path)).toContain('technicians[0].territory.coordinates[0]');

    const bowtie = minimal();
    bowtie.technicians[0]!.territory = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(issuesOf(bowtie)[0]?.message).toMatch(/self-intersect/);

    const wrongType = minimal();
    (wrongType.technicians[0] as Record<string, unknown>).territory = { type: 'Point', coordinates: [0, 0] };
    expect(issuesOf(wrongType)[0]?.path).toBe('technicians[0].territory.type');

    const latLon = minimal();
    latLon.technicians[0]!.territory = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [47, -122],
            [47, -121],
            [48, -121],
            [47, -122],
          ],
        ],
      ],
    };
    expect(issuesOf(latLon)[0]?.message).toMatch(/GeoJSON order/);
  });

  it('checks exceptions, locations, slot grids and duration rules', () => {
    const bad = minimal();
    bad.technicians[0]!.exceptions = [
      { date: '2026-02-30', off: true },
      { date: '2026-03-10', to: '2026-03-01', off: true },
      { date: '2026-03-11' },
    ];
    bad.technicians[1]!.home = { lat: 40 };
    bad.stores[0]!.slotGrid = { start: '18:00', end: '08:00', slotMinutes: 120 };
    bad.serviceDurations = [{ asin: 'B1', skill: 'HVAC', minutes: 30 }];
    const paths = issuesOf(bad).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'technicians[0].exceptions[0].date',
        'technicians[0].exceptions[1].to',
        'technicians[0].exceptions[2]',
        'technicians[1].home',
        'stores[0].slotGrid.end',
        'serviceDurations[0]',
      ]),
    );
  });

  it('a technician is as slow as the slowest skill factor a job needs', async () => {
    const config = await loadPlanningConfig(EXAMPLE);
    const alex = config.technicians[0]!;
    expect(durationFactor(alex, ['TV_MOUNTING'])).toBe(0.8);
    expect(durationFactor(alex, ['FURNITURE_ASSEMBLY'])).toBe(1);
    const tech = { ...alex, skillDurationFactor: { A: 0.8, B: 1.2 } };
    expect(durationFactor(tech, ['A', 'B'])).toBe(1.2);
  });
});
