// Identity numbers of the synthetic population: CCCD numbers and mobile phone numbers, unique across
// the demo and valid by the same rules as real input (validateCccd, normalizePhone).
import { cccdPrefix, type Sex } from '../people/normalize.ts';
import { hashSeed, sample, weighted, type Rng } from './random.ts';

/**
 * Hands out CCCD numbers: prefix (province of birth registration, century and sex, birth year) and a
 * 6-digit serial. Serials count up per prefix and are scattered over 000000–999999 by a bijection
 * (multiplying by a number prime to 10), so they look random but never repeat.
 */
export class CccdAllocator {
  private readonly counters = new Map<string, number>();
  constructor(private readonly seed: number) {}

  next(birthProvince: string, birthYear: number, sex: Sex): string {
    const prefix = cccdPrefix(birthProvince, birthYear, sex);
    const n = this.counters.get(prefix) ?? 0;
    if (n >= 1_000_000) throw new Error(`CCCD serials exhausted for ${prefix}`);
    this.counters.set(prefix, n + 1);
    const serial = (n * 387_161 + (hashSeed(this.seed, prefix) % 1_000_000)) % 1_000_000;
    return prefix + String(serial).padStart(6, '0');
  }
}

/** Provinces people of the demo were born in besides their own: neighbours and the big cities (CCCD codes). */
const ORIGINS = weighted(
  [
    ['001', 20], ['079', 8], ['004', 4], ['006', 4], ['019', 6], ['022', 5], ['024', 7], ['026', 3], ['027', 3],
    ['030', 3], ['031', 4], ['033', 2], ['034', 3], ['036', 3], ['037', 2], ['038', 4], ['040', 4], ['020', 4],
  ] as const,
);

/** Where a person's birth was registered: mostly the demo province, sometimes elsewhere. */
export function birthProvince(rng: Rng, provinceCode: string, age: number): string {
  const own = provinceCode.padStart(3, '0');
  if (!rng.chance(age < 18 ? 0.03 : 0.1)) return own;
  const other = sample(rng, ORIGINS);
  return other === own ? own : other;
}

/** Share of people of an age who hold a CCCD (compulsory from 14; children may have one since 2024). */
export function cccdShare(age: number): number {
  return age >= 14 ? 0.98 : 0.1;
}

/** Mobile prefixes after +84 by network (Viettel, Vinaphone, MobiFone, Vietnamobile, Gmobile), by market share. */
const MOBILE_PREFIXES = weighted(
  [
    ...['86', '96', '97', '98', '32', '33', '34', '35', '36', '37', '38', '39'].map((p) => [p, 55 / 12] as const),
    ...['88', '91', '94', '81', '82', '83', '84', '85'].map((p) => [p, 22 / 8] as const),
    ...['89', '90', '93', '70', '76', '77', '78', '79'].map((p) => [p, 19 / 8] as const),
    ...['92', '56', '58'].map((p) => [p, 3 / 3] as const),
    ...['99', '59'].map((p) => [p, 1 / 2] as const),
  ],
);

/** Hands out mobile numbers (+84 and 9 digits), unique per allocator, like CccdAllocator. */
export class PhoneAllocator {
  private readonly counters = new Map<string, number>();
  constructor(private readonly seed: number) {}

  next(rng: Rng): string {
    const prefix = sample(rng, MOBILE_PREFIXES);
    const n = this.counters.get(prefix) ?? 0;
    if (n >= 10_000_000) throw new Error(`phone numbers exhausted for ${prefix}`);
    this.counters.set(prefix, n + 1);
    const serial = (n * 7_654_321 + (hashSeed(this.seed, 'phone', prefix) % 10_000_000)) % 10_000_000;
    return '+84' + prefix + String(serial).padStart(7, '0');
  }
}

/** Share of people of an age who have a mobile phone of their own. */
export function phoneShare(age: number): number {
  if (age < 12) return 0;
  if (age < 15) return 0.1;
  if (age < 18) return 0.6;
  if (age < 60) return 0.93;
  if (age < 70) return 0.75;
  if (age < 80) return 0.5;
  return 0.25;
}
