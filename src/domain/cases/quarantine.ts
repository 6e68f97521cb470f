// Quarantine (F1) and isolation (F0) orders: which rule of the policy version in force applies to a
// person, and the dates that follow from it (end, self-monitoring, required tests).
import { addDays, daysBetween, monthsBetween } from './dates.ts';
import type { IsolationPolicy, QuarantinePolicy, QuarantineRule } from './policies.ts';

export interface ImmunityFacts {
  /** Date of the last dose of a complete primary series (or booster); null when not fully vaccinated. */
  fullyVaccinatedOn: string | null;
  /** Date of recovery from an earlier infection, if any. */
  recoveredOn: string | null;
}

/** Fully vaccinated within the policy's window, or recovered recently enough, on `date`. */
export function isProtected(f: ImmunityFacts, date: string, p: Pick<QuarantinePolicy, 'vaccinatedMinDays' | 'vaccinatedMaxMonths' | 'recoveredMaxMonths'>): boolean {
  const v = f.fullyVaccinatedOn;
  const vaccinated = v != null && v <= date && daysBetween(v, date) >= p.vaccinatedMinDays && (p.vaccinatedMaxMonths == null || monthsBetween(v, date) < p.vaccinatedMaxMonths);
  const r = f.recoveredOn;
  const recovered = r != null && r <= date && p.recoveredMaxMonths > 0 && monthsBetween(r, date) < p.recoveredMaxMonths;
  return vaccinated || recovered;
}

export function quarantineRuleFor(policy: QuarantinePolicy, f: ImmunityFacts, date: string): QuarantineRule {
  const prot = isProtected(f, date, policy);
  const rule =
    policy.rules.find((r) => r.when === 'any') ??
    policy.rules.find((r) => r.when === (prot ? 'protected' : 'other')) ??
    policy.rules.find((r) => r.when === 'other');
  if (!rule) throw new Error('quarantine policy has no rule for this person');
  return rule;
}

export interface OrderPlan {
  place: 'centralised' | 'home';
  /** The day the order takes effect. */
  startDate: string;
  /** The last day of quarantine or isolation. */
  endDate: string;
  /** The last day of self-monitoring after release (= endDate when none). */
  monitorUntil: string;
  /** Required tests on day N counted from the reference day (day 0: last exposure, or positive sample). */
  testDays: { day: number; date: string }[];
  /** Which rule applied, for the record ('protected', 'other', 'any', 'isolation'). */
  rule: string;
  /** For isolation: the last day when the release test is still positive. */
  extendedEndDate?: string;
}

/**
 * Days are counted from a reference day (day 0): the last exposure for an F1, the positive
 * sample for an F0 — "N ngày kể từ ngày tiếp xúc lần cuối". The order takes effect on the order
 * date; a period already over when the order is made still ends no earlier than that date.
 */
function plan(reference: string, orderDate: string, days: number, monitorDays: number, testDays: number[], place: OrderPlan['place'], rule: string): OrderPlan {
  const startDate = orderDate > reference ? orderDate : reference;
  const counted = addDays(reference, days);
  const endDate = counted > startDate ? counted : startDate;
  return {
    place,
    startDate,
    endDate,
    monitorUntil: addDays(endDate, monitorDays),
    testDays: [...new Set(testDays)].sort((a, b) => a - b).map((day) => ({ day, date: addDays(reference, day) })),
    rule,
  };
}

/** F1 quarantine counted from the last exposure (or from the order date when it is not known). */
export function planQuarantine(policy: QuarantinePolicy, f: ImmunityFacts, lastExposure: string | null, orderDate: string): OrderPlan {
  const reference = lastExposure ?? orderDate;
  const rule = quarantineRuleFor(policy, f, reference);
  return plan(reference, orderDate, rule.days, rule.monitorDays, rule.testDays, rule.place, rule.when);
}

/** F0 isolation counted from the positive sample (or the report date), extended when the release test is still positive. */
export function planIsolation(policy: IsolationPolicy, f: ImmunityFacts, sampleDate: string, orderDate: string): OrderPlan {
  const p = plan(sampleDate, orderDate, policy.days, policy.monitorDays, policy.testDays, policy.place, 'isolation');
  const vaccinated = f.fullyVaccinatedOn != null && f.fullyVaccinatedOn <= sampleDate;
  return { ...p, extendedEndDate: addDays(sampleDate, vaccinated ? policy.extendedDaysVaccinated : policy.extendedDaysOther) };
}
