// Epidemic levels on every database: daily facts rebuilt from the demo outbreak's cases, levels of
// a unit's children with proposals, the explanation of one unit, decisions (confirm, override with
// a reason, a raise announced with its 48 h notice), the history, the capacity register and the
// inputs entered by hand (form and Excel), jurisdiction scoping and every bad-input class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, signIn, type Client, type TestContext } from '../helpers/app.ts';
import { createUser } from '../../src/server/modules/users/service.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { addDays } from '../../src/server/modules/levels/facts.ts';

const today = todayInVietnam();

function multipart(filename: string, content: Buffer, type: string) {
  const boundary = '----chongdichlevels' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const kind of DB_KINDS) {
  describe(`levels API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let district: string;
    let province: string;
    let otherDistrictCommune: string;
    let farDistrictOfficer: Client;

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      province = (await ctx.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].code;
      const far = (
        await ctx.db.query<{ code: string; parent: string }>(
          `SELECT c.code, c.parent_code AS parent FROM admin_unit c WHERE c.province_code = '20' AND c.level = 'commune' AND c.parent_code <> $1 ORDER BY c.code LIMIT 1`,
          [district],
        )
      ).rows[0];
      otherDistrictCommune = far.code;
      await ctx.db.tx((q) => createUser(q, '20', { username: 'huyenkhac', fullName: 'Cán bộ huyện khác', password: 'mat-khau-huyen-khac-1', role: 'district_officer', unitCode: far.parent }));
      farDistrictOfficer = await signIn(ctx.app, 'huyenkhac', 'mat-khau-huyen-khac-1');
    });
    afterAll(async () => ctx?.close());

    it('the level policies are seeded: 4800 then 218, 48 h notice, measures per level', async () => {
      const admin = await ctx.as('admin');
      const p = (await admin.get('/api/policies')).json() as { key: string; versions: { effectiveFrom: string; value: { ruleset?: { kind: string } } }[] }[];
      const rs = p.find((x) => x.key === 'levels.ruleset')!;
      expect(rs.versions.map((v) => v.value.ruleset!.kind)).toEqual(['qd4800', 'qd4800', 'qd218']);
      expect(p.find((x) => x.key === 'levels.raise_notice')).toBeTruthy();
      expect(p.find((x) => x.key === 'levels.measures')).toBeTruthy();
    });

    it('rebuilds the daily facts from the cases: the commune counts equal the raw rows, the district sums its communes', async () => {
      const admin = await ctx.as('admin');
      const from = addDays(today, -59);
      const res = await admin.post('/api/levels/facts/rebuild', { from, to: today });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().days).toBe(60);
      // The commune with the most community cases of the demo outbreak, and its district.
      const busy = (
        await ctx.db.query<{ code: string; parent: string; n: number }>(
          `SELECT c.commune_code AS code, u.parent_code AS parent, count(*)::int AS n FROM case_record c JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.commune_code
            WHERE c.province_code = '20' AND c.detected_in = 'community' AND c.status <> 'discarded' AND c.report_date BETWEEN $1 AND $2 GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 1`,
          [from, today],
        )
      ).rows[0];
      expect(busy.n).toBeGreaterThan(1);
      const series = (await admin.get(`/api/levels/facts?unit=${busy.code}&from=${from}&to=${today}`)).json() as { communityCases: number; quarantineCases: number }[];
      expect(series).toHaveLength(60);
      expect(series.reduce((s, d) => s + d.communityCases, 0)).toBe(busy.n);
      const communes = (await ctx.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '20' AND parent_code = $1`, [busy.parent])).rows.map((r) => r.code);
      const sums = await ctx.db.query<{ n: number }>(`SELECT sum(community_cases)::int AS n FROM level_fact WHERE province_code = '20' AND unit_code = ANY($1) AND day BETWEEN $2 AND $3`, [communes, from, today]);
      expect(sums.rows[0].n).toBeGreaterThanOrEqual(busy.n);
      const d = (await admin.get(`/api/levels/facts?unit=${busy.parent}&from=${from}&to=${today}`)).json() as { communityCases: number }[];
      expect(d.reduce((s, x) => s + x.communityCases, 0)).toBe(sums.rows[0].n);
    });

    it('lists the children of a unit with proposals; the explanation of a commune names its inputs, bands, matrix cell and ruleset', async () => {
      const huyen = await ctx.as('huyen');
      const res = await huyen.get(`/api/levels?date=${today}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.unit.code).toBe(district);
      expect(body.ruleset).toMatchObject({ key: 'levels.ruleset', kind: 'qd218' });
      expect(body.children.length).toBeGreaterThan(1);
      const mine = body.children.find((c: { code: string }) => c.code === commune);
      expect(mine.proposed).toBeGreaterThanOrEqual(1);
      expect(mine.official).toBeNull();
      expect(mine.changed).toBe(true);
      const e = (await huyen.get(`/api/levels/units/${commune}?date=${today}`)).json();
      expect(e.explanation.level).toBe(mine.proposed);
      expect(e.explanation.criteria.map((c: { id: string }) => c.id)).toEqual(['1a_cases', '1b_oxygen', '2a_population_fully', '2b_high_risk_fully', '3a_care_teams', '3b_vacant_beds']);
      expect(e.explanation.matrix.cells[e.explanation.matrix.row][e.explanation.matrix.column]).toBe(e.explanation.level);
      expect(e.explanation.ruleset).toMatchObject({ key: 'levels.ruleset', version: 3 });
      expect(e.measures.levels['4'].length).toBeGreaterThan(3);
      // The cases the engine read are the last 7 days of the facts.
      const series = (await huyen.get(`/api/levels/facts?unit=${commune}&from=${addDays(today, -6)}&to=${today}`)).json() as { communityCases: number }[];
      expect(e.explanation.inputs.communityCases).toBe(series.reduce((s, d) => s + d.communityCases, 0));
      // Under Decision 4800 (a date in November 2021) the same unit reads the 4800 criteria.
      const old = (await huyen.get(`/api/levels/units/${commune}?date=2021-11-15`)).json();
      expect(old.explanation.kind).toBe('qd4800');
      expect(old.explanation.criteria.find((c: { id: string }) => c.id === 'c2_full_dose').thresholds.group).toBe('50+');
    });

    it('the capacity register and coverage entered by hand move the level, and are marked in the explanation', async () => {
      const xa = await ctx.as('xa');
      // Without capacity entered (the demo's register entries of the district and of every unit under it taken out: a
      // commune's beds are read for its district): capacity low.
      await ctx.db.query(
        `DELETE FROM level_capacity c USING admin_unit u WHERE u.province_code = c.province_code AND u.code = c.unit_code AND c.province_code = '20'
            AND u.path LIKE (SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1) || '%'`,
        [district],
      );
      const before = (await xa.get(`/api/levels/units/${commune}`)).json();
      expect(before.explanation.matrix.column).toBe(2);
      expect(before.explanation.missing).toContain('capacity.careTeams');
      let r = await xa.request({ method: 'PUT', url: `/api/levels/capacity/${commune}`, payload: { day: addDays(today, -3), careTeams: 50, oxygenReady: true } });
      expect(r.statusCode, r.body).toBe(200);
      const huyen = await ctx.as('huyen');
      r = await huyen.request({ method: 'PUT', url: `/api/levels/capacity/${district}`, payload: { day: addDays(today, -3), vacantBeds: 100000, treatmentBeds: 200000, icuBeds: 50, mobileStations: 3, treatmentPlan: true } });
      expect(r.statusCode, r.body).toBe(200);
      // Coverage by hand is used where the registry has no dose for the unit: this commune's doses are taken out
      // of the vaccination area's daily facts (when the demo has some), then figures are entered by hand.
      const hadDoses = (await ctx.db.query(`SELECT 1 FROM vaccination_coverage_daily WHERE province_code = '20' AND commune_code = $1 AND at_least_one > 0 LIMIT 1`, [commune])).rows.length > 0;
      if (hadDoses) {
        const kept = (await xa.get(`/api/levels/units/${commune}`)).json();
        expect(kept.explanation.inputs.sources['coverage.adults18AtLeastOnePct']).toBe('registry');
        await ctx.db.query(`DELETE FROM vaccination_coverage_daily WHERE province_code = '20' AND commune_code = $1`, [commune]);
      }
      r = await xa.request({ method: 'PUT', url: `/api/levels/manual/${commune}`, payload: { day: addDays(today, -10), coverageFirstDose18Pct: 98, coverageFully50Pct: 96, coverageFully65Pct: 95, coverageFullyAllPct: 90 } });
      expect(r.statusCode, r.body).toBe(200);
      const after = (await xa.get(`/api/levels/units/${commune}`)).json();
      expect(after.explanation.matrix.column).toBe(0);
      expect(after.explanation.inputs.sources['coverage.populationFullyPct']).toBe('manual');
      expect(after.explanation.inputs.sources['capacity.careTeams']).toBe('register');
      expect(after.explanation.inputs.coverage.populationFullyPct).toBe(90);
      expect(after.explanation.adjustments).toEqual([]);
      expect(after.explanation.level).toBeLessThanOrEqual(before.explanation.level);
      expect((await xa.get(`/api/levels/capacity/${commune}`)).json()[0]).toMatchObject({ careTeams: 50, oxygenReady: true });
    });

    it('cases entered by hand replace the registry for that day and are marked manual', async () => {
      const xa = await ctx.as('xa');
      const day = addDays(today, -1);
      const r = await xa.request({ method: 'PUT', url: `/api/levels/manual/${commune}`, payload: { day, communityCases: 5000 } });
      expect(r.statusCode, r.body).toBe(200);
      const f = (await xa.get(`/api/levels/facts?unit=${commune}&from=${day}&to=${day}`)).json();
      expect(f[0]).toMatchObject({ communityCases: 5000 });
      expect(f[0].manualFields).toContain('communityCases');
      const e = (await xa.get(`/api/levels/units/${commune}`)).json();
      expect(e.explanation.inputs.sources.communityCases).toBe('manual');
      expect(e.explanation.matrix.row).toBe(3);
      expect(e.explanation.level).toBe(3); // T4 × high capacity
      const list = (await ctx.as('huyen').then((c) => c.get(`/api/levels?unit=${district}`))).json();
      expect(list.children.find((c: { code: string }) => c.code === commune)).toMatchObject({ proposed: 3, manual: true });
    });

    it('imports inputs from Excel: a bad row refuses the whole file, a good file is saved', async () => {
      const xa = await ctx.as('xa');
      const book = async (rows: unknown[][]) => {
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('Số liệu');
        ws.addRow(['Mã đơn vị', 'Ngày', 'Ca cộng đồng', 'Tử vong']);
        for (const row of rows) ws.addRow(row);
        return Buffer.from(await wb.xlsx.writeBuffer());
      };
      const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      let m = multipart('so-lieu.xlsx', await book([[commune, addDays(today, -2), 3, 0], [otherDistrictCommune, addDays(today, -2), 1, 0], [commune, '2099-01-01', 2, 0]]), xlsx);
      let r = await xa.request({ method: 'POST', url: '/api/levels/manual/import', payload: m.payload, headers: m.headers });
      expect(r.statusCode, r.body).toBe(400);
      const fields = r.json().error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
      expect(fields).toEqual(['row 3.unit:unknown_unit', 'row 4.day:in_the_future']);
      expect((await ctx.db.query(`SELECT 1 FROM level_manual_input WHERE province_code = '20' AND day = $1`, [addDays(today, -2)])).rows).toHaveLength(0);
      m = multipart('so-lieu.xlsx', await book([[commune, addDays(today, -2), 3, 1]]), xlsx);
      r = await xa.request({ method: 'POST', url: '/api/levels/manual/import', payload: m.payload, headers: m.headers });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().saved).toBe(1);
      const f = (await xa.get(`/api/levels/facts?unit=${commune}&from=${addDays(today, -2)}&to=${addDays(today, -2)}`)).json();
      expect(f[0]).toMatchObject({ communityCases: 3, deaths: 1 });
    });

    it('a commune officer cannot decide; a district officer decides only in their district', async () => {
      const xa = await ctx.as('xa');
      expect((await xa.post(`/api/levels/units/${commune}/decisions`, { date: today, action: 'confirm' })).statusCode).toBe(403);
      expect((await farDistrictOfficer.post(`/api/levels/units/${commune}/decisions`, { date: today, action: 'confirm' })).statusCode).toBe(404);
      expect((await farDistrictOfficer.get(`/api/levels/units/${commune}`)).statusCode).toBe(404);
      expect((await farDistrictOfficer.get(`/api/levels?unit=${district}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/levels?unit=${otherDistrictCommune}`)).statusCode).toBe(404);
      expect((await xa.request({ method: 'PUT', url: `/api/levels/capacity/${otherDistrictCommune}`, payload: { day: today, careTeams: 1 } })).statusCode).toBe(404);
      const viewer = await ctx.as('xem');
      expect((await viewer.request({ method: 'PUT', url: `/api/levels/capacity/${commune}`, payload: { day: today, careTeams: 1 } })).statusCode).toBe(403);
      expect((await ctx.db.query(`SELECT 1 FROM level_decision WHERE province_code = '20'`)).rows).toHaveLength(0);
    });

    it('confirms a proposal (effective now), then a raise takes effect after 48 h, with the history and the audit', async () => {
      const huyen = await ctx.as('huyen');
      const e = (await huyen.get(`/api/levels/units/${commune}`)).json();
      const proposed = e.explanation.level as number;
      let r = await huyen.post(`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', level: 1, reason: 'Thấp hơn đề xuất: ổ dịch đã khoanh vùng' });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ level: 1, previousLevel: null, raise: false });
      expect(Date.parse(r.json().effectiveAt)).toBeLessThanOrEqual(Date.now());
      // Confirming the (higher) proposal is a raise: announced now, effective in 48 h.
      r = await huyen.post(`/api/levels/units/${commune}/decisions`, { date: today, action: 'confirm', proposedLevel: proposed });
      expect(r.statusCode, r.body).toBe(201);
      const d = r.json();
      expect(d).toMatchObject({ level: proposed, previousLevel: 1, raise: true, noticeHours: 48 });
      expect(Date.parse(d.effectiveAt) - Date.parse(d.announcedAt)).toBe(48 * 3_600_000);
      const detail = (await huyen.get(`/api/levels/units/${commune}`)).json();
      expect(detail.official).toMatchObject({ level: 1, kind: 'override' });
      expect(detail.pending).toMatchObject({ level: proposed, kind: 'confirm' });
      expect(detail.history.map((h: { level: number }) => h.level)).toEqual([proposed, 1]);
      expect(detail.history[1].reason).toContain('ổ dịch');
      const audits = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE province_code = '20' AND entity = 'level_decision' AND username = 'huyen'`);
      expect(audits.rows[0].n).toBe(2);
      const stored = await ctx.db.query<{ explanation: { ruleset: { key: string } } }>(`SELECT explanation FROM level_decision WHERE province_code = '20' AND id = $1`, [d.id]);
      expect(stored.rows[0].explanation.ruleset.key).toBe('levels.ruleset');
      // A stale proposal is refused.
      r = await huyen.post(`/api/levels/units/${commune}/decisions`, { date: today, action: 'confirm', proposedLevel: proposed === 1 ? 2 : 1 });
      expect(r.statusCode).toBe(409);
      // The province admin decides the province itself.
      const admin = await ctx.as('admin');
      expect((await admin.post(`/api/levels/units/${province}/decisions`, { date: today, action: 'confirm' })).statusCode).toBe(201);
    });

    it('refuses bad input with a clear 4xx and writes nothing', async () => {
      const huyen = await ctx.as('huyen');
      const count = async () => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM level_decision WHERE province_code = '20'`)).rows[0].n;
      const n0 = await count();
      const bad: [string, unknown][] = [
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', level: 2 }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', level: 2, reason: '  ' }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', reason: 'không có cấp độ' }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', level: 5, reason: 'cấp 5 không có' }],
        [`/api/levels/units/${commune}/decisions`, { date: addDays(today, 2), action: 'confirm' }],
        [`/api/levels/units/${commune}/decisions`, { date: '2024-02-30', action: 'confirm' }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'approve' }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'confirm', effectiveAt: '2020-01-01T00:00:00Z' }],
        [`/api/levels/units/${commune}/decisions`, { date: today, action: 'override', level: 4, reason: 'Nâng ngay không báo trước', effectiveAt: new Date(Date.now() + 3_600_000).toISOString() }],
      ];
      for (const [url, body] of bad) {
        const r = await huyen.post(url, body);
        expect(r.statusCode, `${JSON.stringify(body)} → ${r.body}`).toBe(400);
        expect(r.json().error.code).toBeTruthy();
      }
      expect((await huyen.post(`/api/levels/units/XX999/decisions`, { date: today, action: 'confirm' })).statusCode).toBe(404);
      expect((await huyen.get(`/api/levels/units/XX999`)).statusCode).toBe(404);
      expect((await huyen.get(`/api/levels?date=${addDays(today, 1)}`)).statusCode).toBe(400);
      expect((await huyen.get(`/api/levels?date=yesterday`)).statusCode).toBe(400);
      expect((await huyen.get(`/api/levels/units/${commune}?date=2019-01-01`)).statusCode).toBe(409);
      expect((await huyen.get(`/api/levels/facts?unit=${commune}&from=${today}&to=${addDays(today, -3)}`)).statusCode).toBe(400);
      const put = (body: unknown) => huyen.request({ method: 'PUT', url: `/api/levels/manual/${commune}`, payload: body as Record<string, unknown> });
      for (const body of [{ day: today }, { day: today, communityCases: -1 }, { day: today, coverageFully50Pct: 120 }, { day: today, communityCases: 'nhiều' }, { day: addDays(today, 1), deaths: 1 }, { day: today, deaths: 1, extra: 1 }]) {
        const r = await put(body);
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
      }
      const cap = await huyen.request({ method: 'PUT', url: `/api/levels/capacity/${district}`, payload: { day: today, vacantBeds: 1.5 } });
      expect(cap.statusCode).toBe(400);
      expect(await count()).toBe(n0);
      expect((await ctx.db.query(`SELECT 1 FROM level_manual_input WHERE province_code = '20' AND day = $1`, [today])).rows).toHaveLength(0);
    });

    it('a province copies the ruleset and adjusts it (a new dated version); a malformed copy is refused', async () => {
      const admin = await ctx.as('admin');
      const p = (await admin.get('/api/policies')).json() as { key: string; current: { value: { ruleset: Record<string, unknown> } } }[];
      const cur = p.find((x) => x.key === 'levels.ruleset')!.current.value.ruleset;
      const bad = await admin.post('/api/policies/levels.ruleset/versions', { effectiveFrom: today, value: { ruleset: { ...cur, matrix: [[1, 1, 9], [1, 2, 3], [2, 3, 4], [3, 4, 4]] } }, source: 'Thử' });
      expect(bad.statusCode).toBe(400);
      const adjusted = { ...cur, name: { vi: 'QĐ 218 (tỉnh điều chỉnh)', en: '218 (province)' }, caseCuts: [{ at: 50, inclusive: true }, { at: 300, inclusive: true }, { at: 600, inclusive: false }] };
      const ok = await admin.post('/api/policies/levels.ruleset/versions', { effectiveFrom: today, value: { ruleset: adjusted }, source: 'Quyết định của UBND tỉnh (thử nghiệm)' });
      expect(ok.statusCode, ok.body).toBe(201);
      const e = (await admin.get(`/api/levels/units/${commune}`)).json();
      expect(e.explanation.ruleset).toMatchObject({ version: 4, name: { vi: 'QĐ 218 (tỉnh điều chỉnh)' } });
      expect(e.explanation.criteria[0].thresholds[0].at).toBe(50);
    });
  });
}
