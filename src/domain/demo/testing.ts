// The demo's testing activity, planned without I/O, consistent with the demo outbreak: for the
// last two weeks, a daily sampling plan in each outbreak district (the outbreak's contacts under
// follow-up, the residents of the communes with cases, the residents of the district), the
// sessions at the communes' health stations, pools no larger than the policy allows, the lab's
// results, the re-sampling of positive pools' members and a few rapid tests.
//
// Who is positive: a case of the outbreak, from its sample date (the day's plan lists the people
// the outbreak sampled that day, with the contacts under follow-up) to a week after it. Nobody else
// is: every positive result belongs to a case the outbreak already has — the positive pool and the
// member's positive re-sample are how that case was found — so positivity is high among contacts
// and in the outbreak communes and nil elsewhere. Deterministic: the same input and seed give the
// same plan. Nothing is dated after `nowMs`.
import { addDays, daysBetween } from '../cases/dates.ts';
import { createRng, hashSeed, shuffle } from './random.ts';

export const DEMO_TESTING_DAYS = 14;
/** Days after the exposure a contact is tested. */
export const CONTACT_TEST_DAYS = [1, 7, 13];
/** Days after a case's sample date it still tests positive. */
const POSITIVE_DAYS = 7;

export interface TestingDemoCommune {
  code: string;
  name: string;
  districtCode: string;
  population: number;
  /** Cases sampled in the last DEMO_TESTING_DAYS days. */
  cases: number;
}

export interface TestingDemoDistrict {
  code: string;
  name: string;
  /** The demo users' district (the most populous commune's). */
  demo: boolean;
}

export interface TestingDemoContact {
  personId: number;
  communeCode: string;
  exposureDate: string;
}

export interface TestingDemoCase {
  caseId: number;
  personId: number;
  communeCode: string;
  sampleDate: string;
  reportDate: string;
  /** Still confirmed (not recovered): a positive result is noted on it. */
  open: boolean;
}

/** The outbreak districts: the demo users' district when it has recent cases, then those with the most recent cases (at most `max`). */
export function chooseTestingDistricts(districts: readonly TestingDemoDistrict[], communes: readonly TestingDemoCommune[], max = 2): string[] {
  const cases = new Map<string, number>();
  for (const c of communes) cases.set(c.districtCode, (cases.get(c.districtCode) ?? 0) + c.cases);
  return districts
    .filter((d) => (cases.get(d.code) ?? 0) > 0)
    .sort((a, b) => Number(b.demo) - Number(a.demo) || cases.get(b.code)! - cases.get(a.code)! || a.code.localeCompare(b.code))
    .slice(0, max)
    .map((d) => d.code);
}

export interface PlanSpecStratum {
  name: string;
  kind: 'listed' | 'residents';
  riskWeight: number;
  population: { unitCode?: string; personIds?: number[] };
  /** Everyone on the list is sampled. */
  chosenSize?: number;
}

export interface PlanSpec {
  date: string;
  districtCode: string;
  name: string;
  budget: number;
  seed: number;
  strata: PlanSpecStratum[];
}

