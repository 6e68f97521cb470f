import { describe, expect, it } from 'vitest';
import { addDays } from '../cases/dates.ts';
import { checkF1, transmissionWindow } from '../cases/definitions.ts';
import { CASE_POLICY_DEFINITIONS } from '../cases/policies.ts';
import { planIsolation, planQuarantine } from '../cases/quarantine.ts';
import { validateCaseDates, validateContactLink } from '../cases/validate.ts';
import { plannedLiftDate } from '../cases/zones.ts';
import { createRng, hashSeed } from './random.ts';
import {
  chooseOutbreakCommunes,
  demoImmunity,
  inSentence,
  OUTBREAK_DAYS,
  planOutbreak,
  type OutbreakCommune,
  type OutbreakHousehold,
  type OutbreakInput,
  type OutbreakPlan,
  type OutbreakPolicies,
  type PlannedContact,
  type OutbreakVillage,
} from './outbreak.ts';

const TODAY = '2026-11-30';

/** The default version of a case policy in force on a date. */
function policy<T>(key: string, date: string) {
  const defaults = CASE_POLICY_DEFINITIONS.find((d) => d.key === key)!.defaults;
  let i = 0;
  while (i + 1 < defaults.length && defaults[i + 1].effectiveFrom <= date) i++;
  return { value: defaults[i].value as T, version: i + 1 };
}

function policiesOn(date: string): OutbreakPolicies {
  return {
    f0: policy('cases.f0_definition', date),
    f1: policy('cases.f1_definition', date),
    quarantine: policy('quarantine.f1', date),
    isolation: policy('isolation.f0', date),
    zoneLiftDays: 14,
    clusterWindowDays: 14,
  };
}

/**
 * A province like Lạng Sơn: 11 districts of 18 communes (two wards, two towns, rural communes), about
 * 750,000 people at scale 1, at least 8 per commune. Households only for the communes the outbreak needs.
 */
function syntheticProvince(scale: number, seed = 2021, today = TODAY): OutbreakInput {
  const rng = createRng(hashSeed('synthetic-province'));
  const communes: OutbreakCommune[] = [];
  for (let d = 0; d < 11; d++) {
    for (let c = 0; c < 18; c++) {
      const type = c < 2 ? 'Phường' : c < 4 ? 'Thị trấn' : 'Xã';
      const code = String(6000 + d * 20 + c).padStart(5, '0');
      const full = (type === 'Xã' ? 3000 : 7000) * (0.5 + rng.next());
      communes.push({ code, name: `${type} Số ${d + 1}-${c + 1}`, path: `20/${100 + d}/${code}/`, population: Math.max(8, Math.round(full * scale)) });
    }
  }
  const villages: OutbreakVillage[] = [];
  const households: OutbreakHousehold[] = [];
  let id = 1;
  for (const code of chooseOutbreakCommunes(communes, { seed, scale }).all) {
    const c = communes.find((x) => x.code === code)!;
    const own = Array.from({ length: 8 }, (_, i) => ({ code: `${code}-0${i + 1}`, name: c.name.startsWith('Xã') ? `Thôn Nà ${i + 1}` : `Tổ dân phố ${i + 1}`, communeCode: code }));
    villages.push(...own);
    for (let left = c.population, h = 1; left > 0; h++) {
      const size = Math.min(left, rng.int(1, 6));
      left -= size;
      const v = own[rng.int(0, own.length - 1)];
      const members = Array.from({ length: size }, () => ({ id: id++, birthDate: addDays(today, -rng.int(0, 90 * 365)), sex: rng.chance(0.5) ? ('M' as const) : ('F' as const) }));
      households.push({ id: `${code}-H${String(h).padStart(5, '0')}`, communeCode: code, villageCode: v.code, unitPath: `${c.path}${v.code}/`, members });
    }
  }
  return { today, seed, scale, communes, villages, households, policies: policiesOn(today) };
}

