// The demo's venues and check-ins: venues in every commune, three weeks of check-ins at the
// commune's venues, the outbreak's cases at their market with their venue contacts within the hour,
// so the tracer's exposures list is not empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';

describe('demo check-ins', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('pglite', { demoTesting: false });
  }, 300_000);
  afterAll(async () => ctx?.close());

  it('puts venues in every commune and check-ins of the population at venues of their commune', async () => {
    const d = ctx.demo.checkins;
    expect(d.venues).toBeGreaterThan(100);
    expect(d.checkins).toBeGreaterThan(500);
    const communes = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_unit WHERE province_code = '20' AND level = 'commune'`)).rows[0].n;
    const withMarket = (await ctx.db.query<{ n: number }>(`SELECT count(DISTINCT commune_code)::int AS n FROM venue WHERE kind = 'market' AND status = 'approved'`)).rows[0].n;
    expect(withMarket).toBe(communes);
    const stray = await ctx.db.query(
      `SELECT 1 FROM checkin.visit c JOIN venue v ON v.id = c.venue_id JOIN person p ON p.province_code = c.province_code AND 'p' || p.phone = c.subject
        WHERE c.client_key LIKE 'demo-%' AND c.client_key NOT LIKE 'demo-contact-%' AND c.client_key NOT LIKE 'demo-case-%' AND p.commune_code <> v.commune_code LIMIT 1`,
    );
    expect(stray.rows).toHaveLength(0);
    const future = await ctx.db.query(`SELECT 1 FROM checkin.visit WHERE at > now() LIMIT 1`);
    expect(future.rows).toHaveLength(0);
  });

  it('the outbreak’s recent cases were at their market, and the tracer of their commune gets suggestions', async () => {
    expect(ctx.demo.checkins.outbreakCheckins).toBeGreaterThan(0);
    const r = await (await ctx.as('chihuy')).get('/api/checkins/exposures');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items.length).toBeGreaterThan(0);
  });
});
