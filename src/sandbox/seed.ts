import { DateTime } from 'luxon';
import { zipcodesTable, zipcodesWithin } from '../geo/zipcodes-table.ts';
import { SERVICE_CATALOG, SKILLS } from './catalog.ts';
import type { ServiceOffer, Skill } from './catalog.ts';
import { createRandom, deriveSeed } from './random.ts';
import type { Random } from './random.ts';
import { atClock, DAYS_OF_WEEK } from './schedule-rules.ts';
import type { WeeklyShift } from './schedule-rules.ts';
import { technicianFree } from './capacity.ts';
import { slotCapacity } from './slots.ts';
import { seedLinkedOrders } from './linked-orders.ts';
import { seedPreviousVisits } from './previous-visits.ts';
import type { JobRecord, JobStatus, SandboxWorld, SeededCrew, Store } from './state.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time.ts';

/**
 * The seeded seller: stores in US metros, technicians with skills and weekly shifts, and a few
 * hundred service jobs whose demand roughly matches the crews' capacity over the coming working
 * days. Everything is a function of the seed; names and phones are synthetic (phones use the
 * fictional 555-01xx range).
 */
export interface SeedOptions {
  readonly seed: number;
  readonly jobs: number;
  readonly technicians: number;
  readonly stores: number;
  /** First planning day, YYYY-MM-DD. */
  readonly startDate: string;
  readonly nowMs: number;
  readonly marketplaceId: string;
  /**
   * Demand as a share of the crews' working time over the seeded days (default 1: the days
   * are as few as the work needs). Below 1 the same jobs spread over more days, as a seller
   * staffed for its demand sees them.
   */
  readonly load?: number;
  /**
   * Draw each store's services in proportion to the technicians there who can do them (a
   * seller staffs each skill for its share of the work), not from the catalogue's weights
   * alone. Default false.
   */
  readonly demandBySkill?: boolean;
  /** Extra orders of two services each, for linked visits (see linked-orders.ts); default 0. */
  readonly linkedOrders?: number;
  /** Pending jobs given an earlier completed job of their order (see previous-visits.ts); default 0. */
  readonly previousVisits?: number;
}

interface Metro {
  readonly name: string;
  readonly centerZip: string;
  readonly timeZone: string;
  readonly areaCode: string;
}

const METROS: readonly Metro[] = [
  { name: 'Seattle', centerZip: '98101', timeZone: 'America/Los_Angeles', areaCode: '206' },
  { name: 'Austin', centerZip: '78701', timeZone: 'America/Chicago', areaCode: '512' },
  { name: 'Atlanta', centerZip: '30303', timeZone: 'America/New_York', areaCode: '404' },
  { name: 'Denver', centerZip: '80202', timeZone: 'America/Denver', areaCode: '303' },
  { name: 'Phoenix', centerZip: '85004', timeZone: 'America/Phoenix', areaCode: '602' },
];

const FIRST_NAMES = [
  'Avery',
  'Jordan',
  'Riley',
  'Morgan',
  'Casey',
  'Quinn',
  'Harper',
  'Rowan',
  'Emerson',
  'Finley',
  'Hayden',
  'Jamie',
  'Kendall',
  'Logan',
  'Micah',
  'Parker',
  'Reese',
  'Sage',
  'Taylor',
  'Skyler',
];
const LAST_NAMES = [
  'Abernathy',
  'Bellweather',
  'Calloway',
  'Dunmore',
  'Ellsworth',
  'Fairbanks',
  'Galloway',
  'Hartwell',
  'Ingram',
  'Jessup',
  'Kingsley',
  'Lockhart',
  'Merriweather',
  'Northcott',
  'Oakley',
  'Pemberton',
  'Quimby',
  'Radcliffe',
  'Stanhope',
  'Thornbury',
];
const STREETS = [
  'Maple',
  'Cedar',
  'Juniper',
  'Willow',
  'Lakeview',
  'Hillcrest',
  'Ridge',
  'Sunset',
  'Meadow',
  'Park',
];
const SUFFIXES = ['Ave', 'St', 'Dr', 'Ln', 'Ct', 'Way', 'Blvd', 'Pl'];
const WORKDAYS: readonly (typeof DAYS_OF_WEEK)[number][] = DAYS_OF_WEEK.slice(0, 5);

/** Minutes of work a technician does per working day, travel included, used to size the horizon. */
const EFFECTIVE_JOB_MINUTES = 150;

