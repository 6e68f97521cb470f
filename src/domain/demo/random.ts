// Seeded pseudo-random numbers for the demo: the same seed gives the same numbers on every run and
// platform (sfc32 on 32-bit integer arithmetic, never Math.random).

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** A weighted choice table, built once and sampled many times. */
export interface Weighted<T> {
  readonly values: readonly T[];
  /** Cumulative weights, normalised so the last is 1. */
  readonly cumulative: Float64Array;
}

/** FNV-1a over the parts: derives independent seeds (one per commune, per purpose) from the demo seed. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part) + '\u0000';
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator), seeded through splitmix32. A class, so
 * that a stream costs four numbers and no closures: the demo makes one per household.
 */
const GOLDEN = 0x9e3779b9;

function splitmix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    // splitmix32's first three outputs: the state steps by the golden ratio, each output mixes it.
    const s = seed | 0;
    this.a = splitmix32((s + GOLDEN) | 0);
    this.b = splitmix32((s + 2 * GOLDEN) | 0);
    this.c = splitmix32((s + 3 * GOLDEN) | 0);
    for (let i = 0; i < 12; i++) this.next(); // warm up: early outputs of a fresh state are correlated
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}

export function weighted<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (!(total > 0)) throw new Error('weighted: weights must sum to more than 0');
  const cumulative = new Float64Array(entries.length);
  let acc = 0;
  entries.forEach(([, w], i) => {
    acc += w / total;
    cumulative[i] = acc;
  });
  cumulative[entries.length - 1] = 1;
  return { values: entries.map(([v]) => v), cumulative };
}

export function sample<T>(rng: Rng, table: Weighted<T>): T {
  const u = rng.next();
  const cum = table.cumulative;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return table.values[lo];
}

/** Fisher–Yates, in place. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
