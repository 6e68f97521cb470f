// Sweep lists (issue 5, capability 4: "đi từng ngõ, gõ từng nhà, rà từng người"): who the
// community team visits, and in what order. Someone is on the list when the schedule engine says
// their next dose is due or overdue (a first dose for the unvaccinated); a visit takes them off when
// it ends the current need: vaccinated (for the dose now due), moved away, contraindicated. A refusal
// keeps them on the list, shown apart with its reason; someone absent stays in the walk.
import type { ScheduleStatus, VisitOutcome } from './types.ts';
import { ageOn } from './schedule.ts';

export interface SweepVisitFact {
  outcome: VisitOutcome;
  reason: string | null;
  /** Calendar day of the visit in Viet Nam. */
  day: string;
  visitedAt: string;
}

export interface SweepCandidate {
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  phone: string | null;
  householdId: string | null;
  address: string | null;
  villageCode: string | null;
  villageName: string | null;
  comorbidity: boolean;
  bedridden: boolean;
  immunocompromised: boolean;
  status: ScheduleStatus;
  lastVisit: SweepVisitFact | null;
  /** An open home-vaccination request (the mobile team goes instead). */
  homeRequest: boolean;
}

export type SweepMark = 'new' | 'absent' | 'refused';

export interface SweepPerson extends SweepCandidate {
  age: number | null;
  risk: number;
  highRisk: boolean;
  mark: SweepMark;
}

export interface SweepHousehold {
  key: string;
  householdId: string | null;
  address: string | null;
  villageCode: string | null;
  villageName: string | null;
  risk: number;
  highRisk: boolean;
  members: SweepPerson[];
}

export interface SweepList {
  households: SweepHousehold[];
  /** People who refused the dose now due, with their reason (still to convince; not in the walk). */
  refused: SweepPerson[];
  counts: { people: number; households: number; highRisk: number; overdue: number; absent: number; refused: number };
}

/** Outcomes that take someone off the list whatever dose is due. */
const REMOVES_ALWAYS: VisitOutcome[] = ['moved', 'contraindicated'];

/** Whether a visit answers the need the schedule shows now (a visit before the dose was due was about an earlier one). */
export function visitApplies(visit: SweepVisitFact, status: ScheduleStatus): boolean {
  if (REMOVES_ALWAYS.includes(visit.outcome)) return true;
  return status.dueOn == null || visit.day >= status.dueOn;
}

/** Whether someone belongs on the list at all, and with which mark (null: not on it). */
export function sweepMark(c: Pick<SweepCandidate, 'status' | 'lastVisit'>): SweepMark | null {
  if (c.status.state !== 'due' && c.status.state !== 'overdue') return null;
  const v = c.lastVisit;
  if (!v || !visitApplies(v, c.status)) return 'new';
  if (v.outcome === 'vaccinated' || v.outcome === 'moved' || v.outcome === 'contraindicated') return null;
  return v.outcome === 'refused' ? 'refused' : 'absent';
}

/**
 * Risk for the order of the walk: age 65+ (3) or 50+ (1), bedridden (3), comorbidity (2),
 * immunocompromised (1), an overdue dose (1). High risk from 3.
 */
export function riskScore(c: Pick<SweepCandidate, 'bedridden' | 'comorbidity' | 'immunocompromised' | 'status'>, age: number | null): number {
  let r = 0;
  if (age != null && age >= 65) r += 3;
  else if (age != null && age >= 50) r += 1;
  if (c.bedridden) r += 3;
  if (c.comorbidity) r += 2;
  if (c.immunocompromised) r += 1;
  if (c.status.state === 'overdue') r += 1;
  return r;
}
export const HIGH_RISK = 3;

const collator = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });
/**
 * An address as a sort key: lower case, numbers padded (so 9 comes before 10); no address last.
 * Letters compare by code point: the walk follows house and lane numbers, and names with
 * diacritics keep one stable order (a collator is 20 times slower on a commune's 5,000 households).
 */