/** Every rule of the case area a plan must keep; returns what it breaks (nothing, for a good plan). */
function violations(input: OutbreakInput, plan: OutbreakPlan): string[] {
  const bad: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok && bad.length < 20) bad.push(what);
  };
  const same = (a: unknown, b: unknown, what: string) => need(JSON.stringify(a) === JSON.stringify(b), `${what}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
  const { today } = input;
  const f1 = input.policies.f1.value;
  const births = new Map(input.households.flatMap((h) => h.members.map((m) => [m.id, m.birthDate] as const)));
  const immunity = (personId: number) => demoImmunity(input.seed, personId, births.get(personId) ?? null, today);
  const caseOf = new Map(plan.cases.map((c, k) => [c.personId, k]));
  need(caseOf.size === plan.cases.length, 'one case per person');

  for (const [k, c] of plan.cases.entries()) {
    same(validateCaseDates(c, today), [], `case ${k} dates`);
    need(c.sampleDate >= (c.onsetDate ?? c.sampleDate), `case ${k} onset after sample`);
    need(c.reportDate >= addDays(today, -OUTBREAK_DAYS), `case ${k} older than the outbreak`);
    need((c.status === 'confirmed') === (c.outcomeDate == null), `case ${k} outcome`);
    need(c.definitionVersion === input.policies.f0.version && input.policies.f0.value.bases.includes(c.basis), `case ${k} definition`);
    need(c.fromContact == null || plan.contacts[c.fromContact].personId === c.personId, `case ${k} from another person's contact`);
  }

  const pairs = new Set<string>();
  for (const [j, k] of plan.contacts.entries()) {
    need(k.personId !== k.sourcePersonId, `contact ${j} of themselves`);
    const pair = `${k.sourcePersonId}>${k.personId}`;
    need(!pairs.has(pair), `contact ${j} twice`);
    pairs.add(pair);
    need(k.exposureDate <= k.tracedDate && k.tracedDate <= today, `contact ${j} dates`);
    need(k.meetsDefinition, `contact ${j} does not meet the definition`);
    // The chain up to the root case: no person twice, and it ends at the root.
    const chain: number[] = [];
    for (let at: number | null = j; at != null; ) {
      const cur: PlannedContact = plan.contacts[at];
      if (chain.includes(cur.personId)) {
        need(false, `contact ${j} in a loop`);
        break;
      }
      chain.push(cur.personId);
      if (cur.sourceContact != null) {
        at = cur.sourceContact;
        continue;
      }
      const source = caseOf.get(cur.sourcePersonId);
      if (source == null) {
        need(false, `contact ${j}: F1 of someone who is not a case`);
        break;
      }
      at = plan.cases[source].fromContact;
      if (at == null) need(source === k.rootCase, `contact ${j} root`);
    }
    same(validateContactLink({ personId: k.personId, sourcePersonId: k.sourcePersonId, sourceChain: chain.slice(1), exposureDate: k.exposureDate }, today), [], `contact ${j} link`);
    if (k.degree === 1) {
      const source = plan.cases[caseOf.get(k.sourcePersonId)!];
      same(checkF1(k, transmissionWindow(source, f1), f1), { meets: true }, `F1 ${j} definition`);
      need(k.exposureDate <= source.reportDate && k.sourceContact == null, `F1 ${j} after its source was isolated`);
    } else {
      const f = plan.contacts[k.sourceContact!];
      need(f.degree === 1 && f.personId === k.sourcePersonId && f.rootCase === k.rootCase, `F2 ${j} source`);
      need(k.exposureDate > f.exposureDate && k.exposureDate <= f.tracedDate, `F2 ${j} exposure not after the F1's`);
    }
    const became = caseOf.get(k.personId);
    need((k.status === 'became_case') === (became != null && plan.cases[became].fromContact === j), `contact ${j} status`);
  }

  const active = new Map<number, number>();
  for (const [i, o] of plan.orders.entries()) {
    need(o.endDate >= o.startDate && o.monitorUntil >= o.endDate && o.startDate <= today, `order ${i} dates`);
    need((o.place === 'home') === (o.facility == null), `order ${i} place`);
    need(/^\d+\/QĐ-UBND$/.test(o.decisionNo), `order ${i} decision number`);
    if (o.status === 'active') {
      need(!active.has(o.personId), `order ${i}: a second active order`);
      active.set(o.personId, i);
    } else need(o.releasedDate != null && o.releasedDate >= o.startDate && o.releasedDate <= today, `order ${i} release date`);
    if (o.kind === 'quarantine') {
      const k = plan.contacts[o.contact!];
      need(k.degree === 1 && k.personId === o.personId, `order ${i} contact`);
      const expected = planQuarantine(input.policies.quarantine.value, immunity(o.personId), k.exposureDate, k.tracedDate);
      same([o.startDate, o.endDate, o.monitorUntil, o.rule, o.testDays], [expected.startDate, expected.endDate, expected.monitorUntil, expected.rule, expected.testDays], `quarantine ${i}`);
      same([o.policyKey, o.policyVersion], ['quarantine.f1', input.policies.quarantine.version], `quarantine ${i} policy`);
      // Someone who became a case left quarantine no later than the report.
      const kase = caseOf.get(o.personId);
      if (kase != null) need(o.status !== 'active' && o.releasedDate! <= plan.cases[kase].reportDate, `quarantine ${i} of a case`);
    } else {
      const c = plan.cases[o.case!];
      need(c.personId === o.personId, `isolation ${i} person`);
      const expected = planIsolation(input.policies.isolation.value, immunity(o.personId), c.sampleDate, c.reportDate);
      same([o.startDate, o.endDate, o.rule], [expected.startDate, expected.endDate, 'isolation'], `isolation ${i}`);
      need((o.status === 'active') === (c.status === 'confirmed'), `isolation ${i} status`);
    }
  }
  // A confirmed case is isolated, not quarantined.
  for (const [k, c] of plan.cases.entries()) {
    if (c.status !== 'confirmed') continue;
    const o = plan.orders[active.get(c.personId) ?? -1];
    need(o?.kind === 'isolation' && o.case === k, `confirmed case ${k} not isolated`);
  }
  for (const [f, facility] of plan.facilities.entries()) {
    need(plan.orders.filter((o) => o.facility === f && o.status === 'active').length <= facility.capacity, `facility ${f} over capacity`);
  }
  for (const [i, z] of plan.zones.entries()) {
    need(z.plannedLiftDate === plannedLiftDate({ startDate: z.startDate, lastCaseDate: z.lastCaseDate }, input.policies.zoneLiftDays), `zone ${i} lift date`);
    need((z.status === 'lifted') === z.plannedLiftDate <= today && z.startDate <= today, `zone ${i} status`);
  }
  for (const ch of plan.checks) need(plan.orders[ch.order].status === 'active' && ch.day <= today && ch.day >= plan.orders[ch.order].startDate, `check ${ch.order} ${ch.day}`);
  const inCluster = plan.clusters.flatMap((c) => c.cases);
  need(new Set(inCluster).size === inCluster.length, 'a case in two clusters');
  for (const t of plan.tasks) need(t.status !== 'done' || t.doneAt! <= `${today}T23:59:59+07:00`, 'a task done in the future');
  return bad;
}

