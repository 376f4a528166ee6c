/**
 * A small seeded pseudo-random generator (mulberry32). The sandbox's seeded seller, its ids
 * and its injected faults must be reproducible for a seed, so nothing here reads Math.random.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** Uppercase letters and digits, as Amazon uses for seller and technician ids. */
  alnum(length: number): string;
  digits(length: number): string;
  hex(length: number): string;
  /** A UUID-shaped identifier (not RFC-compliant randomness, only the shape). */
  uuid(): string;
  shuffle<T>(items: readonly T[]): T[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function createRandom(seed: number): Random {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick needs at least one item');
    return items[int(0, items.length - 1)] as T;
  };
  const fromAlphabet = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[int(0, alphabet.length - 1)];
    return out;
  };
  const hex = (length: number): string => fromAlphabet('0123456789abcdef', length);
  return {
    next,
    int,
    pick,
    chance: (probability) => next() < probability,
    alnum: (length) => fromAlphabet(ALNUM, length),
    digits: (length) => fromAlphabet('0123456789', length),
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

/** Derives an independent stream from a seed and a label, so adding draws to one stream never shifts another. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