export function naturalKey(s: string | null): string {
  if (!s) return '\uffff';
  return s.toLowerCase().replace(/\d+/g, (d) => d.padStart(10, '0'));
}
const cmp = (a: string | null, b: string | null) => (a == null ? (b == null ? 0 : 1) : b == null ? -1 : collator.compare(a, b));

/**
 * The list on a day (the candidates become its entries: they are completed in place, not copied):
 * villages in name order; in each village the households with someone at high
 * risk first, then the others, each part in address order (house numbers compared as numbers, so
 * the walk goes down the lane); in a household the riskiest person first.
 */
export function buildSweepList(candidates: SweepCandidate[], on: string): SweepList {
  const byKey = new Map<string, SweepHousehold>();
  const refused: SweepPerson[] = [];
  let overdue = 0;
  let absent = 0;
  for (const c of candidates) {
    const mark = sweepMark(c);
    if (!mark) continue;
    const age = c.birthDate ? ageOn(c.birthDate, on) : null;
    const risk = riskScore(c, age);
    // The candidate becomes the list's entry (no copy: a commune's list holds tens of thousands).
    const p = c as SweepPerson;
    p.age = age;
    p.risk = risk;
    p.highRisk = risk >= HIGH_RISK;
    p.mark = mark;
    if (c.status.state === 'overdue') overdue++;
    if (mark === 'refused') {
      refused.push(p);
      continue;
    }
    if (mark === 'absent') absent++;
    const key = c.householdId ?? `person:${c.personId}`;
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { key, householdId: c.householdId, address: c.address, villageCode: c.villageCode, villageName: c.villageName, risk: 0, highRisk: false, members: [] }));
    h.members.push(p);
    h.risk = Math.max(h.risk, risk);
    h.highRisk ||= p.highRisk;
  }
  const households = [...byKey.values()];
  for (const h of households) if (h.members.length > 1) h.members.sort((a, b) => b.risk - a.risk || (b.age ?? -1) - (a.age ?? -1) || collator.compare(a.fullName, b.fullName) || a.personId - b.personId);
  // Sort keys computed once per household: villages ranked in Vietnamese order, addresses as
  // natural keys (house and lane numbers compared as numbers).
  const villageNames = [...new Set(households.map((h) => h.villageName ?? ''))].sort((a, b) => cmp(a || null, b || null));
  const villageRank = new Map(villageNames.map((v, i) => [v, i]));
  const keyed = households.map((h) => ({ h, v: villageRank.get(h.villageName ?? '')!, vc: h.villageCode ?? '', a: naturalKey(h.address), id: h.householdId ?? '', first: h.members[0].personId }));
  keyed.sort((x, y) => x.v - y.v || (x.vc < y.vc ? -1 : x.vc > y.vc ? 1 : 0) || Number(y.h.highRisk) - Number(x.h.highRisk) || (x.a < y.a ? -1 : x.a > y.a ? 1 : 0) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || x.first - y.first);
  households.length = 0;
  for (const k of keyed) households.push(k.h);
  refused.sort((a, b) => cmp(a.villageName, b.villageName) || cmp(a.address, b.address) || a.personId - b.personId);
  const people = households.reduce((s, h) => s + h.members.length, 0);
  return {
    households,
    refused,
    counts: { people, households: households.length, highRisk: households.reduce((s, h) => s + h.members.filter((m) => m.highRisk).length, 0), overdue, absent, refused: refused.length },
  };
}

/** What a visit must carry: a reason for a refusal, a contraindication, or a dose given elsewhere. */
export function checkVisit(v: { outcome: VisitOutcome; reason?: string | null; withDose: boolean }): { field: string; code: string }[] {
  const reason = v.reason?.trim() ?? '';
  if ((v.outcome === 'refused' || v.outcome === 'contraindicated') && !reason) return [{ field: 'reason', code: 'reason_required' }];
  if (v.outcome === 'vaccinated' && !v.withDose && !reason) return [{ field: 'reason', code: 'reason_required' }];
  if (v.outcome !== 'vaccinated' && v.withDose) return [{ field: 'dose', code: 'dose_only_when_vaccinated' }];
  return [];
}
