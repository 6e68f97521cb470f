// The schedule engine (domain.md §7): for a person on a date, the next dose, when it is due, when
// it becomes overdue, and whether the person can have it at all, following the policies in force
// on that date (vaccination.products, vaccination.boosters). Pure: callers load the versions.
import { addDays } from '../cases/dates.ts';
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

/** Calendar months later, the day clamped to the month's end (31/8 + 6 months = 28/2 or 29/2). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
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
  const byCode = new Map(products.map((p) => [p.code, p]));
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

function baseStatus(input: ScheduleInput, products: ProductPolicy[], boosters: BoostersPolicy): ScheduleStatus {
  const { on, profile } = input;
  const byCode = new Map(products.map((p) => [p.code, p]));
  const doses = sortDoses(input.doses.filter((d) => d.givenOn <= on));
  const age = input.birthDate ? ageOn(input.birthDate, on) : null;
  const none = (reason: string, dueOn: string | null = null): ScheduleStatus => ({ state: 'not_eligible', nextKind: null, dueOn, overdueAfter: null, reason, fullyVaccinatedOn: null });

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
  const complete = (reason: string | null): ScheduleStatus => ({ state: 'complete', nextKind: null, dueOn: null, overdueAfter: null, reason, fullyVaccinatedOn: fully });

  if (!additional && !b1 && additionalIndicated(boosters, primaries.map((d) => d.productCode), profile)) {
    const dueOn = addDays(fully, boosters.additionalDose!.minDays);
    return timed('additional', dueOn, addDays(dueOn, boosters.overdueAfterDays.primary), on, fully);
  }
  if (!b1) {
    const rule = boosterRuleFor(boosters.booster1, age, atRisk);
    if (!rule) return complete(boosters.booster1.length ? 'booster_not_for_age' : 'no_booster_in_force');
    const from = additional && additional.givenOn > fully ? additional.givenOn : fully;
    const dueOn = addMonths(from, rule.minMonths);
    return timed('booster_1', dueOn, addDays(dueOn, boosters.overdueAfterDays.booster), on, fully);
  }
  if (!b2) {
    const rule = boosterRuleFor(boosters.booster2, age, atRisk);
    if (!rule) return complete(boosters.booster2.length ? 'booster_not_for_age' : 'no_booster_in_force');
    const dueOn = addMonths(b1.givenOn, rule.minMonths);
    return timed('booster_2', dueOn, addDays(dueOn, boosters.overdueAfterDays.booster), on, fully);
  }
  return complete(null);
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
