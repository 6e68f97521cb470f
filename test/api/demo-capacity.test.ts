// The demo's capacity register on every database: every commune, district and the province entered
// before the outbreak, so the levels read criterion 3 from the register, not as missing; a district
// without cases is not raised for want of an entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';

for (const kind of DB_KINDS) {
  describe(`demo capacity register on ${kind}`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false, demoVaccination: false });
    }, 300_000);
    afterAll(async () => ctx?.close());

    it('enters every commune, district and the province once, before the outbreak', async () => {
      const units = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_unit WHERE province_code = '20' AND level IN ('province', 'district', 'commune')`)).rows[0].n;
      const r = await ctx.db.query<{ n: number; units: number; last: string; oxygen: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT unit_code)::int AS units, max(day)::text AS last, count(*) FILTER (WHERE oxygen_ready)::int AS oxygen FROM level_capacity WHERE province_code = '20'`,
      );
      expect(ctx.demo.capacity).toBe(units);
      expect(r.rows[0]).toMatchObject({ n: units, units });
      const firstCase = (await ctx.db.query<{ d: string }>(`SELECT min(report_date)::text AS d FROM case_record WHERE province_code = '20'`)).rows[0].d;
      expect(r.rows[0].last < firstCase).toBe(true);
      expect(r.rows[0].oxygen).toBeGreaterThan(units * 0.8);
    });

    it('gives the levels their capacity from the register: nothing missing for capacity, and the district of a case-free commune reads it', async () => {
      const admin = await ctx.as('admin');
      const res = await admin.get('/api/levels');
      expect(res.statusCode, res.body).toBe(200);
      const districts = res.json().children as { code: string }[];
      expect(districts.length).toBeGreaterThan(3);
      for (const d of districts.slice(0, 4)) {
        const e = (await admin.get(`/api/levels/units/${d.code}`)).json();
        expect(e.explanation.missing.filter((m: string) => m.startsWith('capacity'))).toEqual([]);
        expect(e.explanation.inputs.sources['capacity.careTeams']).toBe('register');
      }
    });
  });
}
