// The vaccination registry on every database: products in force by date, doses recorded from a
// known lot with every bad input of issue 5 refused with nothing written, the override of the
// minimum interval (flagged), corrections and deletions audited, adverse events with follow-ups,
// the vaccination profile with deferrals and contraindications, a person's record and schedule
// (audited read), jurisdiction scoping, and the case area reading the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';

const today = todayInVietnam();
// People with no case, contact or order; the demo's vaccination history of the people used here is
// removed first, so that each test starts from a known registry.
const FREE = `NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = p.province_code AND o.person_id = p.id)`;
const CLEAR = [
  `DELETE FROM adverse_event_follow_up f USING adverse_event e WHERE f.province_code = e.province_code AND f.adverse_event_id = e.id AND e.person_id = ANY($1::bigint[])`,
  `DELETE FROM adverse_event WHERE person_id = ANY($1::bigint[])`,
  `UPDATE sweep_visit SET dose_id = NULL WHERE person_id = ANY($1::bigint[])`,
  `UPDATE home_vaccination_request SET dose_id = NULL WHERE person_id = ANY($1::bigint[])`,
  `DELETE FROM vaccination_certificate WHERE person_id = ANY($1::bigint[])`,
  `DELETE FROM vaccine_dose WHERE person_id = ANY($1::bigint[])`,
  `DELETE FROM vaccination_profile WHERE person_id = ANY($1::bigint[])`,
];

const codes = (res: { json(): { error: { fields: { field: string; code: string }[] } } }) => res.json().error.fields.map((f) => `${f.field}:${f.code}`);
const del = (c: Client, url: string, body: unknown) => c.request({ method: 'DELETE', url, payload: body as object });
const put = (c: Client, url: string, body: unknown) => c.request({ method: 'PUT', url, payload: body as object });

