import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkPlanningConfig } from '../../src/cli/config.ts';
import { loadPlanningConfig, validatePlanningConfig } from '../../src/config/index.ts';
import { locateConfig, mayServeAt, PostalCodeGeocoder } from '../../src/geo/index.ts';

const EXAMPLE = new URL('../../config/example.yaml', import.meta.url).pathname;

describe('configuration geography', () => {
  it('locates every home and store of the example', async () => {
    const config = await loadPlanningConfig(EXAMPLE);
    const located = await locateConfig(config, new PostalCodeGeocoder());
    expect([...located.homes.values()].every((r) => r.ok)).toBe(true);
    expect(located.homes.get('TECH-0002')).toEqual({
      ok: true,
      lat: 47.61,
      lon: -122.2,
      precision: 'coordinates',
    });
    expect(located.stores.get('STORE-SEA-01')).toMatchObject({ ok: true, precision: 'postal-code' });
  });

  it('a crew goes only where each member’s territory allows', async () => {
    const config = await loadPlanningConfig(EXAMPLE);
    const territoryOf = (id: string) => config.technicians.find((t) => t.resourceId === id)?.territory;
    const crew = [territoryOf('TECH-0001'), territoryOf('TECH-0002')];
    const capitolHill = { lat: 47.62, lon: -122.32 };
    const tacoma = { lat: 47.25, lon: -122.44 };
    expect(mayServeAt([territoryOf('TECH-0001')], capitolHill)).toBe(true);
    expect(mayServeAt([territoryOf('TECH-0001')], tacoma)).toBe(false);
    expect(mayServeAt([territoryOf('TECH-0002')], tacoma)).toBe(true);
    expect(mayServeAt(crew, capitolHill)).toBe(true);
    expect(mayServeAt(crew, tacoma)).toBe(false);
  });

  it('the config check reports unlocatable homes by id, without the postal code', async () => {
    const config = await loadPlanningConfig(EXAMPLE);
    const broken = validatePlanningConfig(
      {
        ...config,
        technicians: config.technicians.map((t, i) =>
          i === 0 ? { ...t, home: { postalCode: '00000' } } : t,
        ),
      },
      'inline',
    );
    const report = await checkPlanningConfig(broken, { today: DateTime.fromISO('2026-06-01T12:00:00Z') });
    expect(report.problems).toBe(1);
    expect(report.lines).toContain(
      'cannot locate technician TECH-0001: POSTAL_CODE_UNKNOWN: the ZIP code is not in the offline postal-code table (retired, PO-box-only or mistyped)',
    );
    expect(report.lines.join('\n')).not.toContain('00000');
    const ok = await checkPlanningConfig(config, { today: DateTime.fromISO('2026-06-01T12:00:00Z') });
    expect(ok.problems).toBe(0);
    expect(ok.lines.at(-1)).toBe('configuration ok');
  });
});
