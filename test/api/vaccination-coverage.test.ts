// Vaccination coverage, sweep lists and home vaccination on every database: the daily facts
// against a person-by-person count (across birthdays and the doses' own days), the reports by unit
// and their children, the level service, scoping; sweep lists (who is on them, in walking order),
// visits with their idempotency key, the PDF; home vaccination requests to a task and a dose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { refreshCoverage, rebuildCoverage } from '../../src/server/modules/vaccination/coverageFacts.ts';
import { coverageForLevels } from '../../src/server/modules/vaccination/coverage.ts';
import { loadVaccinationPolicies } from '../../src/server/modules/vaccination/policies.ts';
import { COVERAGE_GROUPS, countCoverage, coverageDates, type CoverageGroup } from '../../src/domain/vaccination/coverage.ts';
import type { DoseFact, DoseKind } from '../../src/domain/vaccination/types.ts';

const today = todayInVietnam();
const addDays = (iso: string, n: number) => new Date(Date.parse(iso + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
const yearsBefore = (iso: string, n: number) => `${Number(iso.slice(0, 4)) - n}${iso.slice(4)}`;

interface Person {
  id: number;
  birthDate: string | null;
  communeCode: string;
  villageCode: string | null;
}

for (const kind of DB_KINDS) {
  describe(`vaccination coverage API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let district: string;
    let otherCommune: string;
    let lotId: number;
    let people: Person[] = [];

    const dosesOf = async (ids: number[]) => {
      const r = await ctx.db.query<{ person_id: number; dose_kind: DoseKind; product_code: string; given_on: string }>(
        `SELECT person_id, dose_kind, product_code, given_on::text FROM vaccine_dose WHERE province_code = '20' AND person_id = ANY($1::bigint[])`,
        [ids],
      );
      const m = new Map<number, DoseFact[]>();
      for (const d of r.rows) m.set(Number(d.person_id), [...(m.get(Number(d.person_id)) ?? []), { kind: d.dose_kind, productCode: d.product_code, givenOn: String(d.given_on).slice(0, 10) }]);
      return m;
    };

    /** The person-by-person count the facts must agree with. */
    const reference = async (who: Person[], group: CoverageGroup, on: string) => {
      const pol = await loadVaccinationPolicies(ctx.db, '20', today);
      const doses = await dosesOf(who.map((p) => p.id));
      return countCoverage(
        who.map((p) => ({ birthDate: p.birthDate, dates: coverageDates(doses.get(p.id) ?? [], pol.products) })),
        group,
        on,
      );
    };

    const giveDose = async (personId: number, kindOf: DoseKind, product: string, on: string) => {
      const p = people.find((x) => x.id === personId)!;
      await ctx.db.query(
        `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, source)
         SELECT '20', p.id, p.unit_path, p.commune_code, $2, $3, $4, $5, 'entry' FROM person p WHERE p.province_code = '20' AND p.id = $1`,
        [personId, product, lotId, kindOf, on],
      );
      return p;
    };

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false, demoVaccination: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      otherCommune = ctx.demo.logins.find((l) => l.username === 'xaben')!.unitCode;
      lotId = Number(
        (await ctx.db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', 'pfizer', 'TEST-COV-1', 1000) RETURNING id`)).rows[0].id,
      );
      const r = await ctx.db.query<{ id: number; birth_date: string | null; commune_code: string; village_code: string | null }>(
        `SELECT id, birth_date::text, commune_code, village_code FROM person WHERE province_code = '20' AND commune_code = ANY($1::text[]) ORDER BY id`,
        [[commune, otherCommune]],
      );
      people = r.rows.map((p) => ({ id: Number(p.id), birthDate: p.birth_date ? String(p.birth_date).slice(0, 10) : null, communeCode: p.commune_code, villageCode: p.village_code }));
      // Start from no doses in these communes (the demo's own history is tested elsewhere).
      await ctx.db.query(`DELETE FROM vaccine_dose WHERE province_code = '20' AND commune_code = ANY($1::text[])`, [[commune, otherCommune]]);
      await ctx.db.query(`DELETE FROM sweep_visit WHERE province_code = '20'`);
      await ctx.db.query(`DELETE FROM home_vaccination_request WHERE province_code = '20'`);
    });
    afterAll(async () => ctx?.close());

    it('keeps daily facts equal to a person-by-person count, across birthdays and back-dated doses', async () => {
      const mine = people.filter((p) => p.communeCode === commune);
      expect(mine.length).toBeGreaterThan(20);
      // Someone who turned 18 ten days ago, vaccinated twice before: in 12–17 three weeks ago, 18+ today.
      const teen = mine.find((p) => p.birthDate)!;
      teen.birthDate = yearsBefore(addDays(today, -10), 18);
      await ctx.db.query(`UPDATE person SET birth_date = $2 WHERE province_code = '20' AND id = $1`, [teen.id, teen.birthDate]);
      // Born on 29 February: turns 65 on 1 March in a common year.
      const leap = mine.filter((p) => p.birthDate)[1];
      leap.birthDate = '1956-02-29';
      await ctx.db.query(`UPDATE person SET birth_date = $2 WHERE province_code = '20' AND id = $1`, [leap.id, leap.birthDate]);
      await ctx.db.tx((q) => rebuildCoverage(q, '20'));
      await giveDose(teen.id, 'primary_1', 'pfizer', addDays(today, -80));
      await giveDose(teen.id, 'primary_2', 'pfizer', addDays(today, -50));
      await giveDose(leap.id, 'primary_1', 'janssen', '2021-09-01');
      await giveDose(leap.id, 'booster_1', 'pfizer', '2022-02-15');
      // A dozen more: first doses only, complete series, boosters; one Abdala series of three.
      const rest = mine.filter((p) => p !== teen && p !== leap && p.birthDate && p.birthDate < '2009-01-01').slice(0, 12);
      for (const [i, p] of rest.entries()) {
        const d1 = addDays('2021-08-01', i * 17);
        await giveDose(p.id, 'primary_1', i === 5 ? 'abdala' : 'astrazeneca', d1);
        if (i % 3 !== 0) await giveDose(p.id, 'primary_2', i === 5 ? 'abdala' : 'astrazeneca', addDays(d1, i === 5 ? 14 : 70));
        if (i === 5) await giveDose(p.id, 'primary_3', 'abdala', addDays(d1, 28));
        if (i % 4 === 1) await giveDose(p.id, 'booster_1', 'pfizer', addDays(d1, 260));
        if (i === 9) await giveDose(p.id, 'booster_2', 'moderna', addDays(d1, 400));
      }
      await ctx.db.tx((q) => refreshCoverage(q, '20', [commune], '2021-08-01'));
      const xa = await ctx.as('xa');
      for (const on of ['2021-02-28', '2021-03-01', '2021-07-31', '2021-08-01', '2021-11-30', '2022-02-28', '2022-03-01', '2022-06-30', addDays(today, -21), today]) {
        const res = await xa.get(`/api/vaccination/coverage?date=${on}`);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        expect(body.unit.code).toBe(commune);
        for (const g of COVERAGE_GROUPS) expect(body.unit.groups[g], `${g} on ${on}`).toEqual(await reference(mine, g, on));
        // The commune's villages add up to the commune.
        const villages = body.children as { groups: Record<string, { population: number; atLeastOne: number }> }[];
        if (villages.length && mine.every((p) => p.villageCode))
          expect(villages.reduce((s, v) => s + v.groups['18+'].atLeastOne, 0)).toBe(body.unit.groups['18+'].atLeastOne);
      }
      const before = (await xa.get(`/api/vaccination/coverage?date=${addDays(today, -21)}`)).json();
      const now = (await xa.get(`/api/vaccination/coverage?date=${today}`)).json();
      expect(now.unit.groups['18+'].fully - before.unit.groups['18+'].fully).toBe(1);
      expect(before.unit.groups['12-17'].fully - now.unit.groups['12-17'].fully).toBe(1);
      // A rebuild of the whole province in one statement (the dose import's first load on PostgreSQL)
      // writes the very rows the rebuild commune by commune does.
      const facts = async () => (await ctx.db.query(`SELECT commune_code, age_group, day::text, unit_path, population, at_least_one, fully, booster, booster_2 FROM vaccination_coverage_daily WHERE province_code = '20' ORDER BY 1, 2, 3`)).rows;
      await ctx.db.tx((q) => rebuildCoverage(q, '20'));
      const chunked = await facts();
      expect(chunked.length).toBeGreaterThan(1000);
      await ctx.db.query(`DELETE FROM vaccination_coverage_daily WHERE province_code = '20'`);
      await ctx.db.tx((q) => rebuildCoverage(q, '20', { whole: true }));
      expect(await facts()).toEqual(chunked);
    });

    it('refreshes only what a dose write changes, and a dose today shows today', async () => {
      const xa = await ctx.as('xa');
      const before = (await xa.get(`/api/vaccination/coverage`)).json();
      const p = people.find((x) => x.communeCode === commune && x.birthDate && x.birthDate < '1990-01-01' && x.birthDate > '1960-01-01')!;
      await ctx.db.query(`DELETE FROM vaccine_dose WHERE province_code = '20' AND person_id = $1`, [p.id]);
      await ctx.db.tx((q) => refreshCoverage(q, '20', [commune], '2021-01-01'));
      const base = (await xa.get(`/api/vaccination/coverage`)).json();
      await giveDose(p.id, 'primary_1', 'pfizer', today);
      await ctx.db.tx((q) => refreshCoverage(q, '20', [commune], today));
      const after = (await xa.get(`/api/vaccination/coverage`)).json();
      expect(after.unit.groups['18+'].atLeastOne).toBe(base.unit.groups['18+'].atLeastOne + 1);
      expect(after.unit.groups.all.atLeastOne).toBe(base.unit.groups.all.atLeastOne + 1);
      expect(before.unit.groups['18+'].population).toBe(after.unit.groups['18+'].population);
      const yesterday = (await xa.get(`/api/vaccination/coverage?date=${addDays(today, -1)}`)).json();
      expect(yesterday.unit.groups['18+'].atLeastOne).toBe(base.unit.groups['18+'].atLeastOne);
    });

    it('reports a district by its communes, and the level service reads the same facts', async () => {
      const huyen = await ctx.as('huyen');
      const res = await huyen.get(`/api/vaccination/coverage?date=${today}&priority=true`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.unit.code).toBe(district);
      const xaRow = body.children.find((c: { code: string }) => c.code === commune);
      expect(xaRow.groups['18+'].atLeastOne).toBeGreaterThan(0);
      const sum = body.children.reduce((s: number, c: { groups: Record<string, { population: number }> }) => s + c.groups.all.population, 0);
      expect(sum).toBe(body.unit.groups.all.population);
      expect(Object.keys(body.priority)).toContain('frontline');
      const lv = await coverageForLevels(ctx.db, '20', [commune, district, 'nope'], today);
      expect(Object.keys(lv).sort()).toEqual([commune, district].sort());
      const g = xaRow.groups;
      expect(lv[commune].adults18AtLeastOnePct).toBe(Math.round((1000 * g['18+'].atLeastOne) / g['18+'].population) / 10);
      expect(lv[commune].over65FullyPct).toBe(g['65+'].population ? Math.round((1000 * g['65+'].fully) / g['65+'].population) / 10 : null);
      // The whole population (children too) for Decision 218's criterion 2a.
      expect(lv[commune].populationFullyPct).toBe(Math.round((1000 * g.all.fully) / g.all.population) / 10);
      // Excel table and trend.
      const x = await huyen.get(`/api/vaccination/coverage.xlsx?date=${today}`);
      expect(x.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Độ bao phủ', 'Nhóm ưu tiên']);
      expect(wb.worksheets[0].rowCount).toBe(3 + (1 + body.children.length) * COVERAGE_GROUPS.length);
      const t = (await huyen.get(`/api/vaccination/coverage/trend?date=${today}`)).json();
      expect(t.points.at(-1).day).toBe(today);
      expect(t.points.at(-1).groups['18+']).toEqual(body.unit.groups['18+']);
    });

    it('is scoped to the caller and refuses bad dates', async () => {
      const xa = await ctx.as('xa');
      expect((await xa.get(`/api/vaccination/coverage?unit=${otherCommune}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/vaccination/coverage?unit=${district}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/vaccination/coverage.xlsx?unit=${district}`)).statusCode).toBe(404);
      const future = await xa.get(`/api/vaccination/coverage?date=${addDays(today, 3)}`);
      expect(future.statusCode).toBe(400);
      expect(future.json().error.fields[0].code).toBe('date_in_future');
      expect((await xa.get(`/api/vaccination/coverage?date=2020-06-01`)).json().error.fields[0].code).toBe('before_coverage_start');
      expect((await xa.get(`/api/vaccination/coverage?date=2021-02-30`)).statusCode).toBe(400);
      expect((await xa.get(`/api/vaccination/coverage?date=soon`)).statusCode).toBe(400);
      expect((await ctx.anonymous().get(`/api/vaccination/coverage`)).statusCode).toBe(401);
      expect((await xa.post(`/api/vaccination/coverage/rebuild`)).statusCode).toBe(403);
      expect((await (await ctx.as('huyen')).post(`/api/vaccination/coverage/rebuild`)).statusCode).toBe(403);
      const admin = await ctx.as('admin');
      const rb = await admin.post(`/api/vaccination/coverage/rebuild`);
      expect(rb.statusCode, rb.body).toBe(200);
      const after = (await xa.get(`/api/vaccination/coverage`)).json();
      const mine = people.filter((p) => p.communeCode === commune);
      expect(after.unit.groups['18+']).toEqual(await reference(mine, '18+', today));
    });

    it.runIf(kind === 'postgres')('lets dose writes of different communes refresh side by side, and those of one commune one after the other', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // A write in the commune holds its facts until it commits.
      const first = ctx.db.tx(async (q) => {
        await refreshCoverage(q, '20', [commune], today);
        locked();
        await held;
      });
      await isLocked;
      const t0 = Date.now();
      await ctx.db.tx((q) => refreshCoverage(q, '20', [otherCommune], today));
      expect(Date.now() - t0).toBeLessThan(5000);
      let sameDone = false;
      const same = ctx.db.tx((q) => refreshCoverage(q, '20', [commune], today)).then(() => (sameDone = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(sameDone).toBe(false);
      release();
      await Promise.all([first, same]);
      expect(sameDone).toBe(true);
    });

    const adultsWithoutDoses = async (communeCode: string) =>
      (
        await ctx.db.query<{ id: number }>(
          `SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.birth_date < $2::date AND p.birth_date > '1950-01-01'
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = '20' AND d.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM sweep_visit v WHERE v.province_code = '20' AND v.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM vaccination_profile vp WHERE vp.province_code = '20' AND vp.person_id = p.id AND vp.deferral IS NOT NULL) ORDER BY p.id`,
          [communeCode, yearsBefore(today, 19)],
        )
      ).rows.map((r) => Number(r.id));
    const onList = (list: { households: { members: { personId: number }[] }[] }, id: number) => list.households.some((h) => h.members.some((m) => m.personId === id));
    const key = () => `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const count = async (sql: string, params: unknown[] = []) => Number((await ctx.db.query<{ n: number }>(sql, params)).rows[0].n);

    it('lists a commune for the door-to-door walk, audited, and shrinks as visits are recorded', async () => {
      const tocovid = await ctx.as('tocovid');
      const xa = await ctx.as('xa');
      const res = await tocovid.get(`/api/vaccination/sweep?unit=${commune}`);
      expect(res.statusCode, res.body).toBe(200);
      const list = res.json();
      expect(list.unit.code).toBe(commune);
      const [a, b, c, d, e] = await adultsWithoutDoses(commune);
      for (const id of [a, b, c, d, e]) expect(onList(list, id), `person ${id} on the list`).toBe(true);
      // Every household's members live in it; villages come in order, high-risk households first within a village.
      for (const h of list.households) expect(h.members.length).toBeGreaterThan(0);
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE province_code = '20' AND entity = 'sweep_list' AND entity_id = $1 AND username = 'tocovid'`, [commune])).toBe(1);

      // Absent: stays on the list, marked; the phone retries with the same key: nothing added.
      const k1 = key();
      const v1 = await tocovid.post('/api/vaccination/sweep/visits', { personId: a, outcome: 'absent', idempotencyKey: k1 });
      expect(v1.statusCode, v1.body).toBe(201);
      const again = await tocovid.post('/api/vaccination/sweep/visits', { personId: a, outcome: 'absent', idempotencyKey: k1 });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ replayed: true, visit: { id: v1.json().visit.id } });
      expect(await count(`SELECT count(*)::int AS n FROM sweep_visit WHERE province_code = '20' AND person_id = $1`, [a])).toBe(1);
      const reused = await tocovid.post('/api/vaccination/sweep/visits', { personId: b, outcome: 'moved', idempotencyKey: k1 });
      expect(reused.statusCode).toBe(409);
      expect(reused.json().error.fields[0].code).toBe('key_reused');

      // Refused needs a reason; with one, the person is shown apart.
      const noReason = await tocovid.post('/api/vaccination/sweep/visits', { personId: b, outcome: 'refused', idempotencyKey: key() });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.fields[0]).toMatchObject({ field: 'reason', code: 'reason_required' });
      expect((await tocovid.post('/api/vaccination/sweep/visits', { personId: b, outcome: 'refused', reason: '   ', idempotencyKey: key() })).statusCode).toBe(400);
      expect(await count(`SELECT count(*)::int AS n FROM sweep_visit WHERE province_code = '20' AND person_id = $1`, [b])).toBe(0);
      expect((await tocovid.post('/api/vaccination/sweep/visits', { personId: b, outcome: 'refused', reason: 'Sợ phản ứng sau tiêm', idempotencyKey: key() })).statusCode).toBe(201);
      // Moved: off the list. A community team member cannot record a dose; "vaccinated" without one needs where.
      expect((await tocovid.post('/api/vaccination/sweep/visits', { personId: c, outcome: 'moved', idempotencyKey: key() })).statusCode).toBe(201);
      const noRecord = await tocovid.post('/api/vaccination/sweep/visits', { personId: d, outcome: 'vaccinated', idempotencyKey: key(), dose: { lotId } });
      expect(noRecord.statusCode).toBe(403);
      expect((await tocovid.post('/api/vaccination/sweep/visits', { personId: d, outcome: 'vaccinated', idempotencyKey: key() })).statusCode).toBe(400);
      // The commune officer vaccinates at the door: the dose is in the registry and in today's coverage.
      const before = (await xa.get('/api/vaccination/coverage')).json();
      const badLot = await xa.post('/api/vaccination/sweep/visits', { personId: d, outcome: 'vaccinated', idempotencyKey: key(), dose: { lotId: 999999 } });
      expect(badLot.statusCode).toBe(400);
      const vd = await xa.post('/api/vaccination/sweep/visits', { personId: d, outcome: 'vaccinated', idempotencyKey: key(), dose: { lotId, vaccinator: 'Trạm y tế xã' } });
      expect(vd.statusCode, vd.body).toBe(201);
      const dose = (await ctx.db.query<{ dose_kind: string; source: string; product_code: string }>(`SELECT dose_kind, source, product_code FROM vaccine_dose WHERE province_code = '20' AND id = $1`, [vd.json().visit.doseId])).rows[0];
      expect(dose).toEqual({ dose_kind: 'primary_1', source: 'sweep', product_code: 'pfizer' });
      const after = (await xa.get('/api/vaccination/coverage')).json();
      expect(after.unit.groups['18+'].atLeastOne).toBe(before.unit.groups['18+'].atLeastOne + 1);

      const now = (await tocovid.get(`/api/vaccination/sweep?unit=${commune}`)).json();
      expect(onList(now, a)).toBe(true);
      expect(now.households.flatMap((h: { members: { personId: number; mark: string }[] }) => h.members).find((m: { personId: number }) => m.personId === a).mark).toBe('absent');
      expect(onList(now, b)).toBe(false);
      expect(now.refused.map((r: { personId: number }) => r.personId)).toContain(b);
      expect(onList(now, c)).toBe(false);
      expect(onList(now, d)).toBe(false);
      expect(onList(now, e)).toBe(true);
      expect(now.counts.people).toBe(list.counts.people - 3);

      const visits = (await tocovid.get(`/api/vaccination/sweep/visits?personId=${b}`)).json();
      expect(visits.items.map((v: { outcome: string; reason: string }) => [v.outcome, v.reason])).toEqual([['refused', 'Sợ phản ứng sau tiêm']]);
    });

    it('prints the list as an A4 PDF, and lists a village alone', async () => {
      const tocovid = await ctx.as('tocovid');
      const pdf = await tocovid.get(`/api/vaccination/sweep.pdf?unit=${commune}`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.rawPayload.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
      const village = people.find((p) => p.communeCode === commune && p.villageCode)?.villageCode;
      if (village) {
        const v = (await tocovid.get(`/api/vaccination/sweep?unit=${village}`)).json();
        expect(v.unit.level).toBe('village');
        for (const h of v.households) expect(h.villageCode).toBe(village);
      }
    });

    it('keeps sweep lists and visits in the jurisdiction, and refuses what is not a commune or village', async () => {
      const xa = await ctx.as('xa');
      expect((await xa.get(`/api/vaccination/sweep?unit=${otherCommune}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/vaccination/sweep.pdf?unit=${otherCommune}`)).statusCode).toBe(404);
      const [far] = await adultsWithoutDoses(otherCommune);
      const out = await xa.post('/api/vaccination/sweep/visits', { personId: far, outcome: 'absent', idempotencyKey: key() });
      expect(out.statusCode).toBe(404);
      expect((await xa.post('/api/vaccination/sweep/visits', { personId: 987654321, outcome: 'absent', idempotencyKey: key() })).statusCode).toBe(404);
      expect(await count(`SELECT count(*)::int AS n FROM sweep_visit WHERE province_code = '20' AND person_id = $1`, [far])).toBe(0);
      const huyen = await ctx.as('huyen');
      const d = await huyen.get(`/api/vaccination/sweep?unit=${district}`);
      expect(d.statusCode).toBe(400);
      expect(d.json().error.fields[0].code).toBe('not_commune_or_village');
      expect((await huyen.get(`/api/vaccination/sweep?unit=${otherCommune}`)).statusCode).toBe(200);
      expect((await xa.post('/api/vaccination/sweep/visits', { personId: far, outcome: 'sideways', idempotencyKey: key() })).statusCode).toBe(400);
      expect((await xa.post('/api/vaccination/sweep/visits', { personId: far, outcome: 'absent', idempotencyKey: 'short' })).statusCode).toBe(400);
      expect((await (await ctx.as('xem')).get(`/api/vaccination/sweep?unit=${commune}`)).statusCode).toBe(403);
    });

    it('takes home vaccination requests to a mobile team with a task, and closes them with the dose', async () => {
      const tocovid = await ctx.as('tocovid');
      const yte = await ctx.as('yte');
      // Two adults of the commune, from a clean slate (no doses, no visits).
      const [p, p2] = people.filter((x) => x.communeCode === commune && x.birthDate && x.birthDate > '1950-01-01' && x.birthDate < yearsBefore(today, 19)).slice(-2).map((x) => x.id);
      await ctx.db.query(`DELETE FROM vaccine_dose WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [[p, p2]]);
      await ctx.db.query(`DELETE FROM sweep_visit WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [[p, p2]]);
      await ctx.db.query(`DELETE FROM vaccination_profile WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [[p, p2]]);
      await ctx.db.tx((q) => refreshCoverage(q, '20', [commune], '2021-01-01'));
      const created = await tocovid.post('/api/vaccination/home', { personId: p, reason: 'Nằm liệt giường sau tai biến' });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      expect(created.json().status).toBe('requested');
      const dup = await tocovid.post('/api/vaccination/home', { personId: p, reason: 'Lần nữa' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.fields[0].code).toBe('already_requested');
      expect((await tocovid.post('/api/vaccination/home', { personId: p2, reason: '  ' })).statusCode).toBe(400);
      expect((await tocovid.post('/api/vaccination/home', { personId: p2, reason: 'x', requestedOn: addDays(today, 2) })).statusCode).toBe(400);
      const [far] = await adultsWithoutDoses(otherCommune);
      expect((await tocovid.post('/api/vaccination/home', { personId: far, reason: 'Nằm liệt giường' })).statusCode).toBe(404);
      // Scheduling needs someone who vaccinates; not in the past.
      expect((await tocovid.post(`/api/vaccination/home/${id}/schedule`, { team: 'Đội lưu động số 1', scheduledOn: today })).statusCode).toBe(403);
      expect((await yte.post(`/api/vaccination/home/${id}/schedule`, { team: 'Đội lưu động số 1', scheduledOn: addDays(today, -1) })).statusCode).toBe(400);
      const sch = await yte.post(`/api/vaccination/home/${id}/schedule`, { team: 'Đội lưu động số 1', scheduledOn: addDays(today, 1) });
      expect(sch.statusCode, sch.body).toBe(200);
      expect(sch.json()).toMatchObject({ status: 'scheduled', team: 'Đội lưu động số 1', scheduledOn: addDays(today, 1) });
      const taskId = sch.json().taskId;
      expect(taskId).toBeGreaterThan(0);
      // Moved to today: the same task, due today.
      const moved = await yte.post(`/api/vaccination/home/${id}/schedule`, { team: 'Đội lưu động số 2', scheduledOn: today });
      expect(moved.json().taskId).toBe(taskId);
      const task = (await ctx.db.query<{ kind: string; status: string; role: string; due: string }>(`SELECT kind, status, role, (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS due FROM task WHERE province_code = '20' AND id = $1`, [taskId])).rows[0];
      expect(task).toEqual({ kind: 'home_vaccination', status: 'open', role: 'health_worker', due: today });
      expect(await count(`SELECT count(*)::int AS n FROM task WHERE province_code = '20' AND kind = 'home_vaccination' AND detail->>'requestId' = $1`, [String(id)])).toBe(1);
      // The person is still on the sweep list, marked as going to be vaccinated at home.
      const list = (await tocovid.get(`/api/vaccination/sweep?unit=${commune}`)).json();
      expect(list.households.flatMap((h: { members: { personId: number; homeRequest: boolean }[] }) => h.members).find((m: { personId: number }) => m.personId === p).homeRequest).toBe(true);
      const done = await yte.post(`/api/vaccination/home/${id}/dose`, { lotId, vaccinator: 'Y sĩ Lan' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'done', doseGivenOn: today });
      expect((await ctx.db.query<{ source: string }>(`SELECT source FROM vaccine_dose WHERE province_code = '20' AND id = $1`, [done.json().doseId])).rows[0].source).toBe('home');
      expect((await ctx.db.query<{ status: string }>(`SELECT status FROM task WHERE province_code = '20' AND id = $1`, [taskId])).rows[0].status).toBe('done');
      expect((await yte.post(`/api/vaccination/home/${id}/dose`, { lotId })).statusCode).toBe(409);
      expect((await tocovid.post(`/api/vaccination/home/${id}/cancel`, { reason: 'Không cần' })).statusCode).toBe(409);
      // Cancel another one: its task goes too.
      const other = (await tocovid.post('/api/vaccination/home', { personId: p2, reason: 'Khuyết tật vận động' })).json();
      await yte.post(`/api/vaccination/home/${other.id}/schedule`, { team: 'Đội 1', scheduledOn: today });
      const cancelled = await tocovid.post(`/api/vaccination/home/${other.id}/cancel`, { reason: 'Gia đình tự đưa đi tiêm' });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: 'Gia đình tự đưa đi tiêm' });
      expect(await count(`SELECT count(*)::int AS n FROM task WHERE province_code = '20' AND kind = 'home_vaccination' AND detail->>'requestId' = $1 AND status = 'cancelled'`, [String(other.id)])).toBe(1);
      // Lists: scoped and audited.
      const l = (await tocovid.get('/api/vaccination/home?status=open')).json();
      expect(l.items.map((x: { id: number }) => x.id)).not.toContain(id);
      const all = (await tocovid.get('/api/vaccination/home')).json();
      expect(all.items.map((x: { id: number }) => x.id)).toEqual(expect.arrayContaining([id, other.id]));
      expect((await (await ctx.as('xaben')).get('/api/vaccination/home')).json().items.map((x: { id: number }) => x.id)).not.toContain(id);
      expect((await (await ctx.as('xaben')).post(`/api/vaccination/home/${id}/cancel`, { reason: 'x' })).statusCode).toBe(404);
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE province_code = '20' AND entity = 'home_vaccination_request' AND action = 'read'`)).toBeGreaterThanOrEqual(3);
    });
  });
}