interface PlacedZip {
  readonly zip: string;
  readonly city: string;
  readonly state: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** Postal codes around a centre, by centre and radius: the table is scanned once per pair. */
const zipsAroundCache = new Map<string, readonly PlacedZip[]>();

function zipsAround(center: string, miles: number): readonly PlacedZip[] {
  const key = `${center}|${miles}`;
  let found = zipsAroundCache.get(key);
  if (found === undefined) {
    found = scanZipsAround(center, miles);
    zipsAroundCache.set(key, found);
  }
  return found;
}

function scanZipsAround(center: string, miles: number): PlacedZip[] {
  const zipcodes = zipcodesTable();
  const found = zipcodesWithin(center, miles);
  const out: PlacedZip[] = [];
  for (const code of [...found].sort()) {
    const z = zipcodes.lookup(code);
    if (z && Number.isFinite(z.latitude) && Number.isFinite(z.longitude) && z.latitude !== 0) {
      out.push({ zip: z.zip, city: z.city, state: z.state, latitude: z.latitude, longitude: z.longitude });
    }
  }
  if (out.length === 0) throw new Error(`no postal codes found around ${center}`);
  return out;
}

function pickWeighted<T extends { weight: number }>(rng: Random, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = rng.next() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1] as T;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * A store's name as a person writes it: "Seattle service centre" in the metro's own city,
 * "Bellevue service centre (Seattle area)" in a suburb, numbered when a name repeats.
 */
export function storeName(metro: string, city: string, used: Set<string>): string {
  const base =
    city.trim().toLowerCase() === metro.trim().toLowerCase()
      ? `${metro} service centre`
      : `${city} service centre (${metro} area)`;
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base} ${n}`;
  used.add(name);
  return name;
}

function seedStoresAndCrews(rng: Random, options: SeedOptions): { stores: Store[]; crews: SeededCrew[] } {
  const stores: Store[] = [];
  const usedStoreNames = new Set<string>();
  for (let i = 0; i < options.stores; i++) {
    const metro = METROS[i % METROS.length] as Metro;
    const near = zipsAround(metro.centerZip, 10);
    const place = rng.pick(near);
    stores.push({
      storeId: rng.uuid(),
      name: storeName(metro.name, place.city, usedStoreNames),
      metro: metro.name,
      timeZone: metro.timeZone,
      postalCode: place.zip,
      city: place.city,
      stateOrRegion: place.state,
      latitude: place.latitude,
      longitude: place.longitude,
    });
  }
  const crews: SeededCrew[] = [];
  const usedNames = new Set<string>();
  for (let j = 0; j < options.technicians; j++) {
    const storeIndex = j % stores.length;
    const store = stores[storeIndex] as Store;
    const rank = Math.floor(j / stores.length);
    // Rotate the primary skill so every store covers every skill once it has five technicians.
    const primary = SKILLS[(rank + storeIndex) % SKILLS.length] as Skill;
    const skills = new Set<Skill>([primary]);
    const extras = rng.int(1, 2);
    for (let k = 0; k < extras; k++) skills.add(rng.pick(SKILLS));
    if (rank === 0) skills.add('TV_MOUNTING');
    const startMinutes = rng.pick([7 * 60, 7 * 60 + 30, 8 * 60, 9 * 60]);
    const length = rng.pick([8, 9, 10]) * 60;
    const shifts: WeeklyShift[] = WORKDAYS.map((day) => ({
      day,
      start: hhmm(startMinutes),
      end: hhmm(startMinutes + length),
    }));
    let name = '';
    do name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    while (usedNames.has(name) && usedNames.size < FIRST_NAMES.length * LAST_NAMES.length);
    usedNames.add(name);
    const home = rng.pick(zipsAround(store.postalCode, 15));
    crews.push({
      resourceId: `A${rng.alnum(12)}`,
      name,
      storeId: store.storeId,
      skills: SKILLS.filter((s) => skills.has(s)),
      homeBase: {
        postalCode: home.zip,
        city: home.city,
        stateOrRegion: home.state,
        latitude: home.latitude,
        longitude: home.longitude,
      },
      timeZone: store.timeZone,
      weeklyShifts: shifts,
      lunch: { start: hhmm(startMinutes + Math.round(length / 2 / 30) * 30 - 30), durationMinutes: 30 },
    });
  }
  return { stores, crews };
}

/** Working days by start, zone and count (every job of a store asks for the same ones). */
const workingDaysCache = new Map<string, readonly DateTime[]>();

function workingDays(startDate: string, zone: string, count: number): readonly DateTime[] {
  const key = `${startDate}|${zone}|${count}`;
  let days = workingDaysCache.get(key);
  if (days === undefined) {
    days = listWorkingDays(startDate, zone, count);
    workingDaysCache.set(key, days);
  }
  return days;
}

function listWorkingDays(startDate: string, zone: string, count: number): DateTime[] {
  const out: DateTime[] = [];
  let day = DateTime.fromISO(startDate, { zone }).startOf('day');
  while (out.length < count) {
    if (day.weekday <= 5) out.push(day);
    day = day.plus({ days: 1 });
  }
  return out;
}

function orderId(rng: Random): string {
  return `${rng.int(111, 114)}-${rng.digits(7)}-${rng.digits(7)}`;
}

function drawStatus(rng: Random): JobStatus {
  const r = rng.next();
  if (r < 0.52) return 'PENDING_SCHEDULE';
  if (r < 0.77) return 'NOT_SERVICED';
  if (r < 0.82) return 'HOLD';
  if (r < 0.9) return 'COMPLETED';
  if (r < 0.95) return 'CANCELLED';
  if (r < 0.975) return 'NOT_FULFILLABLE';
  return 'PAYMENT_DECLINED';
}

/** A world without a seller yet, for a sandbox that listens before it seeds (index.ts). */
export function unseededWorld(marketplaceId: string): SandboxWorld {
  return {
    sellerId: '',
    serviceJobProviderId: '',
    marketplaceId,
    stores: [],
    crews: [],
    jobs: new Map(),
    schedules: [],
    reservations: new Map(),
    uploads: new Map(),
    sequence: 1000,
  };
}

/** The whole seeded world: the seller (stores, crews, their breaks), then its jobs. */
export function seedWorld(options: SeedOptions): SandboxWorld {
  const world = seedSeller(options);
  seedJobs(world, options);
  return world;
}

/**
 * The seller without its jobs: stores, crews and their recurring breaks. Cheap; the jobs
 * (`seedJobs`, which books appointments against the crews' capacity) are the costly part.
 */
export function seedSeller(options: SeedOptions): SandboxWorld {
  const rng = createRandom(deriveSeed(options.seed, 'seller'));
  const { stores, crews } = seedStoresAndCrews(rng, options);
  const world: SandboxWorld = {
    ...unseededWorld(options.marketplaceId),
    sellerId: `A${rng.alnum(12)}`,
    serviceJobProviderId: `A${rng.alnum(12)}`,
    stores,
    crews,
  };
  seedLunches(world, options);
  return world;
}

/** Adds the seeded jobs to a world from `seedSeller` (the same options). */
export function seedJobs(world: SandboxWorld, options: SeedOptions): void {
  const { stores, crews } = world;
  const actionableShare = 0.82;
  const perTechDay = (8.5 * 60) / EFFECTIVE_JOB_MINUTES;
  const horizon = Math.min(
    30,
    Math.max(
      1,
      Math.ceil(
        (options.jobs * actionableShare) / Math.max(1, crews.length) / perTechDay / (options.load ?? 1),
      ),
    ),
  );
  const jobRng = createRandom(deriveSeed(options.seed, 'jobs'));
  const storeWeights = stores.map((s) => ({
    store: s,
    weight: crews.filter((c) => c.storeId === s.storeId).length || 0.2,
  }));
  const zipsByStore = new Map(stores.map((s) => [s.storeId, zipsAround(s.postalCode, 20)]));
  const usedIds = new Set<string>();
  for (let i = 0; i < options.jobs; i++) {
    const { store } = pickWeighted(jobRng, storeWeights);
    const storeCrews = crews.filter((c) => c.storeId === store.storeId);
    const qualified = (o: ServiceOffer): number =>
      storeCrews.filter((c) => o.requiredSkills.every((s) => c.skills.includes(s))).length;
    const feasible = SERVICE_CATALOG.filter((o) => qualified(o) > 0);
    const offers =
      options.demandBySkill === true
        ? feasible.map((o) => ({ ...o, weight: o.weight * qualified(o) }))
        : feasible;
    const offer = pickWeighted(jobRng, offers.length > 0 ? offers : SERVICE_CATALOG);
    const job = makeJob(
      world,
      jobRng,
      options,
      store,
      offer,
      zipsByStore.get(store.storeId) ?? [],
      horizon,
      usedIds,
    );
    world.jobs.set(job.serviceJobId, job);
    settleStatus(world, jobRng, options, job, drawStatus(jobRng));
  }
  // A few jobs of another seller: their ids exist, so reading or writing them answers 403.
  const otherSeller = `A${jobRng.alnum(12)}`;
  for (let i = 0; i < 3; i++) {
    const store = stores[0] as Store;
    const job = makeJob(
      world,
      jobRng,
      options,
      store,
      SERVICE_CATALOG[0] as ServiceOffer,
      zipsByStore.get(store.storeId) ?? [],
      horizon,
      usedIds,
    );
    job.sellerId = otherSeller;
    world.jobs.set(job.serviceJobId, job);
  }
  seedLinkedOrders(world, options.seed, options.startDate, options.linkedOrders ?? 0);
  seedPreviousVisits(world, options.seed, options.nowMs, options.previousVisits ?? 0);
}

function seedLunches(world: SandboxWorld, options: SeedOptions): void {
  for (const crew of world.crews) {
    const first = DateTime.fromISO(options.startDate, { zone: crew.timeZone })
      .startOf('day')
      .minus({ days: 60 });
    const start = atClock(first, crew.lunch.start);
    const id = `${++world.sequence}`;
    world.reservations.set(id, {
      reservationId: id,
      resourceId: crew.resourceId,
      type: 'BREAK',
      origin: 'seed',
      rule: {
        startMs: start,
        endMs: start + crew.lunch.durationMinutes * MINUTE_MS,
        capacity: 1,
        zone: crew.timeZone,
        recurrence: {
          endMs: first.plus({ days: 500 }).toMillis(),
          daysOfWeek: crew.weeklyShifts.map((s) => DAYS_OF_WEEK.indexOf(s.day) + 1),
          daysOfMonth: [],
        },
      },
    });
  }
}

function makeJob(
  world: SandboxWorld,
  rng: Random,
  options: SeedOptions,
  store: Store,
  offer: ServiceOffer,
  zips: readonly PlacedZip[],
  horizon: number,
  usedIds: Set<string>,
): JobRecord {
  let serviceJobId = '';
  do serviceJobId = `${rng.int(1, 9)}${rng.digits(13)}`;
  while (usedIds.has(serviceJobId));
  usedIds.add(serviceJobId);
  const metro = METROS.find((m) => m.name === store.metro) ?? (METROS[0] as Metro);
  const place =
    zips.length > 0
      ? rng.pick(zips)
      : {
          zip: store.postalCode,
          city: store.city,
          state: store.stateOrRegion,
          latitude: store.latitude,
          longitude: store.longitude,
        };
  const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const phone = `+1 ${metro.areaCode}-555-01${rng.digits(2)}`;
  const createdMs = options.nowMs - rng.int(1, 14 * 24) * HOUR_MS;
  const days = workingDays(options.startDate, store.timeZone, horizon);
  const windows = rng.int(1, 3);
  const chosen = rng
    .shuffle(days)
    .slice(0, windows)
    .sort((a, b) => a.toMillis() - b.toMillis());
  const preferredTimes = chosen.map((day) => {
    const startHour = rng.pick([8, 10, 12, 14]);
    const length = rng.pick([120, 240]);
    const start = day.set({ hour: startHour }).toMillis();
    return { startMs: start, durationMinutes: Math.min(length, (18 - startHour) * 60) };
  });
  const firstWindow = preferredTimes[0]?.startMs ?? options.nowMs + DAY_MS;
  const delivered = rng.chance(0.6);
  const estimatedDeliveryMs = firstWindow - rng.int(1, 3) * DAY_MS;
  const productOrderId = orderId(rng);
  const price = Math.round(offer.durationMinutes * 0.9) + 0.99;
  return {
    serviceJobId,
    sellerId: world.sellerId,
    status: 'PENDING_SCHEDULE',
    createdMs,
    lastUpdatedMs:
      createdMs + rng.int(0, Math.max(0, Math.floor((options.nowMs - createdMs) / MINUTE_MS))) * MINUTE_MS,
    storeId: store.storeId,
    marketplaceId: options.marketplaceId,
    serviceOrderId: orderId(rng),
    productOrderIds: [productOrderId],
    trackingIds: delivered || rng.chance(0.5) ? [`TBA${rng.digits(12)}`] : [],
    scope: { asin: offer.asin, title: offer.title, quantity: 1, requiredSkills: [...offer.requiredSkills] },
    durationMinutes: offer.durationMinutes,
    buyer: { buyerId: `A${rng.alnum(12)}`, name, phone, isPrimeMember: rng.chance(0.6) },
    address: {
      name,
      addressLine1: `${rng.int(100, 9899)} ${rng.pick(STREETS)} ${rng.pick(SUFFIXES)}`,
      ...(rng.chance(0.25) ? { addressLine2: `Apt ${rng.int(1, 40)}${rng.pick(['A', 'B', 'C'])}` } : {}),
      city: place.city,
      stateOrRegion: place.state,
      postalCode: place.zip,
      countryCode: 'US',
      phone,
    },
    location: { latitude: place.latitude, longitude: place.longitude },
    preferredTimes,
    associatedItems: [
      {
        asin: offer.product.asin,
        title: offer.product.title,
        quantity: 1,
        orderId: productOrderId,
        itemStatus: delivered ? 'DELIVERED' : 'SHIPPED',
        brandName: offer.product.brandName,
        estimatedDeliveryMs,
        promise: { startMs: estimatedDeliveryMs, endMs: estimatedDeliveryMs + 4 * HOUR_MS },
      },
    ],
    payments: [{ value: price, currency: 'USD', instrument: 'CREDIT_CARD' }],
    appointments: [],
    fulfillment: [],
  };
}

function newAppointmentId(world: SandboxWorld, rng: Random, jobId: string): string {
  world.sequence++;
  return `${jobId}_${rng.uuid()}`;
}

/** Gives a job the state its status implies: appointments, technicians, history. */
function settleStatus(
  world: SandboxWorld,
  rng: Random,
  options: SeedOptions,
  job: JobRecord,
  status: JobStatus,
): void {
  const skilled = world.crews.filter(
    (c) => c.storeId === job.storeId && job.scope.requiredSkills.every((s) => c.skills.includes(s)),
  );
  if (status === 'NOT_SERVICED') {
    const query = {
      storeId: job.storeId,
      requiredSkills: job.scope.requiredSkills,
      durationMinutes: job.durationMinutes,
    };
    for (const window of job.preferredTimes) {
      for (
        let start = window.startMs;
        start + job.durationMinutes * MINUTE_MS <=
        window.startMs + window.durationMinutes * MINUTE_MS + 2 * HOUR_MS;
        start += HOUR_MS
      ) {
        if (start <= options.nowMs || slotCapacity(world, query, start) < 1) continue;
        const technicianIds: string[] = [];
        if (rng.chance(0.35)) {
          const end = start + job.durationMinutes * MINUTE_MS;
          const free = skilled.find((crew) => technicianFree(world, crew, start, end).free);
          if (free) technicianIds.push(free.resourceId);
        }
        job.appointments.push({
          appointmentId: newAppointmentId(world, rng, job.serviceJobId),
          status: 'ACTIVE',
          startMs: start,
          durationMinutes: job.durationMinutes,
          technicianIds,
        });
        job.status = 'NOT_SERVICED';
        return;
      }
    }
    job.status = 'PENDING_SCHEDULE';
    return;
  }
  if (status === 'COMPLETED') {
    const day = DateTime.fromMillis(options.nowMs, { zone: 'UTC' })
      .minus({ days: rng.int(1, 5) })
      .startOf('hour');
    const start = day.set({ hour: rng.int(15, 22) }).toMillis();
    const tech = skilled.length > 0 ? rng.pick(skilled) : undefined;
    job.appointments.push({
      appointmentId: newAppointmentId(world, rng, job.serviceJobId),
      status: 'COMPLETED',
      startMs: start,
      durationMinutes: job.durationMinutes,
      technicianIds: tech ? [tech.resourceId] : [],
    });
    job.createdMs = Math.min(job.createdMs, start - 2 * DAY_MS);
    job.lastUpdatedMs = Math.max(job.lastUpdatedMs, start + job.durationMinutes * MINUTE_MS);
    job.associatedItems.forEach((item) => (item.itemStatus = 'DELIVERED'));
    job.status = 'COMPLETED';
    return;
  }
  if (status === 'CANCELLED' && rng.chance(0.5) && job.preferredTimes[0]) {
    job.appointments.push({
      appointmentId: newAppointmentId(world, rng, job.serviceJobId),
      status: 'CANCELLED',
      startMs: job.preferredTimes[0].startMs,
      durationMinutes: job.durationMinutes,
      technicianIds: [],
    });
    job.cancellationReasonCode = 'V1';
  }
  job.status = status;
}
