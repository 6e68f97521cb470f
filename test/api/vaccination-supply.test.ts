// Vaccine lots, allocations and campaigns on every database: lots registered (duplicate refused,
// past expiry warned), the province allocating to a district and the district passing part on to a
// commune (never more than the lot or the allocation holds), administered against allocated with
// the 7-day rule of seed 002 as a dated policy (due soon, overdue, completed), campaigns with their
// progress and projection at the current pace; scoping by jurisdiction and every bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, signIn, type Client, type TestContext } from '../helpers/app.ts';
import { createUser } from '../../src/server/modules/users/service.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { seedMissingPolicies } from '../../src/server/modules/policies/missing.ts';
import { refreshCoverage } from '../../src/server/modules/vaccination/coverageFacts.ts';
import { measureCampaign } from '../../src/server/modules/vaccination/campaigns.ts';

const today = todayInVietnam();
const addDays = (iso: string, n: number) => new Date(Date.parse(iso + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
const yearsBefore = (iso: string, n: number) => `${Number(iso.slice(0, 4)) - n}${iso.slice(4) === '-02-29' ? '-02-28' : iso.slice(4)}`;

for (const kind of DB_KINDS) {
  describe(`vaccination supply API on ${kind}`, () => {
    let ctx: TestContext;
    let admin: Client;
    let huyen: Client;
    let xa: Client;
    let outsider: Client;
    let district: { code: string; path: string };
    let commune: { code: string; path: string };
    let otherCommune: { code: string; path: string };
    let farCommune: { code: string; path: string };
    let lotId: number;
    let districtAllocation: number;
    let communeAllocation: number;

    const unit = async (code: string) => (await ctx.db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = '20' AND code = $1`, [code])).rows[0];
    /** Adults of a unit without any dose yet, to give doses to (exactly n of them). */
    const unvaccinated = async (path: string, n: number, notIn = '-') => {
      const r = (
        await ctx.db.query<{ id: number; unit_path: string; commune_code: string }>(
          `SELECT id, unit_path, commune_code FROM person p WHERE province_code = '20' AND unit_path LIKE $1 || '%' AND unit_path NOT LIKE $4 || '%' AND birth_date <= $2
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id) ORDER BY id LIMIT $3`,
          [path, yearsBefore(today, 19), n, notIn],
        )
      ).rows;
      expect(r.length).toBe(n);
      return r;
    };
    /** People outside the district: a dose is counted where it was given (the site), not where the person lives. */
    const anyone = (n: number) => unvaccinated('20/', n, district.path);
    const give = async (people: { id: number; unit_path: string; commune_code: string }[], lot: number, doseKind: string, givenOn: (i: number) => string, sitePath: string) => {
      for (const [i, p] of people.entries())
        await ctx.db.query(
          `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_path, source)
           VALUES ('20', $1, $2, $3, 'pfizer', $4, $5, $6, $7, 'entry')`,
          [p.id, p.unit_path, p.commune_code, lot, doseKind, givenOn(i), sitePath],
        );
      // As every dose write does: the facts of the people's communes from the earliest day written.
      if (people.length) await ctx.db.tx((q) => refreshCoverage(q, '20', people.map((p) => p.commune_code), people.map((_, i) => givenOn(i)).sort()[0]));
    };
    const lot = async (c: Client, body: Record<string, unknown>) => c.post('/api/vaccination/lots', { productCode: 'pfizer', dosesReceived: 1000, receivedOn: addDays(today, -20), expiryDate: addDays(today, 90), ...body });

    beforeAll(async () => {
      // From a clean slate: without the demo's vaccination history (test/api/demo-vaccination.test.ts covers it).
      ctx = await createTestContext(kind, { demoVaccination: false });
      [admin, huyen, xa] = await Promise.all([ctx.as('admin'), ctx.as('huyen'), ctx.as('xa')]);
      district = await unit(ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode);
      commune = await unit(ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode);
      expect(commune.path.startsWith(district.path)).toBe(true);
      otherCommune = (
        await ctx.db.query<{ code: string; path: string }>(
          `SELECT code, path FROM admin_unit c WHERE province_code = '20' AND level = 'commune' AND parent_code = $1 AND code <> $2
              AND EXISTS (SELECT 1 FROM person p WHERE p.province_code = '20' AND p.commune_code = c.code) ORDER BY code LIMIT 1`,
          [district.code, commune.code],
        )
      ).rows[0];
      farCommune = (await ctx.db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = '20' AND level = 'commune' AND path NOT LIKE $1 || '%' ORDER BY code LIMIT 1`, [district.path])).rows[0];
      await ctx.db.tx((q) => createUser(q, '20', { username: 'xakhacvx', fullName: 'Cán bộ xã khác', password: 'mat-khau-xa-khac-1', role: 'commune_officer', unitCode: farCommune.code }));
      outsider = await signIn(ctx.app, 'xakhacvx', 'mat-khau-xa-khac-1');
    });
    afterAll(async () => ctx?.close());

    it('seeds the supply policies with their source, also for a province made before them', async () => {
      const rows = async () =>
        (await ctx.db.query<{ key: string; value: { days: number }; source: string }>(`SELECT key, value, source FROM policy_version WHERE province_code = '20' AND key LIKE 'vaccination.%_days' ORDER BY key`)).rows;
      expect((await rows()).map((r) => [r.key, r.value.days])).toEqual([
        ['vaccination.allocation_completion_days', 7],
        ['vaccination.campaign_pace_days', 7],
      ]);
      expect((await rows())[0].source).toMatch(/402-CV\/TU/);
      await ctx.db.query(`DELETE FROM policy_version WHERE province_code = '20' AND key = 'vaccination.allocation_completion_days'`);
      await ctx.db.tx((q) => seedMissingPolicies(q, ['vaccination.allocation_completion_days', 'vaccination.campaign_pace_days']));
      expect((await rows()).length).toBe(2);
    });

    it('registers lots: 201 with warnings for a past expiry, 409 for a duplicate, 400 for bad input, province staff only', async () => {
      const res = await lot(admin, { lotNumber: ' fk 0108 ' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().warnings).toEqual([]);
      expect(res.json().lot).toMatchObject({ productCode: 'pfizer', lotNumber: 'FK 0108', dosesReceived: 1000, allocated: 0, available: 1000, administered: 0, expiresInDays: 90 });
      lotId = res.json().lot.id;
      // The same lot typed differently is the same lot.
      const dup = await lot(admin, { lotNumber: 'FK  0108' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.fields).toEqual([{ field: 'lotNumber', code: 'duplicate_lot' }]);
      expect(dup.json().error.message).toBe('Dữ liệu xung đột với dữ liệu đã có');
      // Same number, other product: another lot.
      expect((await lot(admin, { lotNumber: 'FK 0108', productCode: 'moderna' })).statusCode).toBe(201);
      const expired = await lot(admin, { lotNumber: 'OLD-1', expiryDate: addDays(today, -1) });
      expect(expired.statusCode).toBe(201);
      expect(expired.json().warnings).toEqual([{ field: 'expiryDate', code: 'expired' }]);
      expect(expired.json().lot.expiresInDays).toBe(-1);

      const bad = async (body: Record<string, unknown>, status: number, code: string) => {
        const r = await lot(admin, body);
        expect(r.statusCode, r.body).toBe(status);
        expect(r.json().error.fields.map((f: { code: string }) => f.code)).toContain(code);
      };
      await bad({ lotNumber: 'X1', productCode: 'sinovac_fake' }, 400, 'unknown_product');
      await bad({ lotNumber: 'X1', dosesReceived: -5 }, 400, 'minimum');
      await bad({ lotNumber: 'X1', expiryDate: '2022-02-30' }, 400, 'format');
      await bad({ lotNumber: 'X1', receivedOn: addDays(today, 3) }, 400, 'in_future');
      await bad({ lotNumber: '   ' }, 400, 'pattern');
      // A district officer does not register the province's lots; a commune officer may not manage at all.
      const h = await lot(huyen, { lotNumber: 'X2' });
      expect(h.statusCode).toBe(403);
      expect(h.json().error.fields).toEqual([{ field: 'lot', code: 'province_only' }]);
      expect((await lot(xa, { lotNumber: 'X3' })).statusCode).toBe(403);
      expect((await ctx.db.query(`SELECT 1 FROM vaccine_lot WHERE province_code = '20' AND lot_number IN ('X1', 'X2', 'X3')`)).rows).toEqual([]);
      // Everyone who reads vaccination sees the lots.
      const list = (await xa.get('/api/vaccination/lots?q=fk')).json();
      expect(list.map((l: { productCode: string }) => l.productCode).sort()).toEqual(['moderna', 'pfizer']);
      expect((await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'vaccine_lot' AND action = 'create' AND entity_id = $1`, [String(lotId)])).rows.length).toBe(1);
    });

    it('allocates to a district, which passes part on to a commune: never more than the lot or the allocation holds', async () => {
      const post = (c: Client, body: Record<string, unknown>) => c.post('/api/vaccination/allocations', { lotId, doses: 600, deliveredOn: addDays(today, -3), ...body });
      const a = await post(admin, { unitCode: district.code });
      expect(a.statusCode, a.body).toBe(201);
      expect(a.json()).toMatchObject({ unitCode: district.code, doses: 600, passedOn: 0, administered: 0, parentId: null, dueOn: addDays(today, 4), state: 'open', daysLeft: 4 });
      districtAllocation = a.json().id;
      const over = await post(admin, { unitCode: district.code, doses: 401 });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.fields).toEqual([{ field: 'doses', code: 'exceeds_lot' }]);
      // The province's stock is for the province to give; the district passes on from its own.
      const h = await post(huyen, { unitCode: district.code, doses: 10 });
      expect(h.statusCode).toBe(403);
      // From the province's stock only to a unit right under the province.
      expect((await post(admin, { unitCode: commune.code, doses: 10 })).json().error.fields).toEqual([{ field: 'unitCode', code: 'not_a_district' }]);

      const c = await post(huyen, { unitCode: commune.code, parentId: districtAllocation, doses: 400, deliveredOn: addDays(today, -2) });
      expect(c.statusCode, c.body).toBe(201);
      expect(c.json()).toMatchObject({ parentId: districtAllocation, doses: 400, dueOn: addDays(today, 5) });
      communeAllocation = c.json().id;
      const more = await post(huyen, { unitCode: otherCommune.code, parentId: districtAllocation, doses: 201, deliveredOn: addDays(today, -2) });
      expect(more.statusCode).toBe(409);
      expect(more.json().error.fields).toEqual([{ field: 'doses', code: 'exceeds_allocation' }]);

      const bad = async (client: Client, body: Record<string, unknown>, status: number, code?: string) => {
        const r = await post(client, { unitCode: otherCommune.code, parentId: districtAllocation, deliveredOn: addDays(today, -2), doses: 10, ...body });
        expect(r.statusCode, r.body).toBe(status);
        if (code) expect(r.json().error.fields.map((f: { code: string }) => f.code)).toContain(code);
      };
      await bad(huyen, { lotId: 987654 }, 400, 'unknown_lot');
      await bad(huyen, { doses: -5 }, 400, 'minimum');
      await bad(huyen, { doses: 0 }, 400, 'minimum');
      await bad(huyen, { doses: 2.5 }, 400, 'type');
      await bad(huyen, { deliveredOn: addDays(today, 1) }, 400, 'in_future');
      await bad(huyen, { deliveredOn: addDays(today, -4) }, 400, 'before_parent_delivery');
      await bad(huyen, { deliveredOn: '2021-13-01' }, 400, 'format');
      await bad(huyen, { parentId: 987654 }, 400, 'unknown_allocation');
      await bad(huyen, { unitCode: farCommune.code }, 404);
      await bad(huyen, { unitCode: district.code }, 400, 'not_under_parent_unit');
      await bad(xa, {}, 403);
      // The lot's doses below what the province allocated: refused.
      const patch = await admin.patch(`/api/vaccination/lots/${lotId}`, { dosesReceived: 599 });
      expect(patch.statusCode).toBe(409);
      expect(patch.json().error.fields).toEqual([{ field: 'dosesReceived', code: 'below_allocated' }]);
      expect((await admin.patch(`/api/vaccination/lots/${lotId}`, { dosesReceived: 1200 })).json().lot).toMatchObject({ dosesReceived: 1200, allocated: 600, available: 600 });
      expect((await ctx.db.query(`SELECT count(*)::int AS n FROM vaccine_allocation WHERE province_code = '20' AND lot_id = $1`, [lotId])).rows[0]).toEqual({ n: 2 });
    });

    it('counts doses given at sites in the unit against its allocations, first in first out, with due-soon and overdue warnings', async () => {
      // 100 doses in the commune, 50 elsewhere in the district, 30 outside the district (not counted for it).
      await give(await anyone(100), lotId, 'primary_1', (i) => addDays(today, -(i % 2)), commune.path);
      await give(await anyone(50), lotId, 'primary_1', () => today, otherCommune.path);
      await give(await anyone(30), lotId, 'primary_1', () => today, farCommune.path);
      const list = (await huyen.get('/api/vaccination/allocations')).json() as { id: number; administered: number; passedOn: number; state: string }[];
      expect(list.find((a) => a.id === districtAllocation)).toMatchObject({ administered: 150, passedOn: 400, state: 'open' });
      expect(list.find((a) => a.id === communeAllocation)).toMatchObject({ administered: 100, state: 'open' });

      // A second lot delivered 9 days ago (overdue) and a third 6 days ago (due tomorrow: due soon).
      const lot2 = (await lot(admin, { lotNumber: 'OVERDUE-1', dosesReceived: 100 })).json().lot.id;
      const lot3 = (await lot(admin, { lotNumber: 'DUESOON-1', dosesReceived: 100 })).json().lot.id;
      const lot4 = (await lot(admin, { lotNumber: 'DONE-1', dosesReceived: 100 })).json().lot.id;
      const alloc = async (l: number, days: number, doses = 100) =>
        (await admin.post('/api/vaccination/allocations', { lotId: l, unitCode: district.code, doses, deliveredOn: addDays(today, -days) })).json().id as number;
      const overdue = await alloc(lot2, 9);
      const dueSoon = await alloc(lot3, 6);
      const done = await alloc(lot4, 9, 20);
      await give(await anyone(20), lot4, 'primary_1', () => addDays(today, -8), otherCommune.path);
      await give(await anyone(10), lot2, 'primary_1', () => addDays(today, -5), otherCommune.path);

      const s = (await huyen.get(`/api/vaccination/allocations/summary`)).json();
      expect(s.unit.code).toBe(district.code);
      expect(s.policy).toEqual({ days: 7, warnDaysBefore: 2 });
      expect(s.warnings.map((w: { id: number; state: string; daysLeft: number; administered: number }) => [w.id, w.state, w.daysLeft, w.administered])).toEqual([
        [overdue, 'overdue', -2, 10],
        [dueSoon, 'due_soon', 1, 0],
      ]);
      const byId = new Map((await huyen.get('/api/vaccination/allocations')).json().map((a: { id: number }) => [a.id, a]));
      expect(byId.get(done)).toMatchObject({ state: 'completed', completedOn: addDays(today, -8), administered: 20 });
      // The series: what came into the district and what was given there, day by day.
      expect(s.series.at(-1)).toEqual({ day: today, allocated: 600 + 100 + 100 + 20, administered: 150 + 20 + 10 });
      expect(s.allocated).toBe(820);
      expect(s.passedOn).toBe(400);
      const one = (await huyen.get(`/api/vaccination/allocations/summary?lot=${lotId}&from=${addDays(today, -3)}`)).json();
      expect(one.series.map((p: { allocated: number; administered: number }) => [p.allocated, p.administered])).toEqual([
        [600, 0],
        [600, 0],
        [600, 50],
        [600, 150],
      ]);
      // The province sees the lots it received against everything given anywhere.
      const prov = (await admin.get(`/api/vaccination/allocations/summary?lot=${lotId}`)).json();
      expect(prov.series.at(-1)).toEqual({ day: today, allocated: 1200, administered: 180 });
      // The lots list's administered comes from the per-commune facts: the same as counting the lot's doses.
      const lotDoses = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20' AND lot_id = $1`, [lotId])).rows[0].n;
      expect(lotDoses).toBe(180);
      expect((await admin.get('/api/vaccination/lots')).json().find((l: { id: number }) => l.id === lotId)).toMatchObject({ administered: lotDoses });

      // A new version of the rule (14 days from a date) applies to deliveries from that date: the overdue one is open again.
      const add = await admin.post('/api/policies/vaccination.allocation_completion_days/versions', { effectiveFrom: addDays(today, -10), value: { days: 14, warnDaysBefore: 2 }, source: 'Thử nghiệm: 14 ngày' });
      expect(add.statusCode, add.body).toBe(201);
      const s2 = (await huyen.get(`/api/vaccination/allocations/summary`)).json();
      expect(s2.warnings).toEqual([]);
      expect(s2.policy).toEqual({ days: 14, warnDaysBefore: 2 });
    });

    it('scopes allocations to the jurisdiction: the commune sees its own, another district sees nothing', async () => {
      const mine = (await xa.get('/api/vaccination/allocations')).json() as { id: number; unitCode: string }[];
      expect(mine.map((a) => a.id)).toEqual([communeAllocation]);
      expect((await xa.get(`/api/vaccination/allocations/summary`)).json()).toMatchObject({ unit: { code: commune.code }, allocated: 400, administered: 100 });
      expect((await xa.get(`/api/vaccination/allocations/summary?unit=${district.code}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/vaccination/allocations?unit=${district.code}`)).statusCode).toBe(404);
      expect((await outsider.get('/api/vaccination/allocations')).json().filter((a: { unitPath: string }) => a.unitPath.startsWith(district.path))).toEqual([]);
      // Withdrawn by the giver only, and not once part of it was passed on.
      expect((await huyen.request({ method: 'DELETE', url: `/api/vaccination/allocations/${districtAllocation}` })).statusCode).toBe(403);
      expect((await admin.request({ method: 'DELETE', url: `/api/vaccination/allocations/${districtAllocation}` })).json().error.fields).toEqual([{ field: 'id', code: 'already_passed_on' }]);
      expect((await outsider.request({ method: 'DELETE', url: `/api/vaccination/allocations/${communeAllocation}` })).statusCode).toBe(403);
      const extra = (await huyen.post('/api/vaccination/allocations', { lotId, unitCode: otherCommune.code, parentId: districtAllocation, doses: 5, deliveredOn: today })).json().id;
      expect((await huyen.request({ method: 'DELETE', url: `/api/vaccination/allocations/${extra}` })).statusCode).toBe(204);
    });

    it('follows a campaign: progress of the target group, pace of the last 7 days, projected completion and the warning', async () => {
      const body = { name: 'Tiêm mũi nhắc lại cho người trưởng thành', unitCode: district.code, target: { minAge: 18, doseKind: 'booster_1' }, startsOn: addDays(today, -10), deadline: addDays(today, 20), source: 'seed 003' };
      const before = await huyen.post('/api/vaccination/campaigns', { ...body, deadline: addDays(today, -11) });
      expect(before.statusCode).toBe(400);
      expect(before.json().error.fields).toEqual([{ field: 'deadline', code: 'deadline_before_start' }]);
      expect((await huyen.post('/api/vaccination/campaigns', { ...body, target: { minAge: 60, maxAge: 18, doseKind: 'booster_1' } })).json().error.fields).toEqual([{ field: 'target.maxAge', code: 'below_min_age' }]);
      expect((await huyen.post('/api/vaccination/campaigns', { ...body, target: { minAge: 18, doseKind: 'booster_7' } })).statusCode).toBe(400);
      expect((await huyen.post('/api/vaccination/campaigns', { ...body, unitCode: farCommune.code })).statusCode).toBe(404);
      expect((await xa.post('/api/vaccination/campaigns', { ...body, unitCode: commune.code })).statusCode).toBe(403);

      // Boosters: 14 adults of the district before the start, then 2 a day over the last 7 days (14).
      const boosted = await unvaccinated(district.path, 28);
      await give(boosted.slice(0, 14), lotId, 'booster_1', () => addDays(today, -30), commune.path);
      await give(boosted.slice(14), lotId, 'booster_1', (i) => addDays(today, -Math.floor(i / 2)), commune.path);
      const res = await huyen.post('/api/vaccination/campaigns', body);
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json();
      const count = async (path: string, sql: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person p WHERE province_code = '20' AND unit_path LIKE $1 || '%' AND birth_date <= $2 ${sql}`, [path, yearsBefore(today, 18)])).rows[0].n;
      const hasBooster = `AND EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id AND d.dose_kind = 'booster_1')`;
      const lastWeek = `AND EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id AND d.dose_kind = 'booster_1' AND d.given_on > '${addDays(today, -7)}')`;
      const target = await count(district.path, '');
      const done = await count(district.path, hasBooster);
      const week = await count(district.path, lastWeek);
      expect(done).toBeGreaterThanOrEqual(28);
      expect(c.progress).toMatchObject({ target, done, remaining: target - done, pacePerDay: week / 7, paceDays: 7, daysLeft: 20 });
      const projected = addDays(today, Math.ceil((target - done) / (week / 7)));
      expect(c.progress.projectedOn).toBe(projected);
      // At 2 a day the district's adults are far from done by the deadline: the warning.
      expect(projected > body.deadline).toBe(true);
      expect(c.progress.state).toBe('will_not_finish');
      expect(c.progress.requiredPerDay).toBeCloseTo((target - done) / 20, 10);
      expect(c.series[0].day).toBe(addDays(today, -11));
      expect(c.series.at(-1)).toEqual({ day: today, done });
      expect(c.pace).toMatchObject({ days: 7, policyVersion: 1 });
      // Read from the coverage facts; counting the registry person by person gives the same series.
      const m = (registryOnly: boolean) => measureCampaign(ctx.db, '20', district.path, body.target as never, today, addDays(today, -11), today, { registryOnly });
      const [facts, registry] = await Promise.all([m(false), m(true)]);
      expect(facts.source).toBe('facts');
      expect(registry.source).toBe('registry');
      expect(facts.population).toBe(target);
      const byDay = (x: { doses: { day: string; n: number }[] }) => {
        const m = new Map<string, number>();
        for (const d of x.doses) m.set(d.day, (m.get(d.day) ?? 0) + d.n);
        return Object.fromEntries([...m].filter(([, n]) => n !== 0).sort());
      };
      expect(byDay(facts)).toEqual(byDay(registry));
      expect(Object.values(byDay(facts)).reduce((a, b) => a + b, 0)).toBe(done);
      expect(registry.population).toBe(target);
      // With the target group cut to what is done already except 1 person, it will finish (goal below 100 %).
      const small = (await huyen.post('/api/vaccination/campaigns', { ...body, name: 'Mục tiêu thấp', target: { minAge: 18, doseKind: 'booster_1', goalPct: Math.floor((done / target) * 100) } })).json();
      expect(small.progress.state).toBe('completed');

      // The commune officer sees the district campaign, measured on their commune only.
      const seen = (await xa.get('/api/vaccination/campaigns')).json().find((x: { id: number }) => x.id === c.id);
      expect(seen.progressUnit.code).toBe(commune.code);
      expect(seen.progress).toMatchObject({ target: await count(commune.path, ''), done: await count(commune.path, hasBooster) });
      expect((await huyen.get(`/api/vaccination/campaigns/${c.id}?unit=${commune.code}`)).json().progress.target).toBe(seen.progress.target);
      expect((await outsider.get('/api/vaccination/campaigns')).json().map((x: { id: number }) => x.id)).not.toContain(c.id);
      expect((await outsider.get(`/api/vaccination/campaigns/${c.id}`)).statusCode).toBe(404);
      // A priority group with nobody in it: an empty target, no division by zero.
      const empty = (await huyen.post('/api/vaccination/campaigns', { ...body, name: 'Nhóm trống', target: { minAge: 18, doseKind: 'booster_1', priorityGroups: ['diplomatic_customs'] } })).json();
      expect(empty.progress).toMatchObject({ target: 0, done: 0, share: 0 });

      // Moving the deadline before the start is refused; closing works; the commune may not change it.
      expect((await huyen.patch(`/api/vaccination/campaigns/${c.id}`, { deadline: addDays(today, -20) })).json().error.fields).toEqual([{ field: 'deadline', code: 'deadline_before_start' }]);
      expect((await xa.patch(`/api/vaccination/campaigns/${c.id}`, { status: 'closed' })).statusCode).toBe(403);
      const closed = await huyen.patch(`/api/vaccination/campaigns/${c.id}`, { status: 'closed' });
      expect(closed.json()).toMatchObject({ status: 'closed', progress: { state: 'closed' } });
      expect((await ctx.db.query(`SELECT action FROM audit_log WHERE entity = 'vaccination_campaign' AND entity_id = $1 ORDER BY id`, [String(c.id)])).rows.map((r) => r.action)).toEqual(['create', 'update']);
    });
  });
}