/** The daily plans: one per day and outbreak district, for the last DEMO_TESTING_DAYS days up to `today`. */
export function planSamplingPlans(input: {
  today: string;
  seed: number;
  scale: number;
  districts: readonly TestingDemoDistrict[];
  districtCodes: readonly string[];
  communes: readonly TestingDemoCommune[];
  contacts: readonly TestingDemoContact[];
  cases: readonly TestingDemoCase[];
}): PlanSpec[] {
  const out: PlanSpec[] = [];
  const budget = Math.max(30, Math.round(1200 * input.scale));
  for (let k = DEMO_TESTING_DAYS - 1; k >= 0; k--) {
    const date = addDays(input.today, -k);
    for (const code of input.districtCodes) {
      const district = input.districts.find((d) => d.code === code)!;
      const communes = input.communes.filter((c) => c.districtCode === code);
      const inDistrict = new Set(communes.map((c) => c.code));
      // Contacts on a test day of their follow-up (the 1st, 7th and 13th day after the exposure) and
      // the people the outbreak sampled that day: all of them are tested.
      const listed = [
        ...new Set([
          ...input.contacts.filter((c) => inDistrict.has(c.communeCode) && CONTACT_TEST_DAYS.includes(daysBetween(c.exposureDate, date))).map((c) => c.personId),
          ...input.cases.filter((c) => inDistrict.has(c.communeCode) && c.sampleDate === date).map((c) => c.personId),
        ]),
      ].sort((a, b) => a - b);
      const strata: PlanSpecStratum[] = [];
      if (listed.length) strata.push({ name: 'Người tiếp xúc (F1, F2) đang theo dõi', kind: 'listed', riskWeight: 5, population: { personIds: listed }, chosenSize: listed.length });
      const hot = communes.filter((c) => c.cases > 0 && c.population > 0).sort((a, b) => b.cases - a.cases || a.code.localeCompare(b.code)).slice(0, 3);
      for (const c of hot) strata.push({ name: `Dân cư ${c.name}`, kind: 'residents', riskWeight: 3, population: { unitCode: c.code } });
      strata.push({ name: `Dân cư ngẫu nhiên ${district.name}`, kind: 'residents', riskWeight: 1, population: { unitCode: code } });
      out.push({
        date,
        districtCode: code,
        name: `Lấy mẫu giám sát ${district.name} ngày ${date.slice(8, 10)}/${date.slice(5, 7)}`,
        budget,
        seed: hashSeed(input.seed, 'testing-plan', code, date),
        strata,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Collection, pools, results

export interface DrawnPerson {
  personId: number;
  communeCode: string;
  unitPath: string;
  stratumId: number;
  siteId: number;
  siteName: string;
  siteUnitCode: string;
  siteUnitPath: string;
}

export interface DrawnPlan {
  planId: number;
  date: string;
  /** Index of the lab the plan's samples go to. */
  lab: number;
  people: readonly DrawnPerson[];
}

export interface AreaRisk {
  risk: 'low' | 'high';
  maxSize: number;
  policyVersion: number;
}

export interface EventSpec {
  planId: number;
  siteId: number;
  date: string;
  siteName: string;
  unitCode: string;
  unitPath: string;
  lab: number;
  /** Past days' sessions are closed. */
  closed: boolean;
}

export interface SpecimenSpec {
  event: number;
  personId: number;
  communeCode: string;
  unitPath: string;
  siteUnitPath: string;
  planId: number;
  stratumId: number;
  collectedAt: string;
}

export interface PoolSpec {
  event: number;
  lab: number;
  unitCode: string;
  unitPath: string;
  risk: AreaRisk;
  members: number[];
  sealedAt: string;
}

export interface ResultSpec {
  pool: number;
  outcome: 'positive' | 'negative';
  ct: number | null;
  testedAt: string;
}

/** A member of a positive pool sampled again and tested alone. */
export interface ResampleSpec {
  specimen: number;
  collectedAt: string;
  outcome: 'positive' | 'negative';
  ct: number | null;
  testedAt: string | null;
  /** The outbreak's case a positive re-sample found. */
  case: TestingDemoCase | null;
}

export interface CloseSpec {
  specimen: number;
  note: string;
}

export interface RapidSpec {
  personId: number;
  outcome: 'positive' | 'negative';
  readAt: string;
  kit: string;
}

export interface CollectionPlan {
  events: EventSpec[];
  specimens: SpecimenSpec[];
  pools: PoolSpec[];
  results: ResultSpec[];
  resamples: ResampleSpec[];
  closes: CloseSpec[];
  rapid: RapidSpec[];
}

/** An instant of a calendar day in Vietnam (UTC+7), `minutes` after midnight there. */
export function vnInstant(date: string, minutes: number): string {
  return new Date(Date.parse(`${date}T00:00:00+07:00`) + minutes * 60_000).toISOString();
}

/** Whether the person tests positive on `date`: a case of the outbreak, from its sample date to a week after. */
export function isPositiveOn(cases: ReadonlyMap<number, TestingDemoCase>, personId: number, date: string): boolean {
  const c = cases.get(personId);
  return !!c && date >= c.sampleDate && date <= addDays(c.sampleDate, POSITIVE_DAYS);
}

const KITS = ['Humasis COVID-19 Ag', 'SD Biosensor Standard Q', 'Abbott Panbio', 'Sure Status'];

export function planCollection(input: {
  seed: number;
  today: string;
  nowMs: number;
  plans: readonly DrawnPlan[];
  risk: ReadonlyMap<string, AreaRisk>;
  cases: readonly TestingDemoCase[];
}): CollectionPlan {
  const out: CollectionPlan = { events: [], specimens: [], pools: [], results: [], resamples: [], closes: [], rapid: [] };
  const cases = new Map(input.cases.map((c) => [c.personId, c]));
  const past = (iso: string | null) => iso != null && Date.parse(iso) <= input.nowMs;
  const yesterday = addDays(input.today, -1);
  let closed = 0;
  for (const plan of input.plans) {
    const rng = createRng(hashSeed(input.seed, 'testing-collection', plan.planId));
    const bySite = new Map<number, DrawnPerson[]>();
    for (const p of plan.people) {
      const list = bySite.get(p.siteId) ?? [];
      list.push(p);
      bySite.set(p.siteId, list);
    }
    const sites = [...bySite.keys()].sort((a, b) => a - b);
    for (const [k, siteId] of sites.entries()) {
      const people = bySite.get(siteId)!;
      const first = people[0];
      // Sessions from 07:30, one team after another; each person takes a minute or two.
      const start = 450 + (k % 6) * 25;
      const collected = people.map((_, i) => vnInstant(plan.date, start + i + rng.int(0, 1)));
      const kept = people.map((p, i) => ({ p, at: collected[i] })).filter((x) => past(x.at));
      if (!kept.length) continue;
      const event = out.events.length;
      out.events.push({ planId: plan.planId, siteId, date: plan.date, siteName: first.siteName, unitCode: first.siteUnitCode, unitPath: first.siteUnitPath, lab: plan.lab, closed: plan.date < input.today });
      const risk = input.risk.get(first.siteUnitCode) ?? { risk: 'low', maxSize: 10, policyVersion: 1 };
      const specimens = kept.map((x) => {
        out.specimens.push({ event, personId: x.p.personId, communeCode: x.p.communeCode, unitPath: x.p.unitPath, siteUnitPath: first.siteUnitPath, planId: plan.planId, stratumId: x.p.stratumId, collectedAt: x.at });
        return out.specimens.length - 1;
      });
      // Pools of the site in the order of collection, each at most the policy's size (5 in a higher-risk area).
      for (let i = 0; i < specimens.length; i += risk.maxSize) {
        const members = specimens.slice(i, i + risk.maxSize);
        const lastAt = out.specimens[members[members.length - 1]].collectedAt;
        const sealedAt = new Date(Math.min(Date.parse(lastAt) + 30 * 60_000, input.nowMs)).toISOString();
        const pool = out.pools.length;
        out.pools.push({ event, lab: plan.lab, unitCode: first.siteUnitCode, unitPath: first.siteUnitPath, risk, members, sealedAt });
        // The lab runs the day's pools in the evening or the next morning.
        const testedAt = vnInstant(plan.date, rng.chance(0.7) ? 19 * 60 + rng.int(0, 240) : 24 * 60 + 7 * 60 + rng.int(0, 240));
        if (plan.date >= input.today || !past(testedAt)) continue;
        const infected = members.filter((m) => isPositiveOn(cases, out.specimens[m].personId, plan.date));
        const positive = infected.length > 0;
        out.results.push({ pool, outcome: positive ? 'positive' : 'negative', ct: positive ? 18 + rng.int(0, 140) / 10 : null, testedAt });
        // Yesterday's positive pools wait for the re-sampling (open follow-ups and tasks).
        if (!positive || plan.date >= yesterday) continue;
        for (const m of members) {
          const s = out.specimens[m];
          // One person of an older positive pool could not be found again.
          if (closed < 1 && !isPositiveOn(cases, s.personId, plan.date) && members.length > 2) {
            closed++;
            out.closes.push({ specimen: m, note: 'Đã chuyển đi nơi khác, không liên lạc được' });
            continue;
          }
          const again = Date.parse(testedAt) + (2 + rng.int(0, 10)) * 3600_000;
          const resultAt = again + (4 + rng.int(0, 8)) * 3600_000;
          if (again > input.nowMs) continue;
          const pos = isPositiveOn(cases, s.personId, plan.date);
          out.resamples.push({
            specimen: m,
            collectedAt: new Date(again).toISOString(),
            outcome: pos ? 'positive' : 'negative',
            ct: pos ? 17 + rng.int(0, 150) / 10 : null,
            testedAt: resultAt <= input.nowMs ? new Date(resultAt).toISOString() : null,
            case: pos ? cases.get(s.personId)! : null,
          });
        }
      }
    }
  }
  // Rapid tests read by health workers over the last five days in the outbreak communes: a few
  // people sampled that day, and the cases close to their report date.
  const rng = createRng(hashSeed(input.seed, 'testing-rapid'));
  for (let k = 4; k >= 0; k--) {
    const date = addDays(input.today, -k);
    const people = shuffle(rng, input.plans.filter((p) => p.date === date).flatMap((p) => p.people.map((x) => x.personId))).slice(0, 2);
    const positives = input.cases.filter((c) => c.open && c.reportDate === date).slice(0, 1);
    for (const personId of people) {
      const readAt = vnInstant(date, 14 * 60 + rng.int(0, 180));
      if (past(readAt) && !isPositiveOn(cases, personId, date)) out.rapid.push({ personId, outcome: 'negative', readAt, kit: rng.pick(KITS) });
    }
    for (const c of positives) {
      const readAt = vnInstant(date, 9 * 60 + rng.int(0, 120));
      if (past(readAt)) out.rapid.push({ personId: c.personId, outcome: 'positive', readAt, kit: rng.pick(KITS) });
    }
  }
  return out;
}
