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
import { resourcesToCheck, unknownResources, unknownResourcesMessage } from '../pipeline/setup/preflight.ts';
import type { ServicesPort } from '../pipeline/ports.ts';
import { setupFromConfig } from '../pipeline/setup/from-config.ts';
import { DEFAULT_MARKETPLACE_ID } from '../sandbox/marketplace.ts';
import { connect, describeError } from './plan.ts';

export interface ConfigCheckReport {
  lines: string[];
  problems: number;
}

export async function checkPlanningConfig(
  config: PlanningConfig,
  options: {
    osrmUrl?: string | undefined;
    today?: DateTime;
    /** Also check the stores and technicians at this seller. */
    seller?: { services: ServicesPort; marketplaceId: string } | undefined;
  } = {},
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
  if (options.seller !== undefined) {
    const live = await checkAgainstSeller(config, options.seller.services, {
      marketplaceId: options.seller.marketplaceId,
      ...(options.today !== undefined ? { today: options.today } : {}),
    });
    lines.push(...live.lines);
    problems += live.problems;
  }
  lines.push(problems === 0 ? 'configuration ok' : `${problems} problem(s) found`);
  return { lines, problems };
}

/**
 * The config against a live seller: every store (and technician, when capacity is kept per
 * technician) must be a resource Amazon knows, as a planning run checks before it starts.
 */
export async function checkAgainstSeller(
  config: PlanningConfig,
  services: ServicesPort,
  options: { marketplaceId: string; today?: DateTime },
): Promise<ConfigCheckReport> {
  const today = (options.today ?? DateTime.now()).toUTC().toISODate() ?? '';
  const setup = setupFromConfig(config, { date: today, days: 1 });
  const asked = resourcesToCheck(setup);
  try {
    const unknown = await unknownResources(services, options.marketplaceId, asked, setup.horizon.start);
    if (unknown.length > 0) return { lines: [unknownResourcesMessage(unknown)], problems: 1 };
    const technicians = asked.filter((r) => r.kind === 'technician').length;
    return {
      lines: [
        `the seller knows all ${setup.stores.length} stores` +
          (technicians > 0 ? ` and ${technicians} technicians` : ''),
      ],
      problems: 0,
    };
  } catch (err) {
    return { lines: [`could not check the config against the seller: ${describeError(err)}`], problems: 1 };
  }
}

interface ConfigCheckOptions {
  osrm?: string;
  endpoint?: string;
  marketplace: string;
  credentials?: string;
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('Planning configuration (crews, stores, settings)');
  config
    .command('check')
    .description('Validate a planning configuration file and try its geography')
    .argument('<file>', 'YAML or JSON planning configuration')
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle estimate)')
    .option(
      '--endpoint <where>',
      'also check the stores and technicians at this seller: na | eu | fe | amazon-sandbox | a URL',
    )
    .option('--marketplace <id>', 'marketplace id (with --endpoint)', DEFAULT_MARKETPLACE_ID)
    .option('--credentials <file>', 'LWA credentials file (with --endpoint); or the LWA_* variables')
    .action(async (file: string, opts: ConfigCheckOptions) => {
      let loaded: PlanningConfig;
      try {
        loaded = await loadPlanningConfig(file);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        console.error(err.message);
        process.exitCode = 1;
        return;
      }
      let seller: { services: ServicesPort; marketplaceId: string } | undefined;
      if (opts.endpoint !== undefined) {
        try {
          const services = connect({
            endpoint: opts.endpoint,
            marketplace: opts.marketplace,
            credentials: opts.credentials,
          });
          seller = { services, marketplaceId: opts.marketplace };
        } catch (err) {
          console.error(`error: ${describeError(err)}`);
          process.exitCode = 1;
          return;
        }
      }
      const report = await checkPlanningConfig(loaded, { osrmUrl: opts.osrm, seller });
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
