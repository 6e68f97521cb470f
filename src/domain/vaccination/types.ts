// Shared vocabulary of the vaccination area (docs/vaccination.md, domain.md §7). The rules that
// use it live beside it: schedule.ts (next dose and eligibility), coverage.ts, sweep.ts,
// allocation.ts, campaign.ts, certificate.ts.

export const DOSE_KINDS = ['primary_1', 'primary_2', 'primary_3', 'additional', 'booster_1', 'booster_2'] as const;
export type DoseKind = (typeof DOSE_KINDS)[number];

/** Age groups of the coverage reports; a person may be in several (65+ is also 50+ and 18+). */
export const AGE_GROUPS = ['5-11', '12-17', '18+', '50+', '65+'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

/** Priority groups of Resolution 21/NQ-CP (domain.md §7). */
export const PRIORITY_GROUPS = [
  'frontline',
  'diplomatic_customs',
  'essential_services',
  'teachers_officials',
  'chronic_or_over_65',
  'outbreak_area',
  'poor_policy',
  'other_named',
] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export const VISIT_OUTCOMES = ['vaccinated', 'refused', 'absent', 'moved', 'contraindicated'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** One product as the policy `vaccination.products` describes it (a dated version lists them all). */
export interface ProductPolicy {
  code: string;
  name: string;
  /** Doses in the primary series (Janssen 1, most 2, Abdala 3). */
  primaryDoses: number;
  /** Interval before primary dose n+1 (index 0: dose 1 → dose 2), in days. */
  primaryIntervals: { minDays: number; maxDays?: number }[];
  /** Ages the product is authorised for, in whole years. */
  minAge: number;
  maxAge?: number;
  /** Whether a primary series begun with another product may be completed with this one. */
  mixPrimary: boolean;
  /** Whether it may be used as an additional or booster dose. */
  booster: boolean;
}

/** A person's dose as the rules see it. */
export interface DoseFact {
  kind: DoseKind;
  productCode: string;
  givenOn: string;
}

/** Where a person stands for their next dose on a date. */
export type ScheduleState = 'not_eligible' | 'too_early' | 'due' | 'overdue' | 'complete' | 'contraindicated' | 'deferred';

export interface ScheduleStatus {
  state: ScheduleState;
  /** The dose that comes next (null when complete or not eligible). */
  nextKind: DoseKind | null;
  /** Earliest date for the next dose, and the date after which it is overdue. */
  dueOn: string | null;
  overdueAfter: string | null;
  /** Why, in a stable code (e.g. 'under_min_age', 'interval_not_reached', 'deferred_until'). */
  reason: string | null;
  /** Primary series complete on this date (the last primary dose), else null. */
  fullyVaccinatedOn: string | null;
}
