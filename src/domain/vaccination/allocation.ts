// Vaccine allocations (docs/vaccination.md, "Lots, allocations and campaigns"): the province
// allocates doses of a lot to its districts, a district passes part of its allocation on to its
// communes. The rules here are pure: whether an allocation may be made, and how far each one is
// administered against the completion rule in force (seed 002: within 7 days of delivery).
//
// Administered doses of a unit are the doses of the lot given at sites inside the unit (its whole
// subtree), so a district's allocation counts what its communes gave from what it passed on.
// Several deliveries of the same lot to the same unit are used up first in, first out: delivery i
// is complete on the day the unit's administered doses reach the sum of deliveries 1..i.
import { addDays, daysBetween } from '../cases/dates.ts';
import type { AllocationCompletionPolicy } from './supplyPolicies.ts';

export interface AllocationIssue {
  status: 400 | 409;
  field: string;
  code: string;
}

export interface AllocationCheckInput {
  doses: number;
  deliveredOn: string;
  today: string;
  lot: { dosesReceived: number; expiryDate: string | null; receivedOn: string | null };
  /** Doses of the lot already allocated by the province (allocations without a parent). */
  lotAllocated: number;
  /** The allocation passed on from, with the doses it already passed on (null: from the province's stock). */
  parent: { doses: number; passedOn: number; deliveredOn: string } | null;
}

/** Why an allocation may not be made (empty: it may). */
export function checkAllocation(i: AllocationCheckInput): AllocationIssue[] {
  const issues: AllocationIssue[] = [];
  if (!Number.isInteger(i.doses) || i.doses <= 0) issues.push({ status: 400, field: 'doses', code: 'not_positive' });
  if (i.deliveredOn > i.today) issues.push({ status: 400, field: 'deliveredOn', code: 'in_future' });
  if (i.lot.receivedOn && i.deliveredOn < i.lot.receivedOn) issues.push({ status: 400, field: 'deliveredOn', code: 'before_lot_received' });
  if (i.parent && i.deliveredOn < i.parent.deliveredOn) issues.push({ status: 400, field: 'deliveredOn', code: 'before_parent_delivery' });
  if (i.lot.expiryDate && i.deliveredOn > i.lot.expiryDate) issues.push({ status: 409, field: 'lotId', code: 'lot_expired' });
  if (issues.some((x) => x.status === 400)) return issues;
  if (i.parent) {
    if (i.parent.passedOn + i.doses > i.parent.doses) issues.push({ status: 409, field: 'doses', code: 'exceeds_allocation' });
  } else if (i.lotAllocated + i.doses > i.lot.dosesReceived) {
    issues.push({ status: 409, field: 'doses', code: 'exceeds_lot' });
  }
  return issues;
}

/** Doses still free to pass on: what a unit received minus what it passed on, never below zero. */
export const availableToPassOn = (doses: number, passedOn: number) => Math.max(0, doses - passedOn);

export type AllocationState = 'completed' | 'completed_late' | 'open' | 'due_soon' | 'overdue';

export interface AllocationDelivery {
  id: number;
  doses: number;
  deliveredOn: string;
}

export interface DayCount {
  day: string;
  n: number;
}

export interface AllocationStatus {
  id: number;
  /** Doses of this delivery counted as administered (first in, first out among the unit's deliveries of the lot). */
  administered: number;
  /** The last day by which it should be administered (null: no completion rule in force on delivery). */
  dueOn: string | null;
  /** The day the unit's administered doses covered this delivery (null: not yet). */
  completedOn: string | null;
  state: AllocationState;
  /** Days left to the deadline (negative: days overdue); null when complete or without a rule. */
  daysLeft: number | null;
}

/**
 * The completion of each delivery of one lot to one unit, from the doses of the lot given in the
 * unit per day, on `today`. `policyOn(day)` is the completion rule in force on a delivery day.
 */
export function allocationStatuses(
  deliveries: AllocationDelivery[],
  administeredByDay: DayCount[],
  policyOn: (day: string) => AllocationCompletionPolicy | null,
  today: string,
): AllocationStatus[] {
  const sorted = [...deliveries].sort((a, b) => (a.deliveredOn === b.deliveredOn ? a.id - b.id : a.deliveredOn < b.deliveredOn ? -1 : 1));
  const days = [...administeredByDay].filter((d) => d.day <= today && d.n > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const total = days.reduce((s, d) => s + d.n, 0);
  const out: AllocationStatus[] = [];
  let before = 0;
  for (const a of sorted) {
    const upTo = before + a.doses;
    const administered = Math.min(a.doses, Math.max(0, total - before));
    let completedOn: string | null = null;
    let cum = 0;
    for (const d of days) {
      cum += d.n;
      if (cum >= upTo) {
        completedOn = d.day < a.deliveredOn ? a.deliveredOn : d.day;
        break;
      }
    }
    const policy = policyOn(a.deliveredOn);
    const dueOn = policy ? addDays(a.deliveredOn, policy.days) : null;
    let state: AllocationState;
    let daysLeft: number | null = null;
    if (completedOn) state = dueOn && completedOn > dueOn ? 'completed_late' : 'completed';
    else if (!dueOn || !policy) state = 'open';
    else {
      daysLeft = daysBetween(today, dueOn);
      state = daysLeft < 0 ? 'overdue' : daysLeft <= policy.warnDaysBefore ? 'due_soon' : 'open';
    }
    out.push({ id: a.id, administered, dueOn, completedOn, state, daysLeft });
    before = upTo;
  }
  const byId = new Map(out.map((s) => [s.id, s]));
  return deliveries.map((d) => byId.get(d.id)!);
}

/** The allocations to warn about: overdue first (most overdue first), then due soon (soonest first). */
export function allocationWarnings<T extends { state: AllocationState; daysLeft: number | null }>(statuses: T[]): T[] {
  return statuses
    .filter((s) => s.state === 'overdue' || s.state === 'due_soon')
    .sort((a, b) => (a.state === b.state ? (a.daysLeft ?? 0) - (b.daysLeft ?? 0) : a.state === 'overdue' ? -1 : 1));
}

export interface SupplyPoint {
  day: string;
  /** Doses allocated (delivered) to the unit up to the day. */
  allocated: number;
  /** Doses administered in the unit up to the day. */
  administered: number;
}

/**
 * Cumulative allocated and administered doses for each day from `from` to `to` (inclusive);
 * everything before `from` is counted in the first day.
 */
export function supplySeries(deliveries: DayCount[], administered: DayCount[], from: string, to: string): SupplyPoint[] {
  if (to < from) return [];
  const sumBefore = (xs: DayCount[]) => xs.reduce((s, x) => (x.day < from ? s + x.n : s), 0);
  const perDay = (xs: DayCount[]) => {
    const m = new Map<string, number>();
    for (const x of xs) if (x.day >= from && x.day <= to) m.set(x.day, (m.get(x.day) ?? 0) + x.n);
    return m;
  };
  const dm = perDay(deliveries);
  const am = perDay(administered);
  let allocated = sumBefore(deliveries);
  let given = sumBefore(administered);
  const out: SupplyPoint[] = [];
  const n = daysBetween(from, to);
  for (let i = 0; i <= n; i++) {
    const day = addDays(from, i);
    allocated += dm.get(day) ?? 0;
    given += am.get(day) ?? 0;
    out.push({ day, allocated, administered: given });
  }
  return out;
}
