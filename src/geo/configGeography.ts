/** Geography of a planning configuration: where technicians start and stores are, and who may go where. */
import type { PlanningConfig } from '../config/planningConfig.ts';
import type { Geocoder, GeocodeResult } from './geocoder.ts';
import { locate } from './locate.ts';
import type { TerritoryRoute } from './territory.ts';

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

/** One territory route per technician and per crew (a crew carries both members' territories). */
export function territoryRoutes(config: PlanningConfig): TerritoryRoute[] {
  const byId = new Map(config.technicians.map((t) => [t.resourceId, t]));
  return [
    ...config.technicians.map((t) => ({ id: t.resourceId, territories: t.territory ? [t.territory] : [] })),
    ...config.crews.map((crew) => ({
      id: crew.id,
      territories: crew.members.flatMap((m) => {
        const territory = byId.get(m)?.territory;
        return territory ? [territory] : [];
      }),
    })),
  ];
}
