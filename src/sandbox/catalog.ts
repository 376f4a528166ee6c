/**
 * The seeded seller's service catalogue: what a buyer can book, which skills it needs, how long
 * it takes, and which product it usually comes with. ASINs are synthetic but have Amazon's
 * 10-character shape, so the getServiceJobs `asins` filter applies to them.
 */
export const SKILLS = [
  'TV_MOUNTING',
  'FURNITURE_ASSEMBLY',
  'APPLIANCE_INSTALL',
  'HVAC_INSTALL',
  'FITNESS_SETUP',
] as const;
export type Skill = (typeof SKILLS)[number];

export interface ServiceOffer {
  readonly asin: string;
  readonly title: string;
  readonly requiredSkills: readonly Skill[];
  /** Typical time on site. */
  readonly durationMinutes: number;
  /** Relative demand weight within the catalogue. */
  readonly weight: number;
  readonly product: { readonly asin: string; readonly title: string; readonly brandName: string };
}

export const SERVICE_CATALOG: readonly ServiceOffer[] = [
  {
    asin: 'B0FPSV0001',
    title: 'TV wall mounting, up to 65 inches',
    requiredSkills: ['TV_MOUNTING'],
    durationMinutes: 90,
    weight: 10,
    product: { asin: 'B0FPPR0001', title: '55-inch 4K smart TV', brandName: 'Northlight' },
  },
  {
    asin: 'B0FPSV0002',
    title: 'TV wall mounting, 66 inches and larger',
    requiredSkills: ['TV_MOUNTING'],
    durationMinutes: 120,
    weight: 5,
    product: { asin: 'B0FPPR0002', title: '75-inch QLED TV', brandName: 'Northlight' },
  },
  {
    asin: 'B0FPSV0003',
    title: 'Bed frame assembly',
    requiredSkills: ['FURNITURE_ASSEMBLY'],
    durationMinutes: 90,
    weight: 8,
    product: { asin: 'B0FPPR0003', title: 'Queen platform bed frame', brandName: 'Oakhaven' },
  },
  {
    asin: 'B0FPSV0004',
    title: 'Wardrobe assembly',
    requiredSkills: ['FURNITURE_ASSEMBLY'],
    durationMinutes: 150,
    weight: 5,
    product: { asin: 'B0FPPR0004', title: 'Three-door wardrobe', brandName: 'Oakhaven' },
  },
  {
    asin: 'B0FPSV0005',
    title: 'Washer and dryer installation',
    requiredSkills: ['APPLIANCE_INSTALL'],
    durationMinutes: 120,
    weight: 7,
    product: { asin: 'B0FPPR0005', title: 'Front-load washer', brandName: 'Cascade Home' },
  },
  {
    asin: 'B0FPSV0006',
    title: 'Dishwasher installation',
    requiredSkills: ['APPLIANCE_INSTALL'],
    durationMinutes: 120,
    weight: 5,
    product: { asin: 'B0FPPR0006', title: 'Built-in dishwasher', brandName: 'Cascade Home' },
  },
  {
    asin: 'B0FPSV0007',
    title: 'Ductless mini-split installation',
    requiredSkills: ['HVAC_INSTALL'],
    durationMinutes: 240,
    weight: 3,
    product: { asin: 'B0FPPR0007', title: '12,000 BTU mini-split', brandName: 'Polar Air' },
  },
  {
    asin: 'B0FPSV0008',
    title: 'Smart thermostat installation',
    requiredSkills: ['HVAC_INSTALL'],
    durationMinutes: 60,
    weight: 4,
    product: { asin: 'B0FPPR0008', title: 'Wi-Fi smart thermostat', brandName: 'Polar Air' },
  },
  {
    asin: 'B0FPSV0009',
    title: 'Treadmill assembly',
    requiredSkills: ['FITNESS_SETUP'],
    durationMinutes: 120,
    weight: 4,
    product: { asin: 'B0FPPR0009', title: 'Folding treadmill', brandName: 'Stride' },
  },
  {
    asin: 'B0FPSV0010',
    title: 'Home gym set-up with wall-mounted screen',
    requiredSkills: ['FITNESS_SETUP', 'TV_MOUNTING'],
    durationMinutes: 180,
    weight: 2,
    product: { asin: 'B0FPPR0010', title: 'Smart home gym station', brandName: 'Stride' },
  },
  {
    asin: 'B0FPSV0011',
    title: 'Entertainment centre assembly and TV mounting',
    requiredSkills: ['FURNITURE_ASSEMBLY', 'TV_MOUNTING'],
    durationMinutes: 180,
    weight: 3,
    product: { asin: 'B0FPPR0011', title: 'Media wall unit', brandName: 'Oakhaven' },
  },
];

export function findOffer(asin: string): ServiceOffer | undefined {
  return SERVICE_CATALOG.find((offer) => offer.asin === asin);
}

/** Cancellation reason codes the sandbox accepts (Amazon publishes no list; `V1` is its sandbox example). */
export const CANCELLATION_REASON_CODES: ReadonlySet<string> = new Set([
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
  'V7',
  'V8',
  'V9',
]);

/** Reschedule reason codes the sandbox accepts (`R1` is Amazon's sandbox example; `U1` its invalid one). */
export const RESCHEDULE_REASON_CODES: ReadonlySet<string> = new Set([
  'R1',
  'R2',
  'R3',
  'R4',
  'R5',
  'R6',
  'R7',
  'R8',
  'R9',
]);
