// Age and sex of the synthetic population: the 2019 census age pyramid of Vietnam in 5-year bands.
import type { Sex } from '../people/normalize.ts';
import { sample, weighted, type Rng } from './random.ts';

/** Share of the population (%) per 5-year band, 2019 census (GSO), rounded; the last band is 80+. */
export const AGE_PYRAMID_2019: readonly { from: number; to: number; percent: number }[] = [
  { from: 0, to: 4, percent: 8.2 },
  { from: 5, to: 9, percent: 8.7 },
  { from: 10, to: 14, percent: 7.4 },
  { from: 15, to: 19, percent: 6.6 },
  { from: 20, to: 24, percent: 6.9 },
  { from: 25, to: 29, percent: 8.0 },
  { from: 30, to: 34, percent: 8.3 },
  { from: 35, to: 39, percent: 7.9 },
  { from: 40, to: 44, percent: 7.2 },
  { from: 45, to: 49, percent: 6.6 },
  { from: 50, to: 54, percent: 6.0 },
  { from: 55, to: 59, percent: 5.4 },
  { from: 60, to: 64, percent: 4.4 },
  { from: 65, to: 69, percent: 3.0 },
  { from: 70, to: 74, percent: 1.9 },
  { from: 75, to: 79, percent: 1.2 },
  { from: 80, to: 99, percent: 1.6 },
];

export const MAX_AGE = 99;

/** Weight of every single year of age: flat inside a band, falling off geometrically after 80. */
const SINGLE_YEARS = weighted(
  AGE_PYRAMID_2019.flatMap((band) => {
    const years = Array.from({ length: band.to - band.from + 1 }, (_, i) => band.from + i);
    const shape = years.map((_, i) => (band.from >= 80 ? Math.pow(0.82, i) : 1));
    const sum = shape.reduce((a, b) => a + b, 0);
    return years.map((age, i) => [age, (band.percent * shape[i]) / sum] as const);
  }),
);

export function sampleAge(rng: Rng): number {
  return sample(rng, SINGLE_YEARS);
}

/** Share of men by age: about 111 boys per 100 girls at birth, more women among the old. */
export function maleShare(age: number): number {
  if (age < 15) return 0.525;
  if (age < 50) return 0.505;
  if (age < 65) return 0.48;
  if (age < 80) return 0.43;
  return 0.35;
}

export function sampleSex(rng: Rng, age: number): Sex {
  return rng.chance(maleShare(age)) ? 'M' : 'F';
}

/**
 * A birth date at which the person is `age` full years old on `asOf` (ISO date):
 * a uniformly random day in the year before their last birthday.
 */
export function birthDateForAge(rng: Rng, age: number, asOf: string): string {
  const t = birthDateTable(asOf);
  const day = t.earliest[age] + rng.int(0, t.span[age]);
  return (t.iso[day - t.first] ??= new Date(day * DAY).toISOString().slice(0, 10));
}

const DAY = 86_400_000;

/** Per age: the first possible birth day (days since 1970) and how many more; ISO strings made once per day. */
interface BirthDateTable {
  asOf: string;
  earliest: Int32Array;
  span: Int32Array;
  first: number;
  iso: (string | undefined)[];
}
let table: BirthDateTable | null = null;

function birthDateTable(asOf: string): BirthDateTable {
  if (table?.asOf === asOf) return table;
  const ref = Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 1, Number(asOf.slice(8, 10)));
  const earliest = new Int32Array(MAX_AGE + 1);
  const span = new Int32Array(MAX_AGE + 1);
  for (let age = 0; age <= MAX_AGE; age++) {
    const latest = shiftYears(ref, -age) / DAY; // birthday today: exactly `age`
    earliest[age] = shiftYears(ref, -(age + 1)) / DAY + 1; // one day earlier would make them age + 1
    span[age] = latest - earliest[age];
  }
  table = { asOf, earliest, span, first: earliest[MAX_AGE], iso: [] };
  return table;
}

function shiftYears(utcMs: number, years: number): number {
  const d = new Date(utcMs);
  const target = new Date(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay)); // 29 February → 28 February in other years
  return target.getTime();
}

/** Full years between a birth date and a reference date (both ISO). */
export function ageOn(birthDate: string, asOf: string): number {
  let age = Number(asOf.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (asOf.slice(5) < birthDate.slice(5)) age--;
  return age;
}
