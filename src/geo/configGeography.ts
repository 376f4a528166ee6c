/** Geography of a planning configuration: where technicians start and stores are. */
import type { PlanningConfig } from '../config/planningConfig.ts';
import type { Geocoder, GeocodeResult } from './geocoder.ts';
import { locate } from './locate.ts';

export interface ConfigLocations {
  /** By technician resource id. */
  homes: Map<string, GeocodeResult>;
  /** By store id. */
  stores: Map<string, GeocodeResult>;
}

export async function locateConfig(config: PlanningConfig, geocoder: Geocoder): Promise<ConfigLocations> {
  const homes = new Map<string, GeocodeResult>();
  for (const t of config.technicians) homes.set(t.resourceId, await locate(t.home, geocoder));
  const stores = new Map<string, GeocodeResult>();
  for (const s of config.stores) stores.set(s.storeId, await locate(s.location, geocoder));
  return { homes, stores };
}