describe('demo outbreak', () => {
  const small = syntheticProvince(0.002);
  const smallPlan = planOutbreak(small);
  const full = syntheticProvince(1);
  const fullPlan = planOutbreak(full);

  it('is the same plan for the same seed, and another for another seed', () => {
    expect(planOutbreak(syntheticProvince(0.002))).toEqual(smallPlan);
    // The order the database returns rows in does not matter.
    expect(planOutbreak({ ...small, households: [...small.households].reverse() })).toEqual(smallPlan);
    expect(planOutbreak({ ...small, seed: 7 })).not.toEqual(smallPlan);
  });

  it('keeps the rules of the case area on a small demo', () => expect(violations(small, smallPlan)).toEqual([]));
  it('keeps the rules of the case area at full scale', () => expect(violations(full, fullPlan)).toEqual([]));
  it('would notice a broken plan', () => {
    const broken: OutbreakPlan = structuredClone(smallPlan);
    const q = broken.orders.findIndex((o) => o.kind === 'quarantine');
    broken.orders[q].endDate = addDays(broken.orders[q].endDate, 1);
    const f1 = broken.contacts.findIndex((c) => c.degree === 1 && c.setting !== 'household');
    broken.contacts[f1].exposureDate = addDays(TODAY, -OUTBREAK_DAYS - 10);
    broken.cases[0].onsetDate = addDays(broken.cases[0].reportDate, 1);
    const found = violations(small, broken).join('\n');
    expect(found).toContain(`quarantine ${q}`);
    expect(found).toContain(`F1 ${f1} definition`);
    expect(found).toContain('case 0 dates');
  });
  it('keeps them under older policies too (14 days in a centralised facility)', () => {
    const input = { ...small, policies: { ...policiesOn('2021-09-01'), zoneLiftDays: 21 } };
    const plan = planOutbreak(input);
    expect(violations(input, plan)).toEqual([]);
    expect(plan.orders.some((o) => o.kind === 'quarantine' && o.place === 'centralised')).toBe(true);
  });

  it('has enough of everything even on a tiny population', () => {
    const p = smallPlan;
    expect(p.cases.length).toBeGreaterThanOrEqual(15);
    expect(p.contacts.length).toBeGreaterThanOrEqual(p.cases.length * 2);
    expect(p.clusters.length).toBeGreaterThanOrEqual(3);
    expect(p.zones.length).toBeGreaterThanOrEqual(3);
    expect(p.zones.some((z) => z.status === 'active') && p.zones.some((z) => z.status === 'lifted')).toBe(true);
    expect(p.orders.some((o) => o.kind === 'quarantine' && o.status === 'active')).toBe(true);
    expect(p.tasks.some((t) => t.status === 'open' && t.dueAt < `${TODAY}T00:00:00+07:00`)).toBe(true); // overdue
    expect(p.tasks.some((t) => t.status === 'open' && t.dueAt >= `${TODAY}T00:00:00+07:00`)).toBe(true);
    expect(p.tasks.some((t) => t.status === 'done')).toBe(true);
  });

  it('is about one case per 1,500 inhabitants at full scale, with 8–15 contacts each, in a few communes', () => {
    const p = fullPlan;
    const population = full.communes.reduce((s, c) => s + c.population, 0);
    expect(p.cases.length).toBeGreaterThan(population / 1500 * 0.75);
    expect(p.cases.length).toBeLessThan(population / 1500 * 1.25);
    expect(p.contacts.length / p.cases.length).toBeGreaterThanOrEqual(8);
    expect(p.contacts.length / p.cases.length).toBeLessThanOrEqual(15);
    expect(new Set(p.cases.map((c) => c.communeCode)).size).toBeLessThanOrEqual(8);
    expect(p.facilities.filter((f) => f.kind === 'centralised').length).toBeGreaterThanOrEqual(2);
    expect(p.contacts.some((c) => c.degree === 2)).toBe(true);
    expect(p.contacts.filter((c) => c.setting === 'venue' && c.note?.startsWith('Chợ')).length).toBeGreaterThan(40);
    expect(p.cases.some((c) => c.status === 'died') && p.cases.some((c) => c.status === 'transferred')).toBe(true);
    expect(p.cases.filter((c) => c.status === 'recovered').length).toBeGreaterThan(p.cases.length / 2);
  });

  it('rises then partly falls', () => {
    const weekly = Array(9).fill(0);
    for (const c of fullPlan.cases) weekly[Math.floor((Date.parse(TODAY) - Date.parse(c.reportDate)) / (7 * 86_400_000))]++;
    const curve = weekly.reverse(); // oldest first
    const peak = curve.indexOf(Math.max(...curve));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThan(curve.length - 1);
    expect(curve[curve.length - 1]).toBeGreaterThan(0);
    expect(curve[curve.length - 1]).toBeLessThan(curve[peak]);
  });

  it('names clusters and zones in Vietnamese', () => {
    const names = fullPlan.clusters.map((c) => c.name);
    expect(names.some((n) => /^Chùm ca bệnh chợ /.test(n))).toBe(true);
    expect(names.some((n) => /^Ổ dịch /.test(n))).toBe(true);
    expect(fullPlan.zones.some((z) => z.kind === 'zoned' && z.name.startsWith('Khu vực chợ'))).toBe(true);
    expect(fullPlan.zones.some((z) => z.kind === 'lockdown' && z.name.startsWith('Phong tỏa'))).toBe(true);
    expect(inSentence('Xã Hòa Cư')).toBe('xã Hòa Cư');
    expect(inSentence('Tổ dân phố 3')).toBe('tổ dân phố 3');
  });
});
