/**
 * `fieldplan config check <file>`: validates a planning configuration and tries its
 * geography (geocoding of homes and stores, a travel matrix between them, shifts of the
 * coming week), so a bad file is found before a planning run, not during one.
 */
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { ConfigError, loadPlanningConfig, planningConfigJsonSchema } from '../config/index.ts';
import type { PlanningConfig } from '../config/index.ts';
import {
  geocoderFor,
  insideTerritory,
  locateConfig,
  travelMatrixProvider,
  TravelMatrixError,
} from '../geo/index.ts';
import type { GeoPoint } from '../geo/index.ts';
import { workingDays } from '../schedule/index.ts';

export interface ConfigCheckReport {
  lines: string[];
  problems: number;
}

export async function checkPlanningConfig(
  config: PlanningConfig,
  options: { osrmUrl?: string | undefined; today?: DateTime } = {},
): Promise<ConfigCheckReport> {
  const lines: string[] = [];
  let problems = 0;
  lines.push(
    `${config.technicians.length} technicians, ${config.crews.length} crews, ${config.stores.length} stores, ` +
      `${config.serviceDurations.length} service-duration rules`,
  );

  const geocoder = geocoderFor(config.planning.geocoding);
  const located = await locateConfig(config, geocoder);
  const points: { label: string; point: GeoPoint }[] = [];
  for (const [kind, map] of [
    ['technician', located.homes],
    ['store', located.stores],
  ] as const) {
    for (const [id, result] of map) {
      if (result.ok) points.push({ label: `${kind} ${id}`, point: result });
      else {
        problems++;
        lines.push(`cannot locate ${kind} ${id}: ${result.reason}: ${result.message}`);
      }
    }
  }
  lines.push(`located ${points.length} of ${located.homes.size + located.stores.size} homes and stores`);

  for (const t of config.technicians) {
    const home = located.homes.get(t.resourceId);
    if (t.territory && home?.ok === true && !insideTerritory(t.territory, home)) {
      lines.push(
        `note: technician ${t.resourceId} lives outside their territory (allowed, but check the polygon)`,
      );
    }
    const today = (options.today ?? DateTime.now()).setZone(t.timeZone);
    const from = today.toISODate() ?? '';
    const to = today.plus({ days: 6 }).toISODate() ?? '';
    const days = workingDays(t, from, to);
    if (days.length === 0)
      lines.push(`note: technician ${t.resourceId} has no working day from ${from} to ${to}`);
  }

  if (points.length >= 2) {
    const provider = travelMatrixProvider(config.planning.travel, { osrmUrl: options.osrmUrl });
    try {
      const matrix = await provider.matrix(points.map((p) => p.point));
      let worst = { seconds: 0, from: 0, to: 0 };
      matrix.durations.forEach((row, i) =>
        row.forEach((seconds, j) => {
          if (seconds > worst.seconds) worst = { seconds, from: i, to: j };
        }),
      );
      lines.push(
        `travel matrix ${points.length}×${points.length} ok; longest drive ${Math.round(worst.seconds / 60)} min ` +
          `(${points[worst.from]?.label} to ${points[worst.to]?.label})`,
      );
    } catch (err) {
      if (!(err instanceof TravelMatrixError)) throw err;
      problems++;
      lines.push(`travel matrix failed: ${err.code}: ${err.message}`);
    }
  }
  lines.push(problems === 0 ? 'configuration ok' : `${problems} problem(s) found`);
  return { lines, problems };
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('Planning configuration (crews, stores, settings)');
  config
    .command('check')
    .description('Validate a planning configuration file and try its geography')
    .argument('<file>', 'YAML or JSON planning configuration')
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle estimate)')
    .action(async (file: string, opts: { osrm?: string }) => {
      let loaded: PlanningConfig;
      try {
        loaded = await loadPlanningConfig(file);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        console.error(err.message);
        process.exitCode = 2;
        return;
      }
      const report = await checkPlanningConfig(loaded, { osrmUrl: opts.osrm });
      for (const line of report.lines) console.log(line);
      if (report.problems > 0) process.exitCode = 1;
    });
  config
    .command('schema')
    .description('Print the configuration JSON Schema (for editor completion)')
    .action(() => {
      console.log(JSON.stringify(planningConfigJsonSchema(), null, 2));
    });
}
