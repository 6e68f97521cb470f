// The demo's testing activity on every database, consistent with itself, with the policies, with
// the demo outbreak and with what the dashboard shows: pools within the policy's size, every
// positive pool followed up member by member, positive results only for the outbreak's cases (no
// case made up), dashboard totals equal to the rows, positivity higher in the outbreak communes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { DEMO_TESTING_DAYS } from '../../src/domain/demo/testing.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';

for (const kind of DB_KINDS) {
  describe(`demo testing on ${kind}`, () => {
    let ctx: TestContext;
    const one = async <T>(sql: string, params: unknown[] = []) => (await ctx.db.query<T & Record<string, unknown>>(sql, params)).rows[0] as T;
    const count = async (sql: string, params: unknown[] = []) => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).n;
    beforeAll(async () => {
      ctx = await createTestContext(kind);
    });
    afterAll(async () => ctx?.close());

    it('reports what it created: daily drawn plans, sessions, pools, positive pools with their follow-ups, rapid tests', async () => {
      const t = ctx.demo.testing;
      expect(t.labs).toBe(2);
      expect(t.plans).toBeGreaterThanOrEqual(DEMO_TESTING_DAYS);
      expect(t.plans % DEMO_TESTING_DAYS).toBe(0);
      expect(t.positivePools).toBeGreaterThan(0);
      expect(t.rapidTests).toBeGreaterThan(0);
      expect(await count(`sampling_plan WHERE province_code = '20' AND status = 'draft'`)).toBe(0);
      expect(await count(`sampling_plan WHERE province_code = '20'`)).toBe(t.plans);
      expect(await count(`pool WHERE province_code = '20'`)).toBe(t.pools);
      expect(await count(`specimen WHERE province_code = '20'`)).toBe(t.specimens);
      expect(await count(`rapid_test WHERE province_code = '20'`)).toBe(t.rapidTests);
      // Every drawn person sampled on a day up to now is a specimen of the plan's stratum.
      const d = await one<{ drawn: number; linked: number; wrong: number }>(
        `SELECT count(*)::int AS drawn, count(s.id)::int AS linked,
                count(*) FILTER (WHERE s.id IS NOT NULL AND (s.plan_id <> d.plan_id OR s.stratum_id <> d.stratum_id OR s.person_id <> d.person_id))::int AS wrong
           FROM sampling_draw d LEFT JOIN specimen s ON s.province_code = d.province_code AND s.id = d.specimen_id WHERE d.province_code = '20'`,
      );
      expect(d.linked).toBeGreaterThan(0);
      expect(d.wrong).toBe(0);
      const plans = (await ctx.db.query<{ day: string }>(`SELECT DISTINCT plan_date::text AS day FROM sampling_plan WHERE province_code = '20' ORDER BY 1`)).rows.map((r) => r.day);
      expect(plans).toHaveLength(DEMO_TESTING_DAYS);
      expect(plans[plans.length - 1] <= todayInVietnam()).toBe(true);
    });

    it('keeps pools within the policy’s size for their area, members counted, each specimen in one pool', async () => {
      const p = await one<{ over: number; miscounted: number; wrongMax: number; high: number }>(
        `SELECT count(*) FILTER (WHERE n > p.max_size)::int AS over, count(*) FILTER (WHERE n <> p.members)::int AS miscounted,
                count(*) FILTER (WHERE p.max_size <> CASE p.area_risk WHEN 'high' THEN (v.value->>'highRisk')::int ELSE (v.value->>'lowRisk')::int END)::int AS "wrongMax",
                count(*) FILTER (WHERE p.area_risk = 'high')::int AS high
           FROM pool p
           JOIN LATERAL (SELECT count(*)::int AS n FROM pool_member m WHERE m.province_code = p.province_code AND m.pool_id = p.id) m ON true
           JOIN policy_version v ON v.province_code = p.province_code AND v.key = 'testing.pool_max_size' AND v.version = p.policy_version
          WHERE p.province_code = '20'`,
      );
      expect(p).toMatchObject({ over: 0, miscounted: 0, wrongMax: 0 });
      // A member belongs to its pool's commune and session.
      expect(
        await count(
          `pool_member m JOIN specimen s ON s.province_code = m.province_code AND s.id = m.specimen_id JOIN pool p ON p.province_code = m.province_code AND p.id = m.pool_id
            WHERE m.province_code = '20' AND (s.event_id <> p.event_id OR s.kind <> 'pool_member')`,
        ),
      ).toBe(0);
    });

    it('follows every positive pool member by member: some resolved, some still open with a task', async () => {
      const missing = await count(
        `pool_member m JOIN pool p ON p.province_code = m.province_code AND p.id = m.pool_id
           LEFT JOIN follow_up f ON f.province_code = m.province_code AND f.specimen_id = m.specimen_id AND f.pool_id = p.id
          WHERE m.province_code = '20' AND p.outcome = 'positive' AND f.id IS NULL`,
      );
      expect(missing).toBe(0);
      expect(await count(`follow_up f JOIN pool p ON p.province_code = f.province_code AND p.id = f.pool_id WHERE f.province_code = '20' AND p.outcome IS DISTINCT FROM 'positive'`)).toBe(0);
      const states = (await ctx.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM follow_up WHERE province_code = '20' GROUP BY 1`)).rows;
      const n = (s: string) => states.find((x) => x.status === s)?.n ?? 0;
      expect(n('negative') + n('positive')).toBeGreaterThan(0);
      expect(n('pending') + n('collected')).toBeGreaterThan(0);
      // An open re-sampling task for each pending follow-up, none left open for a finished one.
      const tasks = await one<{ pendingWithout: number; doneStillOpen: number }>(
        `SELECT count(*) FILTER (WHERE f.status = 'pending' AND t.id IS NULL)::int AS "pendingWithout",
                count(*) FILTER (WHERE f.status NOT IN ('pending') AND t.id IS NOT NULL)::int AS "doneStillOpen"
           FROM follow_up f LEFT JOIN task t ON t.province_code = f.province_code AND t.kind = 'resample_pool_member' AND t.status = 'open'
                 AND (t.detail->>'followUpId')::bigint = f.id
          WHERE f.province_code = '20'`,
      );
      expect(tasks).toEqual({ pendingWithout: 0, doneStillOpen: 0 });
      // A resolved re-sample is a single specimen with its own result, the follow-up's outcome.
      expect(
        await count(
          `follow_up f JOIN specimen s ON s.province_code = f.province_code AND s.id = f.new_specimen_id
            WHERE f.province_code = '20' AND f.status IN ('positive', 'negative') AND (s.kind <> 'single' OR s.outcome IS DISTINCT FROM f.status OR s.follow_up_id <> f.id)`,
        ),
      ).toBe(0);
    });

    it('finds only the outbreak’s cases: every positive person is a case, no case made up', async () => {
      expect(await count(`case_record WHERE province_code = '20'`)).toBe(ctx.demo.outbreak.cases);
      expect(
        await count(
          `specimen s WHERE s.province_code = '20' AND s.outcome = 'positive' AND s.outcome_source = 'own'
              AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = s.province_code AND c.person_id = s.person_id)`,
        ),
      ).toBe(0);
      expect(
        await count(
          `follow_up f WHERE f.province_code = '20' AND f.status = 'positive'
              AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = f.province_code AND c.id = f.case_id AND c.person_id = f.person_id)`,
        ),
      ).toBe(0);
      expect(await count(`follow_up WHERE province_code = '20' AND status = 'positive'`)).toBeGreaterThan(0);
    });

    it('shows on the dashboard exactly the rows: totals, pools, labs', async () => {
      const admin = await ctx.as('admin');
      const from = addDays(todayInVietnam(), -(DEMO_TESTING_DAYS + 3));
      const to = todayInVietnam();
      const res = await admin.get(`/api/testing/dashboard?from=${from}&to=${to}`);
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      const raw = await one<{ specimens: number; single: number; pooled: number; resulted: number; positive: number }>(
        `SELECT count(*)::int AS specimens, count(*) FILTER (WHERE m.specimen_id IS NULL)::int AS single, count(m.specimen_id)::int AS pooled,
                count(s.outcome)::int AS resulted, count(*) FILTER (WHERE s.outcome = 'positive')::int AS positive
           FROM specimen s LEFT JOIN pool_member m ON m.province_code = s.province_code AND m.specimen_id = s.id
          WHERE s.province_code = '20' AND s.status <> 'rejected' AND s.collected_on BETWEEN $1 AND $2`,
        [from, to],
      );
      expect(raw.specimens).toBe(ctx.demo.testing.specimens);
      expect(d.totals).toMatchObject({ ...raw, pools: ctx.demo.testing.pools, positivePools: ctx.demo.testing.positivePools });
      expect(d.byDay.reduce((s: number, x: { specimens: number }) => s + x.specimens, 0)).toBe(raw.specimens);
      const tests = await one<{ pools: number; singles: number }>(
        `SELECT count(*) FILTER (WHERE pool_id IS NOT NULL)::int AS pools, count(*) FILTER (WHERE specimen_id IS NOT NULL)::int AS singles FROM test_result WHERE province_code = '20' AND tested_on BETWEEN $1 AND $2`,
        [from, to],
      );
      const labs = d.capacity.labs as { poolTests: number; singleTests: number }[];
      expect(labs.reduce((s, l) => s + l.poolTests, 0)).toBe(tests.pools);
      expect(labs.reduce((s, l) => s + l.singleTests, 0)).toBe(tests.singles);
    });

    it('has a higher positivity in the outbreak communes than elsewhere', async () => {
      const rows = (
        await ctx.db.query<{ outbreak: boolean; resulted: number; positive: number }>(
          `SELECT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = d.province_code AND c.commune_code = d.commune_code) AS outbreak,
                  sum(d.resulted)::int AS resulted, sum(d.positive)::int AS positive
             FROM testing_daily d WHERE d.province_code = '20' GROUP BY 1`,
        )
      ).rows;
      const of = (o: boolean) => rows.find((r) => r.outbreak === o) ?? { resulted: 0, positive: 0 };
      const inside = of(true);
      const outside = of(false);
      expect(inside.resulted).toBeGreaterThan(0);
      expect(inside.positive).toBeGreaterThan(0);
      expect(inside.positive / inside.resulted).toBeGreaterThan(outside.resulted ? outside.positive / outside.resulted : 0);
      // The same through the API, by commune of the first plan's district.
      const unit = await one<{ code: string }>(`SELECT unit_code AS code FROM sampling_plan WHERE province_code = '20' ORDER BY id LIMIT 1`);
      const admin = await ctx.as('admin');
      const byUnit = (await admin.get(`/api/testing/dashboard?unit=${unit.code}&from=${addDays(todayInVietnam(), -DEMO_TESTING_DAYS)}&to=${todayInVietnam()}`)).json().byUnit as {
        unitCode: string;
        positive: number;
      }[];
      const withCases = new Set((await ctx.db.query<{ code: string }>(`SELECT DISTINCT commune_code AS code FROM case_record WHERE province_code = '20'`)).rows.map((r) => r.code));
      for (const u of byUnit.filter((x) => x.positive > 0)) expect(withCases.has(u.unitCode)).toBe(true);
    });
  });
}
