// The demo's vaccination history on every database: the same seed gives the same doses, every
// dose passes the dose checks (product intervals, order, ages) under the policy in force on its
// date, coverage differs between communes, the booster campaign is running, refusals and home
// vaccination requests are there, the outbreak's cases carry the status their doses give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { planVaccination } from '../../src/domain/demo/vaccination.ts';
import { readVaccinationInput } from '../../src/server/demo/vaccination.ts';
import { rebuildCoverage } from '../../src/server/modules/vaccination/coverageFacts.ts';
import { checkDose } from '../../src/domain/vaccination/doses.ts';
import { KIND_RANK, policiesOn, type VaccinationPolicyVersions } from '../../src/domain/vaccination/schedule.ts';
import { listVersions } from '../../src/server/modules/policies/service.ts';
import type { DoseKind } from '../../src/domain/vaccination/types.ts';

for (const kind of DB_KINDS) {
  describe(`demo vaccination on ${kind}`, () => {
    let ctx: TestContext;
    const today = new Date().toISOString().slice(0, 10);
    const rows = async <T>(sql: string, params: unknown[] = []) => (await ctx.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
    }, 300_000);
    afterAll(async () => ctx?.close());

    it('writes what the plan of the same seed gives, and another seed gives another history', async () => {
      const v = ctx.demo.vaccination;
      expect(v.doses).toBeGreaterThan(500);
      expect(v.lots).toBeGreaterThan(5);
      const input = await readVaccinationInput(ctx.db, '20');
      const again = planVaccination({ today, seed: 2021, ...input });
      const key = (d: { personId: number; kind: string; productCode: string; givenOn: string }) => `${d.personId}|${d.kind}|${d.productCode}|${d.givenOn}`;
      const stored = await rows<{ person_id: number; dose_kind: string; product_code: string; given_on: string; lot_number: string }>(
        `SELECT d.person_id, d.dose_kind, d.product_code, d.given_on, l.lot_number FROM vaccine_dose d JOIN vaccine_lot l ON l.province_code = d.province_code AND l.id = d.lot_id WHERE d.province_code = '20'`,
      );
      expect(stored.map((d) => key({ personId: d.person_id, kind: d.dose_kind, productCode: d.product_code, givenOn: d.given_on })).sort()).toEqual(again.doses.map(key).sort());
      expect(new Set(stored.map((d) => `${d.product_code}|${d.lot_number}`))).toEqual(new Set(again.doses.map((d) => d.lotKey)));
      const other = planVaccination({ today, seed: 7, ...input });
      expect(other.doses.map(key).sort()).not.toEqual(again.doses.map(key).sort());
    });

    it('writes the coverage facts the rebuild from the doses gives, row for row', async () => {
      const facts = async () =>
        (
          await ctx.db.query<{ n: number; h: string }>(
            `SELECT count(*)::int AS n, md5(string_agg(concat_ws(',', commune_code, age_group, day, unit_path, population, at_least_one, fully, booster, booster_2), ';' ORDER BY commune_code, age_group, day)) AS h
               FROM vaccination_coverage_daily WHERE province_code = '20'`,
          )
        ).rows[0];
      const lots = async () => (await ctx.db.query<{ h: string }>(`SELECT md5(string_agg(t::text, ';' ORDER BY t::text)) AS h FROM vaccination_lot_commune t WHERE province_code = '20'`)).rows[0].h;
      const written = await facts();
      const writtenLots = await lots();
      expect(written.n).toBeGreaterThan(1000);
      expect(ctx.demo.vaccination.factsFromPlan).toBe(written.n);
      await ctx.db.tx((q) => rebuildCoverage(q, '20'));
      expect(await facts()).toEqual(written);
      expect(await lots()).toBe(writtenLots);
    });

    it('gives every dose at the product’s interval, in order, under the policy in force on its date', async () => {
      const all = await listVersions(ctx.db, '20');
      const versions = {
        products: all.filter((x) => x.key === 'vaccination.products'),
        boosters: all.filter((x) => x.key === 'vaccination.boosters'),
      } as unknown as VaccinationPolicyVersions;
      const doses = await rows<{ person_id: number; birth_date: string; dose_kind: DoseKind; product_code: string; given_on: string; lot_received: string; lot_expiry: string }>(
        `SELECT d.person_id, p.birth_date, d.dose_kind, d.product_code, d.given_on, l.received_on AS lot_received, l.expiry_date AS lot_expiry
           FROM vaccine_dose d JOIN person p ON p.province_code = d.province_code AND p.id = d.person_id
           JOIN vaccine_lot l ON l.province_code = d.province_code AND l.id = d.lot_id
          WHERE d.province_code = '20' ORDER BY d.person_id, d.given_on`,
      );
      const problems: string[] = [];
      let checked = 0;
      for (let i = 0; i < doses.length; ) {
        const person = doses[i].person_id;
        const before: { kind: DoseKind; productCode: string; givenOn: string }[] = [];
        for (; i < doses.length && doses[i].person_id === person; i++) {
          const d = doses[i];
          const c = checkDose({ birthDate: d.birth_date, existing: before, dose: { kind: d.dose_kind, productCode: d.product_code, givenOn: d.given_on }, today }, policiesOn(versions, d.given_on));
          if (c.errors.length || c.flagged) problems.push(`${person} ${d.dose_kind} ${d.given_on}: ${c.errors.map((e) => e.code).join(',')}`);
          if (d.lot_received > d.given_on || d.lot_expiry < d.given_on) problems.push(`${person} ${d.dose_kind}: lot not usable on ${d.given_on}`);
          before.push({ kind: d.dose_kind, productCode: d.product_code, givenOn: d.given_on });
          checked++;
        }
        expect(before.map((b) => KIND_RANK[b.kind])).toEqual([...before.map((b) => KIND_RANK[b.kind])].sort((a, b) => a - b));
      }
      expect(problems.slice(0, 10)).toEqual([]);
      expect(checked).toBe(ctx.demo.vaccination.doses);
      // First doses from mid-2021 (moved with the demo's today), boosters after the second doses.
      const kinds = new Set(doses.map((d) => d.dose_kind));
      expect([...kinds].sort()).toEqual(expect.arrayContaining(['primary_1', 'primary_2', 'booster_1']));
      const first = doses.reduce((m, d) => (d.given_on < m ? d.given_on : m), '9999');
      expect(first >= addDays(today, -180)).toBe(true);
      expect(doses.every((d) => d.given_on <= today)).toBe(true);
    });

    it('has coverage that differs between communes', async () => {
      const cov = await rows<{ commune_code: string; population: number; at_least_one: number }>(
        `SELECT DISTINCT ON (commune_code) commune_code, population, at_least_one FROM vaccination_coverage_daily
          WHERE province_code = '20' AND age_group = '18+' AND day <= $1 ORDER BY commune_code, day DESC`,
        [today],
      );
      // At the tests' scale a commune has a few dozen adults: those with at least 8.
      const shares = cov.filter((c) => c.population >= 8).map((c) => c.at_least_one / c.population);
      expect(shares.length).toBeGreaterThan(5);
      expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.15);
      expect(Math.max(...shares)).toBeLessThanOrEqual(1);
      // The facts agree with the doses.
      const direct = await rows<{ n: number }>(`SELECT count(DISTINCT person_id)::int AS n FROM vaccine_dose WHERE province_code = '20'`);
      const facts = await rows<{ n: number }>(
        `SELECT coalesce(sum(x.at_least_one), 0)::int AS n FROM (SELECT DISTINCT ON (commune_code, age_group) at_least_one, age_group FROM vaccination_coverage_daily
           WHERE province_code = '20' AND day <= $1 ORDER BY commune_code, age_group, day DESC) x WHERE x.age_group IN ('12-17', '18+')`,
        [today],
      );
      expect(facts[0].n).toBe(direct[0].n);
    });

    it('has the booster campaign for adults running, its deadline 23/01/2022 moved like the rest', async () => {
      const c = await rows<{ status: string; starts_on: string; deadline: string; target: { minAge: number; doseKind: string } }>(`SELECT status, starts_on, deadline, target FROM vaccination_campaign WHERE province_code = '20'`);
      expect(c).toHaveLength(1);
      expect(c[0]).toMatchObject({ status: 'active', target: { minAge: 18, doseKind: 'booster_1' }, deadline: addDays(today, 13), starts_on: addDays(today, -24) });
      const boosted = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20' AND dose_kind = 'booster_1' AND given_on >= $1`, [c[0].starts_on]);
      expect(boosted[0].n).toBeGreaterThan(0);
    });

    it('has refusals with reasons, visits, profiles and home vaccination for bedridden people', async () => {
      const v = await rows<{ outcome: string; n: number; reasons: number }>(`SELECT outcome, count(*)::int AS n, count(reason)::int AS reasons FROM sweep_visit WHERE province_code = '20' GROUP BY outcome`);
      const refused = v.find((x) => x.outcome === 'refused')!;
      expect(refused.n).toBeGreaterThan(0);
      expect(refused.reasons).toBe(refused.n);
      // A refusing person has no dose.
      expect((await rows<{ n: number }>(`SELECT count(*)::int AS n FROM sweep_visit s JOIN vaccine_dose d ON d.province_code = s.province_code AND d.person_id = s.person_id WHERE s.province_code = '20' AND s.outcome = 'refused'`))[0].n).toBe(0);
      const h = await rows<{ status: string; bedridden: boolean; dose: boolean }>(
        `SELECT h.status, p.bedridden, h.dose_id IS NOT NULL AS dose FROM home_vaccination_request h JOIN vaccination_profile p ON p.province_code = h.province_code AND p.person_id = h.person_id WHERE h.province_code = '20'`,
      );
      expect(h.length).toBe(ctx.demo.vaccination.homeRequests);
      expect(h.length).toBeGreaterThan(0);
      expect(h.every((x) => x.bedridden)).toBe(true);
      expect(h.every((x) => (x.status === 'done') === x.dose)).toBe(true);
      expect((await rows<{ n: number }>(`SELECT count(*)::int AS n FROM vaccination_profile WHERE province_code = '20' AND priority_group = 'chronic_or_over_65'`))[0].n).toBeGreaterThan(0);
    });

    it('gives the outbreak’s cases the status their doses had when they were sampled', async () => {
      const wrong = await rows<{ n: number; cases: number }>(
        `SELECT count(*) FILTER (WHERE c.vaccination_status <> CASE WHEN s.booster THEN 'booster' WHEN s.full THEN 'full' WHEN s.n > 0 THEN 'partial' ELSE 'none' END
                                  OR c.last_dose_date IS DISTINCT FROM s.last)::int AS n, count(*)::int AS cases
           FROM case_record c
           JOIN LATERAL (SELECT count(*) AS n, bool_or(d.dose_kind = 'booster_1') AS booster, bool_or(d.dose_kind = 'primary_2' OR d.product_code = 'janssen') AS full, max(d.given_on) AS last
                           FROM vaccine_dose d WHERE d.province_code = c.province_code AND d.person_id = c.person_id AND d.given_on <= coalesce(c.sample_date, c.report_date)) s ON true
          WHERE c.province_code = '20'`,
      );
      expect(wrong[0].cases).toBeGreaterThan(0);
      expect(wrong[0].n).toBe(0);
    });
  });
}
