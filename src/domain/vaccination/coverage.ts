// Coverage definitions (issue 5, capability 3): who counts in an age group on a date, and what
// "at least one dose", "fully vaccinated" (primary series complete) and "booster" mean. The daily
// facts (server/modules/vaccination/coverageFacts.ts) compute the same in SQL; the tests hold the
// two to each other.
import { AGE_GROUPS, type AgeGroup, type DoseFact, type ProductPolicy } from './types.ts';
import { ageOn, birthdayAt, fullyVaccinatedOn } from './schedule.ts';

/** The groups the facts keep: everyone, and each age group of the reports. */
export const COVERAGE_GROUPS = ['all', ...AGE_GROUPS] as const;
export type CoverageGroup = (typeof COVERAGE_GROUPS)[number];

/** Measures of coverage, in the order the reports show them. */
export const COVERAGE_MEASURES = ['atLeastOne', 'fully', 'booster', 'booster2'] as const;
export type CoverageMeasure = (typeof COVERAGE_MEASURES)[number];

/** Ages in whole years: from `min` (inclusive) to `below` (exclusive, null: no upper limit). */
export const AGE_BOUNDS: Record<AgeGroup, { min: number; below: number | null }> = {
  '5-11': { min: 5, below: 12 },
  '12-17': { min: 12, below: 18 },
  '18+': { min: 18, below: null },
  '50+': { min: 50, below: null },
  '65+': { min: 65, below: null },
};

/** No COVID-19 vaccine was given in Viet Nam before 2021 (first doses 8/3/2021): facts start here. */
export const COVERAGE_START = '2021-01-01';
/** Facts run this many days past the day they are computed (birthdays move people between groups). */
export const COVERAGE_HORIZON_DAYS = 400;
/** The facts are extended when their horizon is closer than this to today. */
export const COVERAGE_EXTEND_WITHIN_DAYS = 60;

export const isCoverageGroup = (g: string): g is CoverageGroup => (COVERAGE_GROUPS as readonly string[]).includes(g);

/** Whether a person (birth date, null if unknown) is in a group on a date. Unknown ages count only in 'all'. */
export function inGroup(birthDate: string | null, group: CoverageGroup, on: string): boolean {
  if (group === 'all') return birthDate == null || birthDate <= on;
  if (!birthDate || birthDate > on) return false;
  const a = ageOn(birthDate, on);
  const b = AGE_BOUNDS[group];
  return a >= b.min && (b.below == null || a < b.below);
}

/** The days a person is in a group: from `from` (inclusive) to `until` (exclusive, null: for good). */
export function groupSpan(birthDate: string | null, group: CoverageGroup): { from: string | null; until: string | null } | null {
  if (group === 'all') return { from: birthDate, until: null };
  if (!birthDate) return null;
  const b = AGE_BOUNDS[group];
  return { from: birthdayAt(birthDate, b.min), until: b.below == null ? null : birthdayAt(birthDate, b.below) };
}

/** The days a person reached each measure (null: not yet). */
export interface CoverageDates {
  atLeastOne: string | null;
  fully: string | null;
  booster: string | null;
  booster2: string | null;
}

export function coverageDates(doses: DoseFact[], products: ProductPolicy[]): CoverageDates {
  let first: string | null = null;
  let booster: string | null = null;
  let booster2: string | null = null;
  for (const d of doses) {
    if (first == null || d.givenOn < first) first = d.givenOn;
    if ((d.kind === 'booster_1' || d.kind === 'booster_2') && (booster == null || d.givenOn < booster)) booster = d.givenOn;
    if (d.kind === 'booster_2') booster2 = d.givenOn;
  }
  return { atLeastOne: first, fully: fullyVaccinatedOn(doses, products), booster, booster2 };
}

/** A person's standing on a date for each measure. */
export function coveredOn(dates: CoverageDates, on: string): Record<CoverageMeasure, boolean> {
  return {
    atLeastOne: dates.atLeastOne != null && dates.atLeastOne <= on,
    fully: dates.fully != null && dates.fully <= on,
    booster: dates.booster != null && dates.booster <= on,
    booster2: dates.booster2 != null && dates.booster2 <= on,
  };
}

export interface CoverageCounts {
  population: number;
  atLeastOne: number;
  fully: number;
  booster: number;
  booster2: number;
}

export const emptyCounts = (): CoverageCounts => ({ population: 0, atLeastOne: 0, fully: 0, booster: 0, booster2: 0 });

export function addCounts(a: CoverageCounts, b: CoverageCounts): CoverageCounts {
  return { population: a.population + b.population, atLeastOne: a.atLeastOne + b.atLeastOne, fully: a.fully + b.fully, booster: a.booster + b.booster, booster2: a.booster2 + b.booster2 };
}

/** Coverage of a group of people on a date, counted person by person (the reference for the facts). */
export function countCoverage(people: { birthDate: string | null; dates: CoverageDates }[], group: CoverageGroup, on: string): CoverageCounts {
  const c = emptyCounts();
  for (const p of people) {
    if (!inGroup(p.birthDate, group, on)) continue;
    const s = coveredOn(p.dates, on);
    c.population++;
    if (s.atLeastOne) c.atLeastOne++;
    if (s.fully) c.fully++;
    if (s.booster) c.booster++;
    if (s.booster2) c.booster2++;
  }
  return c;
}

/** A share in percent with one decimal (null when the group is empty). */
export function percent(n: number, of: number): number | null {
  if (!of) return null;
  return Math.round((1000 * n) / of) / 10;
}
