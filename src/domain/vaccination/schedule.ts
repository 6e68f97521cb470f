// The schedule engine (domain.md §7): for a person on a date, the next dose, when it is due, when
// it becomes overdue, and whether the person can have it at all, following the policies in force
// on that date (vaccination.products, vaccination.boosters). Pure: callers load the versions.
import { versionOn } from '../policies/registry.ts';
import type { BoosterRule, BoostersPolicy, VaccinationPolicies, ProductsPolicy } from './policies.ts';
import type { DoseFact, DoseKind, ProductPolicy, ScheduleStatus } from './types.ts';

export interface VaccinationProfileFacts {
  immunocompromised?: boolean;
  comorbidity?: boolean;
  deferral?: 'contraindicated' | 'deferred' | null;
  /** A deferral ends on this date (null: until lifted). */
  deferralUntil?: string | null;
}

export interface ScheduleInput {
  birthDate: string | null;
  doses: DoseFact[];
  profile?: VaccinationProfileFacts | null;
  /** The date the status is for (doses after it are not counted). */
  on: string;
}

/** Order of dose kinds in a person's course. */
export const KIND_RANK: Record<DoseKind, number> = { primary_1: 1, primary_2: 2, primary_3: 3, additional: 4, booster_1: 5, booster_2: 6 };

export const isPrimary = (k: DoseKind) => k === 'primary_1' || k === 'primary_2' || k === 'primary_3';
export const primaryKind = (n: number) => `primary_${n}` as DoseKind;

/** Full years on a date (29 February birthdays count on 1 March in other years). */
export function ageOn(birthDate: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (on.slice(5) < birthDate.slice(5)) age--;
  return age;
}

