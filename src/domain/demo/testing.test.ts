import { describe, expect, it } from 'vitest';
import {
  chooseTestingDistricts,
  isPositiveOn,
  planCollection,
  planSamplingPlans,
  vnInstant,
  DEMO_TESTING_DAYS,
  type AreaRisk,
  type DrawnPerson,
  type DrawnPlan,
  type TestingDemoCase,
  type TestingDemoCommune,
} from './testing.ts';

const today = '2021-08-20';
const communes: TestingDemoCommune[] = [
  { code: 'A1', name: 'Xã A1', districtCode: 'A', population: 500, cases: 4 },
  { code: 'A2', name: 'Xã A2', districtCode: 'A', population: 300, cases: 0 },
  { code: 'B1', name: 'Xã B1', districtCode: 'B', population: 900, cases: 1 },
  { code: 'C1', name: 'Xã C1', districtCode: 'C', population: 2000, cases: 0 },
];
const districts = [
  { code: 'A', name: 'Huyện A', demo: false },
  { code: 'B', name: 'Huyện B', demo: true },
  { code: 'C', name: 'Huyện C', demo: false },
];
const cases: TestingDemoCase[] = [
  { caseId: 1, personId: 11, communeCode: 'A1', sampleDate: '2021-08-15', reportDate: '2021-08-16', open: true },
  { caseId: 2, personId: 12, communeCode: 'A1', sampleDate: '2021-08-12', reportDate: '2021-08-13', open: false },
];

describe('demo testing: districts and plans', () => {
  it("takes the demo users' district first when it has recent cases, then the most cases, never a district without", () => {
    expect(chooseTestingDistricts(districts, communes)).toEqual(['B', 'A']);
    expect(chooseTestingDistricts(districts, communes, 1)).toEqual(['B']);
    expect(chooseTestingDistricts(districts.map((d) => ({ ...d, demo: d.code === 'C' })), communes)).toEqual(['A', 'B']);
  });

  it('makes one plan a day for each district, the contacts and the day’s sampled cases listed in full', () => {
    const plans = planSamplingPlans({
      today,
      seed: 2021,
      scale: 1,
      districts,
      districtCodes: ['A'],
      communes,
      contacts: [
        { personId: 21, communeCode: 'A1', exposureDate: '2021-08-08' },
        { personId: 22, communeCode: 'B1', exposureDate: '2021-08-10' },
      ],
      cases,
    });
    expect(plans).toHaveLength(DEMO_TESTING_DAYS);
    expect(plans[plans.length - 1].date).toBe(today);
    expect(plans[0].date).toBe('2021-08-07');
    const aug15 = plans.find((p) => p.date === '2021-08-15')!;
    expect(aug15.strata[0]).toMatchObject({ kind: 'listed', population: { personIds: [11, 21] }, chosenSize: 2 });
    // The commune with cases and the whole district as residents, riskier first.
    expect(aug15.strata.slice(1).map((s) => [s.population.unitCode, s.riskWeight])).toEqual([
      ['A1', 3],
      ['A', 1],
    ]);
    // Off the contact's test days (1st, 7th, 13th after the exposure) nobody is listed.
    expect(plans.filter((p) => p.strata[0].kind === 'listed').map((p) => p.date)).toEqual(['2021-08-09', '2021-08-12', '2021-08-15']);
    expect(plans.find((p) => p.date === '2021-08-08')!.strata.every((s) => s.kind === 'residents')).toBe(true);
    // Same input, same plans; the seed changes the plans' draw seeds.
    const again = planSamplingPlans({ today, seed: 2021, scale: 1, districts, districtCodes: ['A'], communes, contacts: [], cases });
    expect(again.map((p) => p.seed)).toEqual(plans.map((p) => p.seed));
    const other = planSamplingPlans({ today, seed: 7, scale: 1, districts, districtCodes: ['A'], communes, contacts: [], cases });
    expect(other.map((p) => p.seed)).not.toEqual(plans.map((p) => p.seed));
  });
});