for (const kind of DB_KINDS) {
  describe(`vaccination registry API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let adults: number[];
    let teen: number;
    let far: number;
    const lot: Record<string, number> = {};
    const doseCount = async () => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_dose`)).rows[0].n;

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      adults = (
        await ctx.db.query<{ id: number }>(
          `SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.birth_date BETWEEN '1960-01-01' AND '1995-12-31' AND ${FREE} ORDER BY p.id LIMIT 10`,
          [commune],
        )
      ).rows.map((r) => Number(r.id));
      expect(adults.length).toBe(10);
      // A 15-year-old in 2021 (the birth date set here so the age rules are exact).
      teen = Number((await ctx.db.query<{ id: number }>(`SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND ${FREE} AND p.id <> ALL($2::bigint[]) ORDER BY p.id LIMIT 1`, [commune, adults])).rows[0].id);
      await ctx.db.query(`UPDATE person SET birth_date = '2006-03-01' WHERE province_code = '20' AND id = $1`, [teen]);
      far = Number((await ctx.db.query<{ id: number }>(`SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code <> $1 AND ${FREE} ORDER BY p.id LIMIT 1`, [commune])).rows[0].id);
      for (const sql of CLEAR) await ctx.db.query(sql, [[...adults, teen, far]]);
      // Lots come from the supply part's API; here they are inserted directly.
      for (const [product, number, expiry] of [
        ['pfizer', 'FK1234', '2030-12-31'],
        ['astrazeneca', 'AZ-778', '2030-12-31'],
        ['moderna', 'MD-55', '2030-12-31'],
        ['vero_cell', 'VC-01', '2030-12-31'],
        ['janssen', 'JS-OLD', '2021-06-30'],
      ]) {
        const r = await ctx.db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, expiry_date, doses_received) VALUES ('20', $1, $2, $3, 1000) RETURNING id`, [product, number, expiry]);
        lot[product] = Number(r.rows[0].id);
      }
    });
    afterAll(async () => ctx?.close());

    it('lists the products and boosters in force on a date, with the usable lots', async () => {
      const tc = await ctx.as('tiemchung');
      const before = (await tc.get('/api/vaccination/products?date=2021-12-16')).json();
      expect(before.boosters.booster1).toEqual([{ minAge: 18, minMonths: 6 }]);
      const after = (await tc.get('/api/vaccination/products?date=2021-12-17')).json();
      expect(after.boosters.booster1).toEqual([{ minAge: 18, minMonths: 3 }]);
      expect(after.policy.boosters).toMatchObject({ effectiveFrom: '2021-12-17' });
      expect(after.products.map((p: { code: string }) => p.code)).toContain('abdala');
      expect(after.lots.map((l: { lotNumber: string }) => l.lotNumber)).toEqual(expect.arrayContaining(['FK1234', 'AZ-778']));
      expect(after.lots.map((l: { lotNumber: string }) => l.lotNumber)).not.toContain('JS-OLD');
      expect((await tc.get('/api/vaccination/products?date=2020-01-01')).statusCode).toBe(409);
      expect((await tc.get('/api/vaccination/products?date=2021-02-30')).statusCode).toBe(400);
      expect((await (await ctx.as('xem')).get('/api/vaccination/products')).statusCode).toBe(403);
    });

    it('records doses from a known lot, and the schedule follows', async () => {
      const tc = await ctx.as('tiemchung');
      const r1 = await tc.post('/api/vaccination/doses', { personId: adults[0], kind: 'primary_1', lotId: lot.pfizer, givenOn: '2021-08-01', siteName: 'Trạm Y tế xã' });
      expect(r1.statusCode, r1.body).toBe(201);
      expect(r1.json()).toMatchObject({ flagged: false, dose: { kind: 'primary_1', productCode: 'pfizer', lotNumber: 'FK1234', givenOn: '2021-08-01', siteUnitCode: commune, vaccinator: 'tiemchung' }, status: { state: 'overdue', nextKind: 'primary_2', dueOn: '2021-08-22' } });
      const r2 = await tc.post('/api/vaccination/doses', { personId: adults[0], kind: 'primary_2', productCode: 'pfizer', lotId: lot.pfizer, givenOn: '2021-08-22' });
      expect(r2.statusCode, r2.body).toBe(201);
      expect(r2.json().status).toMatchObject({ fullyVaccinatedOn: '2021-08-22', nextKind: 'booster_1', dueOn: '2021-11-22' });
      const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'vaccine_dose' AND action = 'create' AND entity_id = $1`, [String(r2.json().dose.id)]);
      expect(audited.rows.length).toBe(1);
      // A mixed series (AstraZeneca then Pfizer) is complete; the commune officer may record in their commune.
      const xa = await ctx.as('xa');
      expect((await xa.post('/api/vaccination/doses', { personId: adults[1], kind: 'primary_1', lotId: lot.astrazeneca, givenOn: '2021-07-01' })).statusCode).toBe(201);
      const mixed = await xa.post('/api/vaccination/doses', { personId: adults[1], kind: 'primary_2', lotId: lot.pfizer, givenOn: '2021-08-30' });
      expect(mixed.statusCode, mixed.body).toBe(201);
      expect(mixed.json().status.fullyVaccinatedOn).toBe('2021-08-30');
    });

    it('refuses every bad input with a clear 4xx and writes nothing', async () => {
      const tc = await ctx.as('tiemchung');
      const before = await doseCount();
      const base = { personId: adults[2], kind: 'primary_1', lotId: lot.pfizer, givenOn: '2021-08-01' };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ lotId: 999999 }, 400, 'lotId:unknown_lot'],
        [{ productCode: 'moderna' }, 400, 'lotId:lot_product_mismatch'],
        [{ lotId: lot.janssen, givenOn: '2021-08-01' }, 400, 'lotId:lot_expired'],
        [{ givenOn: addDays(today, 1) }, 400, 'givenOn:in_future'],
        [{ givenOn: '2021-02-30' }, 400, 'givenOn:format'],
        [{ givenOn: '2021-05-01' }, 400, 'productCode:product_not_in_force'],
        [{ kind: 'primary_2' }, 400, 'kind:missing_previous'],
        [{ kind: 'booster_1', givenOn: '2022-01-10' }, 400, 'kind:primary_incomplete'],
        [{ personId: teen, lotId: lot.astrazeneca, givenOn: '2021-11-01' }, 400, 'productCode:product_not_for_age'],
        [{ personId: teen, givenOn: '2021-09-01' }, 400, 'productCode:product_not_for_age'],
        [{ personId: adults[0], kind: 'primary_2', givenOn: '2021-09-01' }, 409, 'kind:duplicate_kind'],
        [{ personId: adults[0], kind: 'booster_1', givenOn: '2021-08-22' }, 409, 'givenOn:duplicate_day'],
        [{ personId: adults[0], kind: 'booster_1', givenOn: '2021-12-10' }, 400, 'givenOn:interval_too_short'],
        [{ personId: adults[0], kind: 'booster_1', lotId: lot.vero_cell, givenOn: '2022-01-10' }, 400, 'productCode:product_not_for_kind'],
        [{ personId: 987654321 }, 404, 'personId:not_found'],
      ];
      for (const [patch, status, code] of cases) {
        const res = await tc.post('/api/vaccination/doses', { ...base, ...patch });
        expect(res.statusCode, `${JSON.stringify(patch)} → ${res.body}`).toBe(status);
        expect(codes(res), JSON.stringify(patch)).toContain(code);
      }
      // Out of the jurisdiction: the commune officer cannot record for a person of another commune.
      const outside = await (await ctx.as('xa')).post('/api/vaccination/doses', { ...base, personId: far });
      expect(outside.statusCode).toBe(404);
      expect(codes(outside)).toEqual(['personId:not_found']);
      // Before birth: a baby born after the dose date.
      await ctx.db.query(`UPDATE person SET birth_date = '2021-09-01' WHERE province_code = '20' AND id = $1`, [adults[9]]);
      const unborn = await tc.post('/api/vaccination/doses', { ...base, personId: adults[9] });
      expect(unborn.statusCode).toBe(400);
      expect(codes(unborn)).toEqual(['givenOn:before_birth']);
      // The interval message names the earliest date.
      const early = await tc.post('/api/vaccination/doses', { ...base, personId: adults[0], kind: 'booster_1', givenOn: '2021-12-10' });
      expect(early.json().error.fields[0].message).toBe('2022-02-22');
      // Schema errors: unknown kind, missing lot, extra field, malformed JSON.
      for (const body of [{ ...base, kind: 'primary_4' }, { personId: adults[2], kind: 'primary_1', givenOn: '2021-08-01' }, { ...base, extra: 1 }]) {
        expect((await tc.post('/api/vaccination/doses', body)).statusCode).toBe(400);
      }
      const bad = await tc.request({ method: 'POST', url: '/api/vaccination/doses', payload: '{"personId": 1,', headers: { 'content-type': 'application/json' } });
      expect(bad.statusCode).toBe(400);
      // A community team member may not record doses.
      expect((await (await ctx.as('tocovid')).post('/api/vaccination/doses', base)).statusCode).toBe(403);
      expect(await doseCount()).toBe(before);
    });

    it('accepts a dose before the minimum interval only with an override reason, flagged', async () => {
      const tc = await ctx.as('tiemchung');
      await tc.post('/api/vaccination/doses', { personId: adults[3], kind: 'primary_1', lotId: lot.pfizer, givenOn: '2021-08-01' });
      const blank = await tc.post('/api/vaccination/doses', { personId: adults[3], kind: 'primary_2', lotId: lot.pfizer, givenOn: '2021-08-15', overrideReason: ' ' });
      expect(blank.statusCode).toBe(400);
      const ok = await tc.post('/api/vaccination/doses', { personId: adults[3], kind: 'primary_2', lotId: lot.pfizer, givenOn: '2021-08-15', overrideReason: 'Đi công tác nước ngoài' });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ flagged: true, dose: { flagged: true, overrideReason: 'Đi công tác nước ngoài' } });
      const flagged = (await tc.get('/api/vaccination/doses?flagged=true&from=2021-08-01&to=2021-08-31')).json();
      expect(flagged.items.map((d: { personId: number }) => d.personId)).toContain(adults[3]);
      expect(flagged.items.every((d: { flagged: boolean }) => d.flagged)).toBe(true);
    });

    it("reads a person's record and schedule, audited, and only in the jurisdiction", async () => {
      const xa = await ctx.as('xa');
      const rec = await xa.get(`/api/vaccination/people/${adults[0]}?on=2021-12-20`);
      expect(rec.statusCode, rec.body).toBe(200);
      expect(rec.json()).toMatchObject({ on: '2021-12-20', person: { id: adults[0] }, status: { state: 'due', nextKind: 'booster_1', dueOn: '2021-11-22' }, profile: { deferral: null } });
      expect(rec.json().doses.map((d: { kind: string }) => d.kind)).toEqual(['primary_1', 'primary_2']);
      // On 1/12/2021 the booster interval was still 6 months.
      expect((await xa.get(`/api/vaccination/people/${adults[0]}?on=2021-12-01`)).json().status).toMatchObject({ state: 'too_early', dueOn: '2022-02-22' });
      const audits = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_record' AND entity_id = $1 AND username = 'xa' AND outcome = 'ok'`, [String(adults[0])]);
      expect(audits.rows[0].n).toBe(2);
      // xa's commune only: the person of another commune is not found, the attempt audited.
      expect((await xa.get(`/api/vaccination/people/${far}`)).statusCode).toBe(404);
      const miss = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'vaccination_record' AND entity_id = $1 AND outcome = 'not_found'`, [String(far)]);
      expect(miss.rows.length).toBe(1);
      // A dose recorded elsewhere is invisible to xa, in lists and by id.
      const tc = await ctx.as('tiemchung');
      const other = await ctx.db.query<{ commune_code: string }>(`SELECT commune_code FROM person WHERE province_code = '20' AND id = $1`, [far]);
      const inDistrict = await ctx.db.query(`SELECT 1 FROM admin_unit a JOIN app_user u ON u.province_code = a.province_code AND u.username = 'tiemchung' JOIN admin_unit t ON t.province_code = a.province_code AND t.code = u.unit_code WHERE a.province_code = '20' AND a.code = $1 AND a.path LIKE t.path || '%'`, [other.rows[0].commune_code]);
      if (inDistrict.rows.length) {
        const farDose = await tc.post('/api/vaccination/doses', { personId: far, kind: 'primary_1', lotId: lot.pfizer, givenOn: '2021-08-03' });
        expect(farDose.statusCode, farDose.body).toBe(201);
        expect((await xa.get(`/api/vaccination/doses/${farDose.json().dose.id}`)).statusCode).toBe(404);
        expect((await xa.post('/api/vaccination/doses', { personId: far, kind: 'primary_2', lotId: lot.pfizer, givenOn: '2021-08-24' })).statusCode).toBe(404);
      }
      const list = (await xa.get('/api/vaccination/doses?from=2021-07-01&to=2021-09-30')).json();
      expect(list.items.length).toBeGreaterThanOrEqual(5);
      expect(list.items.every((d: { communeCode: string }) => d.communeCode === commune)).toBe(true);
      expect(list.items.some((d: { personId: number }) => d.personId === far)).toBe(false);
    });

    it('keeps the profile: deferral and contraindication with reason and dates, refused when incomplete', async () => {
      const xa = await ctx.as('xa');
      const url = `/api/vaccination/people/${adults[2]}/profile`;
      const p = { priorityGroup: 'teachers_officials', comorbidity: true, bedridden: false, immunocompromised: false };
      const bad: [Record<string, unknown>, string][] = [
        [{ deferral: 'deferred' }, 'deferralReason:required'],
        [{ deferral: 'deferred', deferralReason: 'Đang sốt' }, 'deferralOn:required'],
        [{ deferral: 'deferred', deferralReason: 'Đang sốt', deferralOn: addDays(today, 1) }, 'deferralOn:in_future'],
        [{ deferral: 'deferred', deferralReason: 'Đang sốt', deferralOn: today, deferralUntil: today }, 'deferralUntil:not_after_start'],
        [{ deferral: 'contraindicated', deferralReason: 'Sốc phản vệ độ 3', deferralOn: today, deferralUntil: addDays(today, 30) }, 'deferralUntil:contraindication_has_no_end'],
        [{ deferral: null, deferralReason: 'Đang sốt' }, 'deferralReason:without_deferral'],
      ];
      for (const [patch, code] of bad) {
        const res = await put(xa, url, { ...p, ...patch });
        expect(res.statusCode, JSON.stringify(patch)).toBe(400);
        expect(codes(res)).toContain(code);
      }
      expect((await put(xa, url, { ...p, priorityGroup: 'vip', deferral: null })).statusCode).toBe(400);
      expect((await ctx.db.query(`SELECT 1 FROM vaccination_profile WHERE person_id = $1`, [adults[2]])).rows.length).toBe(0);
      const until = addDays(today, 14);
      const ok = await put(xa, url, { ...p, deferral: 'deferred', deferralReason: 'Đang điều trị sốt xuất huyết', deferralOn: today, deferralUntil: until });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ priorityGroup: 'teachers_officials', comorbidity: true, deferral: 'deferred', deferralUntil: until });
      expect((await xa.get(`/api/vaccination/people/${adults[2]}`)).json().status).toMatchObject({ state: 'deferred', reason: 'deferred_until', dueOn: until });
      const ci = await put(xa, url, { ...p, deferral: 'contraindicated', deferralReason: 'Sốc phản vệ độ 3 với mũi trước', deferralOn: today });
      expect(ci.statusCode).toBe(200);
      expect((await xa.get(`/api/vaccination/people/${adults[2]}`)).json().status.state).toBe('contraindicated');
      expect((await put(xa, `/api/vaccination/people/${far}/profile`, { ...p, deferral: null })).statusCode).toBe(404);
      const audited = await ctx.db.query(`SELECT details FROM audit_log WHERE entity = 'vaccination_profile' AND entity_id = $1 ORDER BY id`, [String(adults[2])]);
      expect(audited.rows.length).toBe(2);
      // Cleared again for the tests below.
      expect((await put(xa, url, { ...p, deferral: null })).statusCode).toBe(200);
    });

    it('records adverse events with follow-ups', async () => {
      const xa = await ctx.as('xa');
      const doseId = (await xa.get(`/api/vaccination/people/${adults[1]}`)).json().doses[1].id as number;
      const bad: [Record<string, unknown>, string][] = [
        [{ onsetAt: '2021-08-29T10:00:00Z' }, 'onsetAt:before_dose'],
        [{ onsetAt: new Date(Date.now() + 86_400_000).toISOString() }, 'onsetAt:in_future'],
      ];
      for (const [patch, code] of bad) {
        const res = await xa.post(`/api/vaccination/doses/${doseId}/adverse-events`, { onsetAt: '2021-08-30T14:00:00+07:00', severity: 'serious', description: 'Khó thở, tức ngực', ...patch });
        expect(res.statusCode).toBe(400);
        expect(codes(res)).toEqual([code]);
      }
      expect((await xa.post(`/api/vaccination/doses/${doseId}/adverse-events`, { onsetAt: '2021-08-30T14:00:00+07:00', severity: 'fatal', description: 'x y z' })).statusCode).toBe(400);
      const ae = await xa.post(`/api/vaccination/doses/${doseId}/adverse-events`, { onsetAt: '2021-08-30T14:00:00+07:00', severity: 'serious', description: 'Khó thở, tức ngực' });
      expect(ae.statusCode, ae.body).toBe(201);
      expect(ae.json()).toMatchObject({ severity: 'serious', status: 'open', followUps: [] });
      const id = ae.json().id;
      expect((await xa.post(`/api/vaccination/adverse-events/${id}/follow-ups`, { status: 'hospitalised', at: '2021-08-29T00:00:00Z' })).statusCode).toBe(400);
      expect((await xa.post(`/api/vaccination/adverse-events/${id}/follow-ups`, { status: 'hospitalised', note: 'Chuyển bệnh viện huyện', at: '2021-08-30T16:00:00+07:00' })).statusCode).toBe(201);
      const rec = await xa.post(`/api/vaccination/adverse-events/${id}/follow-ups`, { status: 'recovered', note: 'Ra viện' });
      expect(rec.json()).toMatchObject({ status: 'recovered', followUps: [{ status: 'hospitalised' }, { status: 'recovered', note: 'Ra viện' }] });
      const list = (await xa.get('/api/vaccination/adverse-events?severity=serious')).json();
      expect(list.items.map((e: { id: number }) => e.id)).toContain(id);
      expect((await xa.get(`/api/vaccination/people/${adults[1]}`)).json().adverseEvents[0]).toMatchObject({ id, status: 'recovered' });
    });

    it('corrects and deletes doses with the reason, audited; a correction that breaks a later dose is refused', async () => {
      const tc = await ctx.as('tiemchung');
      const doses = (await tc.get(`/api/vaccination/people/${adults[0]}`)).json().doses as { id: number; kind: string }[];
      const [d1, d2] = doses;
      // Moving dose 1 to 10 days before dose 2 makes dose 2 too early.
      const breaks = await tc.patch(`/api/vaccination/doses/${d1.id}`, { givenOn: '2021-08-12', reason: 'Nhập sai ngày' });
      expect(breaks.statusCode, breaks.body).toBe(409);
      expect(codes(breaks)).toEqual(['givenOn:later_dose_invalid']);
      expect((await tc.patch(`/api/vaccination/doses/${d1.id}`, { givenOn: '2021-08-30', reason: 'Nhập sai ngày' })).statusCode).toBe(400);
      expect((await tc.patch(`/api/vaccination/doses/${d1.id}`, { givenOn: '2021-07-30' })).statusCode).toBe(400);
      // Moderna needs 28 days before dose 2 (22/8): 30/7 is too late a first dose for it, 25/7 is right.
      expect(codes(await tc.patch(`/api/vaccination/doses/${d1.id}`, { givenOn: '2021-07-30', lotId: lot.moderna, reason: 'Nhập sai ngày và lô' }))).toEqual(['givenOn:later_dose_invalid']);
      const ok = await tc.patch(`/api/vaccination/doses/${d1.id}`, { givenOn: '2021-07-25', lotId: lot.moderna, reason: 'Nhập sai ngày và lô' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().dose).toMatchObject({ givenOn: '2021-07-25', productCode: 'moderna', lotNumber: 'MD-55' });
      const audit = await ctx.db.query<{ details: { reason: string; before: { givenOn: string } } }>(`SELECT details FROM audit_log WHERE entity = 'vaccine_dose' AND action = 'update' AND entity_id = $1`, [String(d1.id)]);
      expect(audit.rows[0].details).toMatchObject({ reason: 'Nhập sai ngày và lô', before: { givenOn: '2021-08-01' } });
      // Delete: not while a later dose depends on it, nor with an adverse event.
      const early = await del(tc, `/api/vaccination/doses/${d1.id}`, { reason: 'Nhập nhầm người' });
      expect(early.statusCode).toBe(409);
      expect(codes(early)).toEqual(['id:later_doses']);
      const withAe = (await tc.get(`/api/vaccination/people/${adults[1]}`)).json().doses[1].id;
      expect(codes(await del(tc, `/api/vaccination/doses/${withAe}`, { reason: 'Nhập nhầm người' }))).toEqual(['id:has_adverse_events']);
      expect((await del(tc, `/api/vaccination/doses/${d2.id}`, {})).statusCode).toBe(400);
      const gone = await del(tc, `/api/vaccination/doses/${d2.id}`, { reason: 'Nhập nhầm người' });
      expect(gone.statusCode, gone.body).toBe(200);
      expect((await tc.get(`/api/vaccination/people/${adults[0]}`)).json().doses.map((d: { kind: string }) => d.kind)).toEqual(['primary_1']);
      expect((await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'vaccine_dose' AND action = 'delete' AND entity_id = $1`, [String(d2.id)])).rows.length).toBe(1);
      expect((await del(await ctx.as('xaben'), `/api/vaccination/doses/${d1.id}`, { reason: 'Không phải xã tôi' })).statusCode).toBe(404);
    });

    it('the case area reads the registry: case vaccination status and the quarantine rule for the fully vaccinated', async () => {
      const xa = await ctx.as('xa');
      const [index, vaccinated, control] = [adults[4], adults[5], adults[6]];
      for (const [kind, givenOn] of [['primary_1', addDays(today, -120)], ['primary_2', addDays(today, -90)]]) {
        for (const p of [index, vaccinated]) expect((await xa.post('/api/vaccination/doses', { personId: p, kind, lotId: lot.pfizer, givenOn })).statusCode).toBe(201);
      }
      const exposure = addDays(today, -1);
      const c = await xa.post('/api/cases', {
        personId: index,
        reportDate: today,
        sampleDate: exposure,
        detectedIn: 'community',
        reportedVia: 'lab',
        evidence: { pcrPositive: true },
        vaccinationStatus: 'none',
        contacts: [
          { personId: vaccinated, exposureDate: exposure, setting: 'workplace', proximity: 'within_2m', durationMinutes: 30, masked: false },
          { personId: control, exposureDate: exposure, setting: 'workplace', proximity: 'within_2m', durationMinutes: 30, masked: false },
        ],
      });
      expect(c.statusCode, c.body).toBe(201);
      const caseRow = await ctx.db.query<{ vaccination_status: string; last_dose_date: string }>(`SELECT vaccination_status, last_dose_date FROM case_record WHERE province_code = '20' AND person_id = $1`, [index]);
      expect(caseRow.rows[0]).toEqual({ vaccination_status: 'full', last_dose_date: addDays(today, -90) });
      const v = await xa.post('/api/quarantine-orders', { personId: vaccinated, kind: 'quarantine' });
      expect(v.statusCode, v.body).toBe(201);
      expect(v.json().rule).toBe('protected');
      const o = await xa.post('/api/quarantine-orders', { personId: control, kind: 'quarantine' });
      expect(o.statusCode, o.body).toBe(201);
      expect(o.json().rule).toBe('other');
    });
  });
}
