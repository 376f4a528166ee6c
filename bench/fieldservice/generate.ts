/**
 * Generated, seeded field-service days at city scale: jobs at real postal-code centroids
 * of a metro (jittered to street level), technicians with skill sets and home bases,
 * 8–10 h shifts with a lunch break, 1–3 preferred windows per job, 30–180 min service.
 * Travel: great-circle distance × road factor ÷ urban speed.
 */
import zipcodes from 'zipcodes';
import type { ZipCode } from 'zipcodes';
import type { Job, Problem, Technician } from '../../solver/problem.ts';

export const ROAD_FACTOR = 1.35;
export const URBAN_SPEED_MPS = 35 / 3.6;
const HOUR = 3600;
const SKILLS = ['assembly', 'tv-mount', 'appliance', 'hvac', 'fitness', 'electrical'];
/** How often each skill is asked for (assembly and TV mounting dominate). */
const SKILL_WEIGHTS = [0.35, 0.25, 0.15, 0.1, 0.1, 0.05];
/** Service-start windows offered to buyers (hours of the day). */
const SLOTS: [number, number][] = [
  [8, 11],
  [10, 13],
  [13, 16],
  [15, 18],
];

/** mulberry32: a tiny seeded generator, enough for reproducible instances. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FieldServiceDay {
  problem: Problem;
  /** [lat, lon] per matrix index (technician homes first, then jobs). */
  coordinates: [number, number][];
  metro: string;
}

export interface FieldServiceOptions {
  jobs: number;
  /** Default: jobs / 16, at least 2. */
  technicians?: number;
  seed?: number;
  /** Postal code at the metro's centre and the radius in miles (default Dallas, 30 mi). */
  centre?: string;
  radiusMiles?: number;
}

export function haversineMetres([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function generateFieldServiceDay(options: FieldServiceOptions): FieldServiceDay {
  const seed = options.seed ?? 1;
  const random = seededRandom(seed * 7919 + options.jobs);
  const centre = options.centre ?? '75201';
  const zips = (zipcodes.radius(centre, options.radiusMiles ?? 30, true) as ZipCode[]).sort((a, b) =>
    a.zip.localeCompare(b.zip),
  );
  if (zips.length === 0) throw new Error(`no postal codes around ${centre}`);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const place = (): [number, number] => {
    const zip = pick(zips);
    // About ±1.5 km around the centroid.
    return [zip.latitude + (random() - 0.5) * 0.027, zip.longitude + (random() - 0.5) * 0.032];
  };
  const weightedSkill = (): string => {
    let r = random();
    for (let i = 0; i < SKILLS.length; i++) {
      r -= SKILL_WEIGHTS[i] as number;
      if (r <= 0) return SKILLS[i] as string;
    }
    return SKILLS[0] as string;
  };

  const technicianCount = options.technicians ?? Math.max(2, Math.round(options.jobs / 16));
  const coordinates: [number, number][] = [];
  const technicians: Technician[] = [];
  for (let i = 0; i < technicianCount; i++) {
    coordinates.push(place());
    const skills = new Set<string>([SKILLS[i % SKILLS.length] as string, 'assembly']);
    const extra = Math.floor(random() * 3);
    for (let k = 0; k < extra; k++) skills.add(weightedSkill());
    const start = (7 + Math.floor(random() * 5) * 0.5) * HOUR;
    const length = (8 + Math.floor(random() * 3)) * HOUR;
    technicians.push({
      id: `tech-${i + 1}`,
      start: i,
      shift: { start, end: start + length },
      overtime: HOUR,
      costs: { perHourOvertime: HOUR },
      breaks: [
        { id: 'lunch', duration: 1800, window: { start: start + 3.5 * HOUR, end: start + 5.5 * HOUR } },
      ],
      skills: [...skills].sort(),
    });
  }
  const jobs: Job[] = [];
  for (let j = 0; j < options.jobs; j++) {
    coordinates.push(place());
    const skills = new Set([weightedSkill()]);
    if (random() < 0.15) skills.add(weightedSkill());
    const windowCount = 1 + Math.floor(random() * 3);
    const slots = [...SLOTS]
      .sort(() => random() - 0.5)
      .slice(0, windowCount)
      .sort((a, b) => a[0] - b[0]);
    jobs.push({
      id: `job-${j + 1}`,
      location: technicianCount + j,
      duration: (30 + 15 * Math.floor(random() * 11)) * 60,
      windows: slots.map(([s, e]) => ({ start: s * HOUR, end: e * HOUR })),
      skills: [...skills].sort(),
    });
  }
  const durations = coordinates.map((a) =>
    coordinates.map((b) => Math.round((haversineMetres(a, b) * ROAD_FACTOR) / URBAN_SPEED_MPS)),
  );
  return {
    problem: { matrices: { durations }, jobs, technicians, objective: { travel: 'duration' } },
    coordinates,
    metro: `${centre} +${options.radiusMiles ?? 30} mi`,
  };
}
