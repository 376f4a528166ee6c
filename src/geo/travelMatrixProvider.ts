/** Picks the travel model from the planning settings (and an `--osrm <url>` override). */
import type { TravelSettings } from '../config/planningSettings.ts';
import { GreatCircleMatrixProvider } from './greatCircleMatrix.ts';
import { OsrmMatrixProvider } from './osrmMatrix.ts';
import type { OsrmOptions } from './osrmMatrix.ts';
import type { TravelMatrixProvider } from './travelMatrix.ts';

export function travelMatrixProvider(
  settings: TravelSettings,
  overrides: { osrmUrl?: string | undefined; osrm?: Omit<OsrmOptions, 'url'> } = {},
): TravelMatrixProvider {
  const url = overrides.osrmUrl ?? settings.osrmUrl;
  if (url !== undefined) return new OsrmMatrixProvider({ ...overrides.osrm, url });
  return new GreatCircleMatrixProvider({ roadFactor: settings.roadFactor, speedKmh: settings.speedKmh });
}