describe('demo testing: collection, pools and results', () => {
  const person = (personId: number, communeCode: string, siteId: number): DrawnPerson => ({
    personId,
    communeCode,
    unitPath: `20/A/${communeCode}/`,
    stratumId: 1,
    siteId,
    siteName: `Trạm Y tế ${communeCode}`,
    siteUnitCode: communeCode,
    siteUnitPath: `20/A/${communeCode}/`,
  });
  // Day -5: 23 people at A1 (higher-risk: pools of 5) with case 11 on its sample date; 12 at A2 (pools of 10).
  const plans: DrawnPlan[] = [
    { planId: 1, date: '2021-08-15', lab: 0, people: [person(11, 'A1', 1), ...Array.from({ length: 22 }, (_, i) => person(100 + i, 'A1', 1)), ...Array.from({ length: 12 }, (_, i) => person(200 + i, 'A2', 2))] },
    { planId: 2, date: '2021-08-19', lab: 0, people: [person(11, 'A1', 3), ...Array.from({ length: 8 }, (_, i) => person(300 + i, 'A1', 3))] },
    { planId: 3, date: today, lab: 1, people: Array.from({ length: 6 }, (_, i) => person(400 + i, 'A2', 4)) },
  ];
  const risk = new Map<string, AreaRisk>([
    ['A1', { risk: 'high', maxSize: 5, policyVersion: 1 }],
    ['A2', { risk: 'low', maxSize: 10, policyVersion: 1 }],
  ]);
  const nowMs = Date.parse(vnInstant(today, 12 * 60));
  const plan = planCollection({ seed: 2021, today, nowMs, plans, risk, cases });

  it('pools every specimen of a session once, never above the policy’s size for the area', () => {
    const pooled = plan.pools.flatMap((p) => p.members);
    expect(new Set(pooled).size).toBe(pooled.length);
    expect(pooled.length).toBe(plan.specimens.length);
    for (const p of plan.pools) {
      expect(p.members.length).toBeLessThanOrEqual(risk.get(p.unitCode)!.maxSize);
      for (const m of p.members) expect(plan.specimens[m].communeCode).toBe(p.unitCode);
    }
    expect(plan.pools.filter((p) => p.unitCode === 'A1' && plans[0].date === plan.events[p.event].date).map((p) => p.members.length)).toEqual([5, 5, 5, 5, 3]);
  });

  it('finds the case on its sample date by a positive pool, every member sampled again; nobody else positive', () => {
    const positives = plan.results.filter((r) => r.outcome === 'positive');
    expect(positives.length).toBe(2); // 15/08 and 19/08 (within a week of the sample)
    for (const r of positives) {
      expect(plan.pools[r.pool].members.some((m) => plan.specimens[m].personId === 11)).toBe(true);
      expect(r.ct).toBeGreaterThanOrEqual(18);
    }
    for (const r of plan.results.filter((x) => x.outcome === 'negative')) expect(plan.pools[r.pool].members.every((m) => plan.specimens[m].personId !== 11)).toBe(true);
    // The older positive pool is re-sampled (one person closed), yesterday's waits.
    const old = positives.find((r) => plan.events[plan.pools[r.pool].event].date === '2021-08-15')!;
    const members = plan.pools[old.pool].members;
    expect(plan.resamples.length + plan.closes.length).toBe(members.length);
    expect(plan.resamples.filter((r) => r.outcome === 'positive').map((r) => [plan.specimens[r.specimen].personId, r.case?.caseId])).toEqual([[11, 1]]);
    for (const r of plan.resamples) expect(Date.parse(r.collectedAt)).toBeGreaterThan(Date.parse(old.testedAt));
  });

  it('dates nothing after now: today’s specimens are collected but not resulted', () => {
    const todays = plan.pools.filter((p) => plan.events[p.event].date === today).map((_, i) => i);
    expect(todays.length).toBeGreaterThan(0);
    expect(plan.results.some((r) => plan.events[plan.pools[r.pool].event].date === today)).toBe(false);
    const all = [...plan.specimens.map((s) => s.collectedAt), ...plan.results.map((r) => r.testedAt), ...plan.resamples.flatMap((r) => [r.collectedAt, r.testedAt ?? r.collectedAt]), ...plan.rapid.map((r) => r.readAt)];
    for (const t of all) expect(Date.parse(t)).toBeLessThanOrEqual(nowMs);
    const early = planCollection({ seed: 2021, today, nowMs: Date.parse(vnInstant(today, 6 * 60)), plans, risk, cases });
    expect(early.events.some((e) => e.date === today)).toBe(false);
  });

  it('is deterministic', () => {
    expect(planCollection({ seed: 2021, today, nowMs, plans, risk, cases })).toEqual(plan);
    expect(isPositiveOn(new Map(cases.map((c) => [c.personId, c])), 11, '2021-08-14')).toBe(false);
    expect(isPositiveOn(new Map(cases.map((c) => [c.personId, c])), 11, '2021-08-22')).toBe(true);
    expect(isPositiveOn(new Map(cases.map((c) => [c.personId, c])), 11, '2021-08-23')).toBe(false);
  });
});