/** The day a person reaches an age. */
export function birthdayAt(birthDate: string, years: number): string {
  const y = Number(birthDate.slice(0, 4)) + years;
  const md = birthDate.slice(5);
  if (md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return `${String(y).padStart(4, '0')}-03-01`;
  return `${String(y).padStart(4, '0')}-${md}`;
}

// Calendar arithmetic on ISO dates without Date objects (the engine runs for millions of rows):
// days from the civil date and back (H. Hinnant's algorithms), proleptic Gregorian calendar.
const n2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (y: number, m: number) => (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]);

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const y = n2(s, 0) * 100 + n2(s, 2);
  const m = n2(s, 5);
  const d = n2(s, 8);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function toDays(s: string): number {
  let y = n2(s, 0) * 100 + n2(s, 2);
  const m = n2(s, 5);
  const d = n2(s, 8);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDays(z: number): string {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** Days later (or earlier, when negative). */
export const addDays = (iso: string, days: number): string => fromDays(toDays(iso) + days);

/** Calendar months later, the day clamped to the month's end (31/8 + 6 months = 28/2 or 29/2). */
export function addMonths(iso: string, months: number): string {
  const y = n2(iso, 0) * 100 + n2(iso, 2);
  const total = y * 12 + (n2(iso, 5) - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const d = Math.min(n2(iso, 8), daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${pad2(nm)}-${pad2(d)}`;
}

const BY_CODE = new WeakMap<ProductPolicy[], Map<string, ProductPolicy>>();
/** Products by code, built once per policy value (the engine runs for millions of people). */
export function productsByCode(products: ProductPolicy[]): Map<string, ProductPolicy> {
  let m = BY_CODE.get(products);
  if (!m) BY_CODE.set(products, (m = new Map(products.map((p) => [p.code, p]))));
  return m;
}

export const sortDoses = (doses: DoseFact[]) => [...doses].sort((a, b) => (a.givenOn < b.givenOn ? -1 : a.givenOn > b.givenOn ? 1 : KIND_RANK[a.kind] - KIND_RANK[b.kind]));

/** The booster rule for an age (the most favourable one that applies), or null. Unknown age counts as an adult. */
export function boosterRuleFor(rules: BoosterRule[], age: number | null, atRisk: boolean): BoosterRule | null {
  const a = age ?? 18;
  let best: BoosterRule | null = null;
  for (const r of rules) {
    if (a < r.minAge || (r.maxAge != null && a > r.maxAge)) continue;
    if (r.atRiskOnly && !atRisk) continue;
    if (!best || r.minMonths < best.minMonths) best = r;
  }
  return best;
}

/** Whether the additional dose applies to this person's primary series. */
export function additionalIndicated(boosters: BoostersPolicy, primaryProducts: string[], profile: VaccinationProfileFacts | null | undefined): boolean {
  const ad = boosters.additionalDose;
  if (!ad) return false;
  if (ad.immunocompromised && profile?.immunocompromised) return true;
  return primaryProducts.some((c) => ad.afterProducts.includes(c));
}

/** The primary doses a series needs: the product of its first dose decides. */
export function seriesLength(primaries: DoseFact[], byCode: Map<string, ProductPolicy>): number | null {
  const first = primaries.find((d) => d.kind === 'primary_1') ?? primaries[0];
  if (!first) return null;
  return byCode.get(first.productCode)?.primaryDoses ?? null;
}

/** The date the primary series was complete (its last dose), else null. */
export function fullyVaccinatedOn(doses: DoseFact[], products: ProductPolicy[]): string | null {
  const byCode = productsByCode(products);
  const primaries = sortDoses(doses.filter((d) => isPrimary(d.kind))).sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
  const need = seriesLength(primaries, byCode);
  if (need == null || primaries.length < need) return null;
  return primaries[need - 1].givenOn;
}

function timed(next: DoseKind, dueOn: string, overdueAfter: string | null, on: string, fully: string | null): ScheduleStatus {
  if (on < dueOn) return { state: 'too_early', nextKind: next, dueOn, overdueAfter, reason: 'interval_not_reached', fullyVaccinatedOn: fully };
  if (overdueAfter && on > overdueAfter) return { state: 'overdue', nextKind: next, dueOn, overdueAfter, reason: 'overdue', fullyVaccinatedOn: fully };
  return { state: 'due', nextKind: next, dueOn, overdueAfter, reason: null, fullyVaccinatedOn: fully };
}

// Built outside the engine's function (no closure per call: the engine runs for every resident of a commune).
const none = (reason: string, dueOn: string | null = null): ScheduleStatus => ({ state: 'not_eligible', nextKind: null, dueOn, overdueAfter: null, reason, fullyVaccinatedOn: null });
const complete = (reason: string | null, fully: string): ScheduleStatus => ({ state: 'complete', nextKind: null, dueOn: null, overdueAfter: null, reason, fullyVaccinatedOn: fully });

function baseStatus(input: ScheduleInput, products: ProductPolicy[], boosters: BoostersPolicy): ScheduleStatus {
  const { on, profile } = input;
  const byCode = productsByCode(products);
  const doses = input.doses.length === 0 ? input.doses : sortDoses(input.doses.filter((d) => d.givenOn <= on));
  const age = input.birthDate ? ageOn(input.birthDate, on) : null;

  const primaries = doses.filter((d) => isPrimary(d.kind)).sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
  if (primaries.length === 0) {
    if (doses.length > 0) return none('primary_missing');
    if (!input.birthDate || age == null) return none('birth_date_unknown');
    if (age < 0) return none('under_min_age', null);
    const fit = products.filter((p) => age >= p.minAge && (p.maxAge == null || age <= p.maxAge));
    if (fit.length === 0) {
      const younger = products.filter((p) => p.minAge > age);
      if (younger.length === 0) return none('over_max_age');
      const minAge = Math.min(...younger.map((p) => p.minAge));
      return none('under_min_age', birthdayAt(input.birthDate, minAge));
    }
    const minAge = Math.min(...fit.map((p) => p.minAge));
    return { state: 'due', nextKind: 'primary_1', dueOn: birthdayAt(input.birthDate, minAge), overdueAfter: null, reason: null, fullyVaccinatedOn: null };
  }

  const need = seriesLength(primaries, byCode);
  if (need == null) return none('unknown_product');
  if (primaries.length < need) {
    const k = primaries.length;
    const last = primaries[k - 1];
    const first = byCode.get(primaries[0].productCode)!;
    const interval = byCode.get(last.productCode)?.primaryIntervals[k - 1] ?? first.primaryIntervals[k - 1] ?? { minDays: 28 };
    const dueOn = addDays(last.givenOn, interval.minDays);
    const overdueAfter = interval.maxDays != null ? addDays(last.givenOn, interval.maxDays) : addDays(dueOn, boosters.overdueAfterDays.primary);
    return timed(primaryKind(k + 1), dueOn, overdueAfter, on, null);
  }

  const fully = primaries[need - 1].givenOn;
  const additional = doses.find((d) => d.kind === 'additional');
  const b1 = doses.find((d) => d.kind === 'booster_1');
  const b2 = doses.find((d) => d.kind === 'booster_2');
  const atRisk = !!(profile?.immunocompromised || profile?.comorbidity);

  if (!additional && !b1 && additionalIndicated(boosters, primaries.map((d) => d.productCode), profile)) {
    const dueOn = addDays(fully, boosters.additionalDose!.minDays);
    return timed('additional', dueOn, addDays(dueOn, boosters.overdueAfterDays.primary), on, fully);
  }
  if (!b1) {
    const rule = boosterRuleFor(boosters.booster1, age, atRisk);
    if (!rule) return complete(boosters.booster1.length ? 'booster_not_for_age' : 'no_booster_in_force', fully);
    const from = additional && additional.givenOn > fully ? additional.givenOn : fully;
    const dueOn = addMonths(from, rule.minMonths);
    return timed('booster_1', dueOn, addDays(dueOn, boosters.overdueAfterDays.booster), on, fully);
  }
  if (!b2) {
    const rule = boosterRuleFor(boosters.booster2, age, atRisk);
    if (!rule) return complete(boosters.booster2.length ? 'booster_not_for_age' : 'no_booster_in_force', fully);
    const dueOn = addMonths(b1.givenOn, rule.minMonths);
    return timed('booster_2', dueOn, addDays(dueOn, boosters.overdueAfterDays.booster), on, fully);
  }
  return complete(null, fully);
}

/**
 * Where a person stands for their next dose on `input.on`, under the products and boosters in
 * force on that date. A contraindication stops every further dose; a deferral holds the next dose
 * until its end date (the later of it and the schedule's own due date); neither changes a
 * finished course or the date the person was fully vaccinated.
 */
export function scheduleStatus(input: ScheduleInput, products: ProductPolicy[], boosters: BoostersPolicy): ScheduleStatus {
  const base = baseStatus(input, products, boosters);
  const p = input.profile;
  if (!p?.deferral || base.state === 'complete') return base;
  if (p.deferral === 'contraindicated') return { ...base, state: 'contraindicated', dueOn: null, overdueAfter: null, reason: 'contraindicated' };
  if (p.deferralUntil && p.deferralUntil <= input.on) return base;
  const dueOn = p.deferralUntil ? (base.dueOn && base.dueOn > p.deferralUntil ? base.dueOn : p.deferralUntil) : null;
  return { ...base, state: 'deferred', dueOn, overdueAfter: null, reason: p.deferralUntil ? 'deferred_until' : 'deferred' };
}

/** Versions of both policies, as listed from the database or the defaults. */
export interface VaccinationPolicyVersions {
  products: { effectiveFrom: string; effectiveTo?: string | null; value: ProductsPolicy }[];
  boosters: { effectiveFrom: string; effectiveTo?: string | null; value: BoostersPolicy }[];
}

/** The policies in force on a date, or null when one of them has no version in force. */
export function policiesOn(versions: VaccinationPolicyVersions, date: string): VaccinationPolicies | null {
  const p = versionOn(versions.products.map((v) => ({ ...v, effectiveTo: v.effectiveTo ?? null })), date);
  const b = versionOn(versions.boosters.map((v) => ({ ...v, effectiveTo: v.effectiveTo ?? null })), date);
  return p && b ? { products: p.value.products, boosters: b.value } : null;
}
