// The demo province's outbreak on every database: cases, contacts, clusters, zones, quarantine and
// isolation orders and tasks, consistent with each other, with the registry and with the policies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import type { QuarantinePolicy } from '../../src/domain/cases/policies.ts';
import { policyOn } from '../../src/server/modules/policies/service.ts';

for (const kind of DB_KINDS) {
  describe(`demo outbreak on ${kind}`, () => {
    let ctx: TestContext;
    const today = new Date().toISOString().slice(0, 10);
    const count = async (sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;
    beforeAll(async () => {
      ctx = await createTestContext(kind);
    });
    afterAll(async () => ctx?.close());

    it('reports what it created', async () => {
      const o = ctx.demo.outbreak;
      expect(o.cases).toBeGreaterThanOrEqual(15);
      expect(o.contacts).toBeGreaterThan(o.cases);
      expect(await count(`case_record WHERE province_code = '20'`)).toBe(o.cases);
      expect(await count(`contact WHERE province_code = '20'`)).toBe(o.contacts);
      expect(await count(`quarantine_order WHERE province_code = '20'`)).toBe(o.orders);
      // (The demo's testing and declarations add their own tasks: test/api/demo-testing.test.ts, test/api/checkpoints.test.ts.)
      expect(await count(`task WHERE province_code = '20' AND kind NOT IN ('resample_pool_member', 'confirm_rapid_test', 'monitor_arrival', 'test_arrival', 'check_symptoms', 'check_declared_contact')`)).toBe(o.tasks);
      expect(await count(`case_event WHERE province_code = '20' AND kind = 'created' AND username = 'demo'`)).toBe(o.cases);
    });

    it("gives every case a person of the province, with the person's residence, in a few communes", async () => {
      const r = await ctx.db.query<{ cases: number; matching: number; communes: number; future: number; badDates: number }>(
        `SELECT count(*)::int AS cases,
                count(*) FILTER (WHERE p.id IS NOT NULL AND p.unit_path = c.unit_path AND p.commune_code = c.commune_code)::int AS matching,
                count(DISTINCT c.commune_code)::int AS communes,
                count(*) FILTER (WHERE c.report_date > $1 OR c.outcome_date > $1)::int AS future,
                count(*) FILTER (WHERE c.onset_date > c.sample_date OR c.sample_date > c.report_date)::int AS "badDates"
           FROM case_record c LEFT JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
          WHERE c.province_code = '20'`,
        [today],
      );
      const x = r.rows[0];
      expect(x.matching).toBe(x.cases);
      expect(x.future).toBe(0);
      expect(x.badDates).toBe(0);
      const communes = await count(`admin_unit WHERE province_code = '20' AND level = 'commune'`);
      expect(x.communes).toBeLessThan(communes / 4); // most communes have no case
      // Only the version of the F0 definition in force.
      const versions = await ctx.db.query<{ v: number }>(`SELECT DISTINCT definition_version AS v FROM case_record WHERE province_code = '20'`);
      const f0 = await policyOn(ctx.db, '20', 'cases.f0_definition', today);
      expect(versions.rows.map((r) => r.v)).toEqual([f0!.version]);
    });

    it('links contacts to existing cases and contacts, in the province, with exposures that met the definition', async () => {
      const r = await ctx.db.query<{ n: number; dangling: number; outside: number; unmet: number; self: number; f2: number }>(
        `SELECT count(*)::int AS n,
                count(*) FILTER (WHERE r.id IS NULL OR (k.degree > 1 AND s.id IS NULL))::int AS dangling,
                count(*) FILTER (WHERE p.id IS NULL OR p.unit_path <> k.unit_path)::int AS outside,
                count(*) FILTER (WHERE NOT k.meets_definition)::int AS unmet,
                count(*) FILTER (WHERE k.person_id = k.source_person_id)::int AS self,
                count(*) FILTER (WHERE k.degree = 2)::int AS f2
           FROM contact k
           LEFT JOIN case_record r ON r.province_code = k.province_code AND r.id = k.root_case_id
           LEFT JOIN contact s ON s.province_code = k.province_code AND s.id = k.source_contact_id
           LEFT JOIN person p ON p.province_code = k.province_code AND p.id = k.person_id
          WHERE k.province_code = '20'`,
      );
      expect(r.rows[0]).toMatchObject({ dangling: 0, outside: 0, unmet: 0, self: 0 });
      expect(r.rows[0].f2).toBeGreaterThan(0);
      // A contact who became a case is the case's origin.
      expect(
        await count(
          `contact k JOIN case_record c ON c.province_code = k.province_code AND c.from_contact_id = k.id WHERE k.province_code = '20' AND (k.status <> 'became_case' OR c.person_id <> k.person_id)`,
        ),
      ).toBe(0);
    });

    it('has a cluster, an active zone and a lifted one', async () => {
      expect(await count(`cluster c WHERE province_code = '20' AND (SELECT count(*) FROM cluster_case x WHERE x.province_code = c.province_code AND x.cluster_id = c.id) >= 2`)).toBeGreaterThan(0);
      expect(await count(`zone WHERE province_code = '20' AND status = 'active' AND planned_lift_date > $1`, [today])).toBeGreaterThan(0);
      expect(await count(`zone WHERE province_code = '20' AND status = 'lifted' AND lifted_date <= $1`, [today])).toBeGreaterThan(0);
    });

    it('has active quarantine orders ending as the policy in force says, at most one active order per person', async () => {
      const policy = (await policyOn<QuarantinePolicy>(ctx.db, '20', 'quarantine.f1', today))!;
      const orders = await ctx.db.query<{ start: string; end: string; exposure: string; rule: string; version: number; monitor: string }>(
        `SELECT o.start_date AS start, o.end_date AS end, k.exposure_date AS exposure, o.rule, o.policy_version AS version, o.monitor_until AS monitor
           FROM quarantine_order o JOIN contact k ON k.province_code = o.province_code AND k.id = o.contact_id
          WHERE o.province_code = '20' AND o.kind = 'quarantine' AND o.status = 'active'`,
      );
      expect(orders.rows.length).toBeGreaterThan(0);
      for (const o of orders.rows) {
        const rule = policy.value.rules.find((r) => r.when === o.rule)!;
        expect(rule).toBeDefined();
        expect(o.version).toBe(policy.version);
        const counted = addDays(o.exposure, rule.days);
        expect(o.end).toBe(counted > o.start ? counted : o.start);
        expect(o.monitor).toBe(addDays(o.end, rule.monitorDays));
        expect(o.end >= today).toBe(true);
      }
      const twice = await ctx.db.query(`SELECT person_id FROM quarantine_order WHERE province_code = '20' AND status = 'active' GROUP BY person_id HAVING count(*) > 1`);
      expect(twice.rows).toEqual([]);
      // Confirmed cases are isolated, not quarantined.
      expect(
        await count(
          `case_record c WHERE c.province_code = '20' AND c.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = c.province_code AND o.person_id = c.person_id AND o.status = 'active' AND o.kind = 'isolation' AND o.case_id = c.id)`,
        ),
      ).toBe(0);
      // Facilities are not over capacity.
      expect(
        await count(
          `quarantine_facility f WHERE f.province_code = '20' AND f.capacity < (SELECT count(*) FROM quarantine_order o WHERE o.province_code = f.province_code AND o.facility_id = f.id AND o.status = 'active')`,
        ),
      ).toBe(0);
    });

    it('leaves tasks done, open and overdue, for the community team and health workers', async () => {
      const r = await ctx.db.query<{ status: string; overdue: boolean; role: string; kind: string; n: number }>(
        `SELECT status, (status = 'open' AND due_at < now()) AS overdue, role, kind, count(*)::int AS n FROM task WHERE province_code = '20' GROUP BY 1, 2, 3, 4`,
      );
      const sum = (f: (x: (typeof r.rows)[number]) => boolean) => r.rows.filter(f).reduce((s, x) => s + x.n, 0);
      expect(sum((x) => x.status === 'done')).toBeGreaterThan(0);
      expect(sum((x) => x.overdue)).toBeGreaterThan(0);
      expect(sum((x) => x.status === 'open' && !x.overdue)).toBeGreaterThan(0);
      for (const kind of ['call_contact', 'test_contact', 'deliver_decision', 'daily_check']) expect(sum((x) => x.kind === kind)).toBeGreaterThan(0);
      expect(sum((x) => x.kind === 'test_contact' && x.role !== 'health_worker')).toBe(0);
      expect(sum((x) => ['call_contact', 'deliver_decision', 'daily_check'].includes(x.kind) && x.role !== 'community_team')).toBe(0);
      expect(await count(`quarantine_check WHERE province_code = '20'`)).toBeGreaterThan(0);
    });
  });
}
