// Vaccination campaigns (docs/vaccination.md, "Lots, allocations and campaigns"): a target group
// (ages, a dose, optionally priority groups) in a unit with a deadline — e.g. boosters for adults
// before 23/01/2022 (seed 003). Progress = people of the target group who have the dose / people
// of the target group; the projection extends the pace of the last N days (policy
// vaccination.campaign_pace_days) to the day the goal is reached, and warns when that is after
// the deadline.
import { addDays, daysBetween } from '../cases/dates.ts';
import { DOSE_KINDS, PRIORITY_GROUPS, type DoseKind, type PriorityGroup } from './types.ts';

export interface CampaignTarget {
  minAge: number;
  /** Inclusive; null or absent: no upper limit. */
  maxAge?: number | null;
  doseKind: DoseKind;
  /** Only people of these priority groups (absent or empty: everyone of the ages). */
  priorityGroups?: PriorityGroup[];
  /** Share of the target group the campaign aims at, in percent (default 100). */
  goalPct?: number;
}

export interface CampaignIssue {
  field: string;
  code: string;
}

/** Field errors of a campaign's definition (empty: valid). */
export function checkCampaign(c: { target: CampaignTarget; startsOn: string; deadline: string }): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  const t = c.target;
  if (!Number.isInteger(t.minAge) || t.minAge < 0 || t.minAge > 120) issues.push({ field: 'target.minAge', code: 'out_of_range' });
  if (t.maxAge != null && (!Number.isInteger(t.maxAge) || t.maxAge > 120)) issues.push({ field: 'target.maxAge', code: 'out_of_range' });
  else if (t.maxAge != null && t.maxAge < t.minAge) issues.push({ field: 'target.maxAge', code: 'below_min_age' });
  if (!(DOSE_KINDS as readonly string[]).includes(t.doseKind)) issues.push({ field: 'target.doseKind', code: 'unknown_dose_kind' });
  for (const g of t.priorityGroups ?? []) if (!(PRIORITY_GROUPS as readonly string[]).includes(g)) issues.push({ field: 'target.priorityGroups', code: 'unknown_priority_group' });
  if (t.goalPct != null && !(t.goalPct > 0 && t.goalPct <= 100)) issues.push({ field: 'target.goalPct', code: 'out_of_range' });
  if (c.deadline < c.startsOn) issues.push({ field: 'deadline', code: 'deadline_before_start' });
  return issues;
}

/** The date `years` whole years before `on` (29 February → 28 February in a common year). */
export function yearsBefore(on: string, years: number): string {
  const y = Number(on.slice(0, 4)) - years;
  const md = on.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
}

/**
 * Birth dates of the people of an age range on a date: born on or before `bornOnOrBefore`
 * (aged at least minAge) and after `bornAfter` (aged at most maxAge; null: no upper limit).
 */
export function birthDateBounds(minAge: number, maxAge: number | null | undefined, on: string): { bornOnOrBefore: string; bornAfter: string | null } {
  return { bornOnOrBefore: yearsBefore(on, minAge), bornAfter: maxAge == null ? null : yearsBefore(on, maxAge + 1) };
}

export interface DayCount {
  day: string;
  n: number;
}

export interface ProgressPoint {
  day: string;
  /** People of the target group with the dose by the end of the day. */
  done: number;
}

/** Cumulative people done for each day from `from` to `to`; doses before `from` count in the first day. */
export function cumulativeSeries(dosesByDay: DayCount[], from: string, to: string): ProgressPoint[] {
  if (to < from) return [];
  let done = 0;
  const m = new Map<string, number>();
  for (const d of dosesByDay) {
    if (d.day < from) done += d.n;
    else if (d.day <= to) m.set(d.day, (m.get(d.day) ?? 0) + d.n);
  }
  const out: ProgressPoint[] = [];
  for (let i = 0, n = daysBetween(from, to); i <= n; i++) {
    const day = addDays(from, i);
    done += m.get(day) ?? 0;
    out.push({ day, done });
  }
  return out;
}

export type CampaignState = 'completed' | 'on_track' | 'will_not_finish' | 'stalled' | 'missed' | 'not_started' | 'closed';

export interface CampaignProjection {
  target: number;
  /** People the campaign aims at: ceil(target × goalPct / 100). */
  goal: number;
  done: number;
  /** done / target, 0..1 (0 when the target group is empty). */
  share: number;
  remaining: number;
  /** People per day over the last `paceDays` days (or since the start, when it began later). */
  pacePerDay: number;
  paceDays: number;
  /** People per day needed from tomorrow to reach the goal by the deadline (null: deadline passed or goal reached). */
  requiredPerDay: number | null;
  /** The day the goal is reached at the current pace (the day it was reached, when completed); null when it never will at this pace. */
  projectedOn: string | null;
  daysLeft: number;
  state: CampaignState;
}

/**
 * Where a campaign stands on `today`: `series` is the cumulative progress per day as
 * cumulativeSeries gives it, from the day before the start (so that its first point is what was
 * done before the campaign) to today or later; `target` is the size of the target group.
 */
export function projectCampaign(input: {
  series: ProgressPoint[];
  target: number;
  goalPct?: number;
  startsOn: string;
  deadline: string;
  today: string;
  paceDays: number;
  status?: 'active' | 'closed';
}): CampaignProjection {
  const { series, target, startsOn, deadline, today } = input;
  const doneOn = (day: string) => {
    let v = 0;
    for (const p of series) {
      if (p.day > day) break;
      v = p.done;
    }
    return v;
  };
  const goal = Math.max(0, Math.ceil((target * (input.goalPct ?? 100)) / 100 - 1e-9));
  const done = doneOn(today);
  const remaining = Math.max(0, goal - done);
  const share = target > 0 ? Math.min(1, done / target) : 0;
  const daysLeft = daysBetween(today, deadline);
  // The pace window: the last paceDays days, not reaching back before the campaign's start.
  const sinceStart = daysBetween(startsOn, today) + 1;
  const paceDays = Math.max(1, Math.min(input.paceDays, sinceStart));
  const pacePerDay = today < startsOn ? 0 : (done - doneOn(addDays(today, -paceDays))) / paceDays;
  const base = { target, goal, done, share, remaining, pacePerDay, paceDays, daysLeft };
  if (goal > 0 && remaining === 0) {
    const reached = series.find((p) => p.done >= goal)?.day ?? today;
    return { ...base, requiredPerDay: null, projectedOn: reached, state: 'completed' };
  }
  if (goal === 0) return { ...base, requiredPerDay: null, projectedOn: null, state: input.status === 'closed' ? 'closed' : 'completed' };
  const requiredPerDay = daysLeft > 0 ? remaining / daysLeft : null;
  const projectedOn = pacePerDay > 0 ? addDays(today, Math.ceil(remaining / pacePerDay - 1e-9)) : null;
  let state: CampaignState;
  if (input.status === 'closed') state = 'closed';
  else if (today < startsOn) state = 'not_started';
  else if (today > deadline) state = 'missed';
  else if (!projectedOn) state = 'stalled';
  else state = projectedOn > deadline ? 'will_not_finish' : 'on_track';
  return { ...base, requiredPerDay, projectedOn, state };
}
