// Health declarations and checkpoints on every database: a citizen's declaration without an account
// (arrivals from level 3–4 areas and lockdowns give the destination commune a task, symptoms alert
// the health station; retries do not duplicate), the staff list scoped and audited with Excel;
// checkpoints, a traveller looked up by CCCD or plate (valid test, vaccination, green-lane pass),
// passages with their decisions, daily counts; every bad-input class of the issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { cccdPrefix } from '../../src/domain/people/normalize.ts';

const today = todayInVietnam();
const daysAgo = (n: number) => todayInVietnam(new Date(Date.now() - n * 86_400_000));
const count = async (ctx: TestContext, sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(sql, params)).rows[0].n;
let seq = 0;
const key = (p = 'k') => `${p}-${Date.now().toString(36)}-${++seq}`;
const cccdOf = (year: number, sex: 'M' | 'F', n: number) => cccdPrefix('001', year, sex) + String(n).padStart(6, '0');

for (const kind of DB_KINDS) {
  describe(`declarations and checkpoints API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let neighbour: string;
    let district: string;
    let citizen: Client;
    let ip = 0;
    /** Each test's citizen on its own address (the public endpoints are rate-limited per address). */
    const fromAddress = (c: Client, addr: string): Client => ({ ...c, post: (url, body) => c.request({ method: 'POST', url, payload: body as object, remoteAddress: addr }), get: (url) => c.request({ method: 'GET', url, remoteAddress: addr }) });
    const declaration = (over: Record<string, unknown> = {}) => ({
      provinceCode: '20',
      kind: 'arrival',
      fullName: 'Trần Thị Bình',
      birthDate: '1992-03-04',
      sex: 'F',
      nationality: 'Việt Nam',
      cccd: cccdOf(1992, 'F', 4321),
      phone: '0912 345 678',
      address: '12 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
      destinationCommuneCode: commune,
      destinationAddress: 'Nhà bố mẹ, thôn Nà Sầm',
      arrivalDate: today,
      from: { provinceCode: '79' },
      places: [],
      transport: 'Xe khách',
      symptoms: [],
      contacts: [],
      idempotencyKey: key('decl'),
      ...over,
    });

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      neighbour = ctx.demo.logins.find((l) => l.username === 'xaben')!.unitCode;
      district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      citizen = fromAddress(ctx.anonymous(), '10.0.0.1');
    });
    afterAll(async () => ctx?.close());

    it('the demo has checkpoints with passages, green-lane passes, and declarations whose tasks follow the rules', async () => {
      expect(ctx.demo.checkpoints).toMatchObject({ checkpoints: 7 });
      expect(ctx.demo.checkpoints.passages).toBeGreaterThan(7 * 14);
      expect(ctx.demo.checkpoints.declarations).toBeGreaterThanOrEqual(10);
      const gates = (await ctx.db.query<{ name: string }>(`SELECT name FROM checkpoint WHERE province_code = '20' AND kind = 'border_gate' ORDER BY name`)).rows.map((r) => r.name);
      expect(gates).toEqual(expect.arrayContaining(['Cửa khẩu quốc tế Hữu Nghị', 'Cửa khẩu Tân Thanh', 'Cửa khẩu Chi Ma', 'Cửa khẩu Cốc Nam']));
      // No one positive was let through; every declaration's tasks are the ones its effects name.
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE test_status = 'positive' AND decision = 'allowed'`)).toBe(0);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE passed_at > now()`)).toBe(0);
      expect(
        await count(ctx, `SELECT count(*)::int AS n FROM health_declaration d WHERE cardinality(d.effects) <> (SELECT count(*) FROM task t WHERE t.province_code = d.province_code AND t.detail->>'declarationId' = d.id::text)`),
      ).toBe(0);
    });

    it('serves the public form: the province’s districts and communes', async () => {
      const r = await citizen.get('/api/declarations/form?province=20');
      expect(r.statusCode).toBe(200);
      const form = r.json();
      expect(form.provinceName).toMatch(/Lạng Sơn/);
      expect(form.districts.length).toBe(11);
      expect(form.districts.flatMap((d: { communes: { code: string }[] }) => d.communes.map((c) => c.code))).toContain(commune);
      expect((await citizen.get('/api/declarations/form?province=99')).statusCode).toBe(404);
    });

    it('an arrival from a level-4 province gives the destination commune’s community team a testing task, once', async () => {
      const body = declaration();
      const r = await citizen.post('/api/declarations', body);
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ risk: 'high_risk_area', effects: ['test_arrival'], replayed: false });
      expect(r.json().areas[0]).toMatch(/Hồ Chí Minh/);
      // A retry on a bad connection: the same answer, nothing new.
      const again = await citizen.post('/api/declarations', body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: r.json().id, replayed: true });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM health_declaration WHERE idempotency_key = $1`, [body.idempotencyKey])).toBe(1);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'test_arrival' AND detail->>'declarationId' = $1`, [String(r.json().id)])).toBe(1);
      // The same key from another phone is another declaration: refused.
      expect((await citizen.post('/api/declarations', { ...body, phone: '0987654321' })).statusCode).toBe(409);
      // The community team of the commune sees it with the declarant's name and phone.
      const team = await ctx.as('tocovid');
      const tasks = (await team.get('/api/tasks')).json().items as { kind: string; fullName: string; phone: string; communeName: string }[];
      const t = tasks.find((x) => x.kind === 'test_arrival' && x.fullName === 'Trần Thị Bình');
      expect(t).toBeTruthy();
      expect(t!.phone).toBe('+84912345678');
    });

    it('monitors an arrival from a level-3 area, does nothing for a province not listed, and tests one from a lockdown inside the province', async () => {
      const l3 = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '75' }, phone: '0912000001' }));
      expect(l3.json()).toMatchObject({ risk: 'high_risk_area', effects: ['monitor_arrival'] });
      const none = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '04' }, phone: '0912000002' }));
      expect(none.json()).toMatchObject({ risk: 'none', effects: [] });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE detail->>'declarationId' = $1`, [String(none.json().id)])).toBe(0);
      // A place visited in the last 14 days counts like the origin.
      const via = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '04' }, places: [{ provinceCode: '74' }], phone: '0912000003' }));
      expect(via.json().effects).toEqual(['test_arrival']);
      // A lockdown zone in the neighbouring commune: someone coming from there is tested.
      const before = await citizen.post('/api/declarations', declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: neighbour }, phone: '0912000004' }));
      expect(before.json()).toMatchObject({ risk: 'none', effects: [] });
      const path = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [neighbour])).rows[0].path;
      await ctx.db.query(
        `INSERT INTO zone (province_code, name, kind, unit_codes, unit_path, start_date, planned_lift_date, status) VALUES ('20', 'Phong tỏa thử', 'lockdown', $1, $2, $3, $4, 'active')`,
        [[neighbour], path, daysAgo(3), daysAgo(-11)],
      );
      const after = await citizen.post('/api/declarations', declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: neighbour }, phone: '0912000005' }));
      expect(after.json()).toMatchObject({ risk: 'lockdown', effects: ['test_arrival'] });
    });

    it('the list of level 3–4 areas is the province’s dated policy: a new version changes what follows', async () => {
      const admin = await ctx.as('admin');
      const v = await admin.post('/api/policies/declarations.high_risk_areas/versions', {
        effectiveFrom: today,
        value: { areas: [{ provinceCode: '04', name: 'Tỉnh Cao Bằng', level: 4 }, { provinceCode: '01', districtCode: '001', name: 'Quận Ba Đình (Hà Nội)', level: 4 }] },
        source: 'Công văn của tỉnh (thử nghiệm)',
      });
      expect(v.statusCode, v.body).toBe(201);
      const r = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '04' }, phone: '0912000006' }));
      expect(r.json()).toMatchObject({ risk: 'high_risk_area', effects: ['test_arrival'], areas: ['Tỉnh Cao Bằng'] });
      // Hồ Chí Minh City is no longer listed from today.
      expect((await citizen.post('/api/declarations', declaration({ phone: '0912000007' }))).json().risk).toBe('none');
      // A district listed alone: only a traveller who names it (the form offers the province's districts) is tested.
      expect((await citizen.post('/api/declarations', declaration({ from: { provinceCode: '01' }, phone: '0912000017' }))).json()).toMatchObject({ risk: 'none', effects: [] });
      const bd = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '01', districtCode: '001' }, phone: '0912000018' }));
      expect(bd.json()).toMatchObject({ risk: 'high_risk_area', effects: ['test_arrival'], areas: ['Quận Ba Đình (Hà Nội)'] });
      const nearby = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '01', districtCode: '002' }, phone: '0912000019' }));
      expect(nearby.json()).toMatchObject({ risk: 'none', effects: [] });
    });

    it('the form names the districts of any province of the country; a district is checked and kept by name', async () => {
      const citizen = fromAddress(ctx.anonymous(), '10.0.6.1');
      const hn = await citizen.get('/api/declarations/districts?province=01');
      expect(hn.statusCode).toBe(200);
      const items = hn.json().items as { code: string; name: string }[];
      expect(items.length).toBe(30);
      expect(items).toContainEqual({ code: '001', name: 'Quận Ba Đình' });
      expect((await citizen.get('/api/declarations/districts?province=99')).statusCode).toBe(404);
      expect((await citizen.get('/api/declarations/districts?province=x')).statusCode).toBe(400);
      // Stored with the district's and the province's names, listed for the destination commune.
      const r = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '01', districtCode: '001' }, places: [{ provinceCode: '79', districtCode: '760' }], phone: '0912000020' }));
      expect(r.statusCode, r.body).toBe(201);
      const xa = await ctx.as('xa');
      const d = (await xa.get(`/api/declarations/${r.json().id}`)).json();
      expect(d.fromName).toBe('Quận Ba Đình, Thành phố Hà Nội');
      expect(d.places[0]).toMatchObject({ provinceCode: '79', districtCode: '760', name: 'Quận 1, Thành phố Hồ Chí Minh' });
      // Bad districts: nothing written.
      const before = await count(ctx, `SELECT count(*)::int AS n FROM health_declaration`);
      const bad = async (over: Record<string, unknown>) => {
        const x = await citizen.post('/api/declarations', declaration({ phone: '0912000021', ...over }));
        return `${x.statusCode} ${(x.json().error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`).join(',')}`;
      };
      expect(await bad({ from: { provinceCode: '01', districtCode: '999' } })).toBe('400 from.districtCode:unknown_district');
      expect(await bad({ from: { provinceCode: '01', districtCode: '760' } })).toBe('400 from.districtCode:unknown_district');
      expect(await bad({ places: [{ provinceCode: '20', districtCode: '178' }] })).toBe('400 places.0.districtCode:use_unit_code');
      expect(await bad({ from: { provinceCode: 'abroad', name: 'Lào', districtCode: '001' } })).toBe('400 from.districtCode:unknown_district');
      expect(await count(ctx, `SELECT count(*)::int AS n FROM health_declaration`)).toBe(before);
    });

    it('a declaration with symptoms alerts the commune health station', async () => {
      const r = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '02' }, symptoms: ['fever', 'cough'], phone: '0912000008' }));
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().effects).toEqual(['check_symptoms']);
      const yte = await ctx.as('yte');
      const tasks = (await yte.get('/api/tasks')).json().items as { kind: string; role: string; fullName: string }[];
      expect(tasks.some((t) => t.kind === 'check_symptoms' && t.role === 'health_worker' && t.fullName === 'Trần Thị Bình')).toBe(true);
    });

    it('declared contacts give the destination commune’s community team a check, sooner for a contact with a case', async () => {
      const citizen = fromAddress(ctx.anonymous(), '10.0.6.2');
      const team = await ctx.as('tocovid');
      const taskOf = async (id: number) =>
        (await ctx.db.query<{ kind: string; role: string; hours: number; contacts: string[]; unit: string }>(
          `SELECT kind, role, round(extract(epoch FROM due_at - created_at) / 3600)::int AS hours, detail->'contacts' AS contacts, commune_code AS unit FROM task WHERE detail->>'declarationId' = $1 ORDER BY kind`,
          [String(id)],
        )).rows;
      // Someone at home (no journey from an outbreak area) who met a case: a check within the policy's 12 h.
      const metBody = declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: commune }, contacts: ['case'], phone: '0912000030', fullName: 'Hoàng Văn Tiếp' });
      const met = await citizen.post('/api/declarations', metBody);
      expect(met.statusCode, met.body).toBe(201);
      expect(met.json()).toMatchObject({ risk: 'none', effects: ['check_declared_contact'] });
      expect(await taskOf(met.json().id)).toEqual([{ kind: 'check_declared_contact', role: 'community_team', hours: 12, contacts: ['case'], unit: commune }]);
      // Someone from an affected area or with symptoms: within 24 h.
      const other = await citizen.post('/api/declarations', declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: commune }, contacts: ['affected_area', 'symptomatic'], phone: '0912000031' }));
      expect((await taskOf(other.json().id)).map((t) => [t.kind, t.hours])).toEqual([['check_declared_contact', 24]]);
      // Beside the arrival's and the symptoms' tasks, each once.
      const all = await citizen.post('/api/declarations', declaration({ from: { provinceCode: '04' }, symptoms: ['fever'], contacts: ['case'], phone: '0912000032' }));
      expect(all.json().effects).toEqual(['test_arrival', 'check_symptoms', 'check_declared_contact']);
      expect((await taskOf(all.json().id)).map((t) => t.kind)).toEqual(['check_declared_contact', 'check_symptoms', 'test_arrival']);
      // No contact, no check.
      const none = await citizen.post('/api/declarations', declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: commune }, phone: '0912000033' }));
      expect(await taskOf(none.json().id)).toEqual([]);
      // The team sees it in its list with the declarant's name; a replay makes no second task.
      const tasks = (await team.get('/api/tasks')).json().items as { kind: string; fullName: string; phone: string }[];
      expect(tasks.find((t) => t.kind === 'check_declared_contact' && t.fullName === 'Hoàng Văn Tiếp')?.phone).toBe('+84912000030');
      const again = await citizen.post('/api/declarations', metBody);
      expect(again.json()).toMatchObject({ id: met.json().id, replayed: true });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'check_declared_contact' AND detail->>'declarationId' = $1`, [String(met.json().id)])).toBe(1);
      // The delays are the province's dated policy.
      const admin = await ctx.as('admin');
      const v = await admin.post('/api/policies/declarations.contact_follow_up/versions', { effectiveFrom: today, value: { caseDueHours: 3, otherDueHours: 48 }, source: 'Công văn của tỉnh (thử nghiệm)' });
      expect(v.statusCode, v.body).toBe(201);
      const sooner = await citizen.post('/api/declarations', declaration({ kind: 'domestic', from: { provinceCode: '20', unitCode: commune }, contacts: ['case'], phone: '0912000034' }));
      expect((await taskOf(sooner.json().id)).map((t) => [t.kind, t.hours])).toEqual([['check_declared_contact', 3]]);
    });

    it('refuses bad input with a clear 4xx and writes nothing', async () => {
      const before = await count(ctx, `SELECT count(*)::int AS n FROM health_declaration`);
      const tasksBefore = await count(ctx, `SELECT count(*)::int AS n FROM task`);
      const bad = fromAddress(ctx.anonymous(), '10.0.0.2');
      const code = async (over: Record<string, unknown>) => {
        const r = await bad.post('/api/declarations', declaration(over));
        return { status: r.statusCode, fields: (r.json().error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`) };
      };
      expect(await code({ phone: '0123456789' })).toMatchObject({ status: 400, fields: ['phone:invalid'] });
      expect((await code({ phone: '12' })).status).toBe(400);
      expect((await code({ cccd: '0011234' })).fields).toContain('cccd:format');
      expect((await code({ cccd: cccdOf(1992, 'M', 1) })).fields).toContain('cccd:century_sex');
      expect((await code({ arrivalDate: daysAgo(-2) })).fields).toContain('arrivalDate:in_future');
      expect((await code({ birthDate: '2099-01-01' })).fields).toContain('birthDate:in_future');
      expect((await code({ destinationCommuneCode: district })).fields).toContain('destinationCommuneCode:unknown_commune');
      expect((await code({ from: { provinceCode: '20', unitCode: '99999' } })).fields).toContain('from.unitCode:unknown_unit');
      expect((await code({ from: { provinceCode: '99' } })).fields).toContain('from.provinceCode:unknown_province');
      expect((await code({ symptoms: ['headache'] })).fields).toContain('symptoms.0:unknown');
      expect((await code({ provinceCode: '38' })).status).toBe(404);
      expect((await code({ extra: 1 })).status).toBe(400);
      expect((await code({ idempotencyKey: 'short' })).status).toBe(400);
      // An oversized body.
      const big = await bad.post('/api/declarations', declaration({ address: 'x'.repeat(70_000) }));
      expect(big.statusCode).toBe(413);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM health_declaration`)).toBe(before);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task`)).toBe(tasksBefore);
    });

    it('limits floods: per address, and per phone number per day', async () => {
      const flood = fromAddress(ctx.anonymous(), '10.0.9.9');
      const codes: number[] = [];
      for (let i = 0; i < 22; i++) codes.push((await flood.post('/api/declarations', declaration({ phone: `0913${String(i).padStart(6, '0')}`, from: { provinceCode: '02' } }))).statusCode);
      expect(codes.slice(0, 20).every((c) => c === 201)).toBe(true);
      expect(codes.at(-1)).toBe(429);
      // One phone, many addresses: ten a day.
      const phoneCodes: number[] = [];
      for (let i = 0; i < 11; i++) phoneCodes.push((await fromAddress(ctx.anonymous(), `10.1.0.${++ip}`).post('/api/declarations', declaration({ phone: '0914111222', from: { provinceCode: '02' } }))).statusCode);
      expect(phoneCodes.slice(0, 10).every((c) => c === 201)).toBe(true);
      expect(phoneCodes[10]).toBe(429);
    });

    it('lists declarations for the destination’s jurisdiction only, audited, with Excel', async () => {
      const xa = await ctx.as('xa');
      const list = await xa.get('/api/declarations?risk=any_risk&limit=100');
      expect(list.statusCode, list.body).toBe(200);
      const body = list.json();
      expect(body.withRisk).toBeGreaterThan(0);
      expect(body.items.every((d: { destinationCommuneCode: string; risk: string }) => d.destinationCommuneCode === commune && d.risk !== 'none')).toBe(true);
      const one = body.items[0];
      expect((await xa.get(`/api/declarations/${one.id}`)).json()).toMatchObject({ id: one.id, fullName: 'Trần Thị Bình' });
      // The neighbouring commune sees none of them.
      const xaben = await ctx.as('xaben');
      const theirs = (await xaben.get('/api/declarations?limit=500')).json();
      expect(theirs.items.every((d: { destinationCommuneCode: string }) => d.destinationCommuneCode === neighbour)).toBe(true);
      expect(theirs.items.some((d: { id: number }) => d.id === one.id)).toBe(false);
      expect((await xaben.get(`/api/declarations/${one.id}`)).statusCode).toBe(404);
      // Search by phone; symptoms filter.
      expect((await xa.get('/api/declarations?q=0912000008')).json().total).toBe(0); // stored as +84…: search by the digits after 0
      expect((await xa.get('/api/declarations?q=912000008')).json().total).toBe(1);
      expect((await xa.get('/api/declarations?symptoms=true')).json().items.every((d: { symptoms: string[] }) => d.symptoms.length > 0)).toBe(true);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'health_declaration' AND username = 'xa'`)).toBeGreaterThanOrEqual(2);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'health_declaration' AND username = 'xaben' AND outcome = 'not_found'`)).toBe(1);
      const x = await xa.get('/api/declarations/export.xlsx');
      expect(x.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.getRow(3).getCell(4).value).toBe('Họ và tên');
      expect(ws.rowCount - 3).toBe((await xa.get('/api/declarations?limit=1')).json().total);
      // Who may not: a community team member, a citizen.
      expect((await (await ctx.as('tocovid')).get('/api/declarations')).statusCode).toBe(403);
      expect((await ctx.anonymous().get('/api/declarations')).statusCode).toBe(401);
      expect((await xa.get('/api/declarations?from=2021-01-01&to=2021-12-31')).statusCode).toBe(400);
    });

    it('deletes declarations after the retention period (and the declarant from their tasks); anonymises old passages', async () => {
      const r = await citizen.post('/api/declarations', declaration({ phone: '0915000001', from: { provinceCode: '04' }, idempotencyKey: key('old') }));
      expect(r.json().effects, r.body).toEqual(['test_arrival']);
      const id = r.json().id as number;
      const keep = await citizen.post('/api/declarations', declaration({ phone: '0915000002', from: { provinceCode: '74' }, idempotencyKey: key('keep') }));
      await ctx.db.query(`UPDATE health_declaration SET declared_at = now() - interval '29 days' WHERE id = $1`, [id]);
      const cp = (await ctx.db.query<{ id: number; path: string }>(`SELECT id, unit_path AS path FROM checkpoint WHERE province_code = '20' ORDER BY id LIMIT 1`)).rows[0];
      await ctx.db.query(
        `INSERT INTO checkpoint_passage (province_code, checkpoint_id, unit_path, passed_at, direction, full_name, cccd, role, purpose, test_status, decision, idempotency_key)
         VALUES ('20', $1, $2, now() - interval '40 days', 'in', 'Người cũ', '001090000001', 'pedestrian', 'work', 'none', 'tested', 'old-passage-1')`,
        [cp.id, cp.path],
      );
      expect((await (await ctx.as('xa')).post('/api/declarations/purge', {})).statusCode).toBe(403);
      const purge = await (await ctx.as('admin')).post('/api/declarations/purge', {});
      expect(purge.statusCode, purge.body).toBe(200);
      expect(purge.json().declarationsDeleted).toBe(1);
      expect(purge.json().passagesAnonymised).toBe(1);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM health_declaration WHERE id = ANY($1::bigint[])`, [[id, keep.json().id]])).toBe(1);
      const task = (await ctx.db.query<{ detail: Record<string, unknown> }>(`SELECT detail FROM task WHERE detail->>'declarationId' = $1`, [String(id)])).rows[0];
      expect(task.detail).not.toHaveProperty('fullName');
      expect(task.detail).not.toHaveProperty('phone');
      expect((await ctx.db.query(`SELECT full_name, cccd FROM checkpoint_passage WHERE idempotency_key = 'old-passage-1'`)).rows[0]).toEqual({ full_name: '—', cccd: null });
      // Nothing else was touched.
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE full_name = '—'`)).toBe(1);
    });

    describe('checkpoints', () => {
      let chot: Client;
      let cpId: number;
      let farCpId: number;
      const driverCccd = cccdOf(1985, 'M', 777);
      const plate = '29C-123.45';

      beforeAll(async () => {
        chot = await ctx.as('chot');
      });

      it('opens checkpoints in communes of the jurisdiction', async () => {
        const r = await chot.post('/api/checkpoints', { name: 'Chốt kiểm soát thử Km 12', kind: 'road', communeCode: commune, road: 'QL1A', lat: 21.85, lon: 106.76 });
        expect(r.statusCode, r.body).toBe(201);
        cpId = r.json().id;
        expect((await chot.post('/api/checkpoints', { name: 'Chốt kiểm soát thử Km 12', kind: 'road', communeCode: commune })).statusCode).toBe(409);
        expect((await chot.post('/api/checkpoints', { name: 'Chốt sai', kind: 'road', communeCode: district })).json().error.fields[0].code).toBe('unknown_commune');
        const far = (await ctx.db.query<{ code: string }>(`SELECT c.code FROM admin_unit c JOIN admin_unit d ON d.province_code = c.province_code AND d.code = $1 WHERE c.province_code = '20' AND c.level = 'commune' AND c.path NOT LIKE d.path || '%' ORDER BY c.code LIMIT 1`, [district])).rows[0].code;
        farCpId = (await chot.post('/api/checkpoints', { name: 'Cửa khẩu thử', kind: 'border_gate', communeCode: far })).json().id;
        expect((await chot.get('/api/checkpoints')).json().items.map((c: { id: number }) => c.id)).toEqual(expect.arrayContaining([cpId, farCpId]));
        // A district officer sees the checkpoints of their district only; a commune officer has no access.
        const huyen = await ctx.as('huyen');
        const seen = (await huyen.get('/api/checkpoints')).json().items.map((c: { id: number }) => c.id);
        expect(seen).toContain(cpId);
        expect(seen).not.toContain(farCpId);
        expect((await (await ctx.as('xa')).get('/api/checkpoints')).statusCode).toBe(403);
      });

      it('finds a driver’s valid negative test by CCCD or plate, so the driver is not retested', async () => {
        const none = (await chot.get(`/api/checkpoints/lookup?cccd=${driverCccd}&plate=${encodeURIComponent(plate)}`)).json();
        expect(none).toMatchObject({ testStatus: 'none', advice: { in: 'tested', out: 'allowed' }, person: null });
        // Tested at another checkpoint yesterday evening (a rapid test read by a health worker).
        const rt = await chot.post('/api/testing/rapid-tests', { person: { fullName: 'Lê Văn Tài', cccd: driverCccd }, vehiclePlate: plate, outcome: 'negative', readAt: new Date(Date.now() - 20 * 3_600_000).toISOString(), idempotencyKey: key('rt') });
        expect(rt.statusCode, rt.body).toBe(201);
        for (const q of [`cccd=${driverCccd}`, `plate=${encodeURIComponent('29c 12345')}`]) {
          const l = (await chot.get(`/api/checkpoints/lookup?${q}`)).json();
          expect(l.testStatus, q).toBe('valid_negative');
          expect(l.advice.in).toBe('allowed');
          expect(Date.parse(l.tests.validUntil) - Date.parse(l.tests.result.resultAt)).toBe(72 * 3_600_000);
        }
        // Retesting them is refused; letting them through is recorded with what was found.
        const body = { checkpointId: cpId, passedAt: new Date().toISOString(), direction: 'in', person: { fullName: 'Lê Văn Tài', cccd: driverCccd, phone: '0977000111' }, vehiclePlate: plate, role: 'driver', purpose: 'freight', fromProvinceCode: '01', toCommuneCode: commune, decision: 'tested', idempotencyKey: key('pass') };
        const retest = await chot.post('/api/checkpoints/passages', body);
        expect(retest.statusCode).toBe(409);
        expect(retest.json().error.fields[0].code).toBe('valid_result_no_retest');
        const ok = await chot.post('/api/checkpoints/passages', { ...body, decision: 'allowed' });
        expect(ok.statusCode, ok.body).toBe(201);
        expect(ok.json().passage).toMatchObject({ testStatus: 'valid_negative', vehiclePlate: '29C12345', decision: 'allowed', fullName: 'Lê Văn Tài', phone: '+84977000111' });
        const again = await chot.post('/api/checkpoints/passages', { ...body, decision: 'allowed' });
        expect(again.statusCode).toBe(200);
        expect(again.json()).toMatchObject({ replayed: true, passage: { id: ok.json().passage.id } });
        expect(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE idempotency_key = $1`, [body.idempotencyKey])).toBe(1);
        // The next checkpoint sees where they passed.
        expect((await chot.get(`/api/checkpoints/lookup?plate=29C12345`)).json().recent[0]).toMatchObject({ checkpointName: 'Chốt kiểm soát thử Km 12', direction: 'in' });
        expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'checkpoint_lookup' AND username = 'chot'`)).toBeGreaterThanOrEqual(3);
      });

      it('reads a registry person’s vaccination status, and holds someone positive', async () => {
        const p = (await ctx.db.query<{ id: number; cccd: string }>(`SELECT id, cccd FROM person WHERE province_code = '20' AND cccd IS NOT NULL ORDER BY id LIMIT 1`)).rows[0];
        const l = (await chot.get(`/api/checkpoints/lookup?cccd=${p.cccd}`)).json();
        expect(l.person).toMatchObject({ id: Number(p.id), cccd: p.cccd });
        expect(l.vaccination).toHaveProperty('state');
        await chot.post('/api/testing/rapid-tests', { personId: Number(p.id), outcome: 'positive', readAt: new Date(Date.now() - 3_600_000).toISOString(), idempotencyKey: key('rtpos') });
        const pos = (await chot.get(`/api/checkpoints/lookup?cccd=${p.cccd}`)).json();
        expect(pos).toMatchObject({ testStatus: 'positive', advice: { in: 'held', out: 'held' } });
        const body = { checkpointId: cpId, passedAt: new Date().toISOString(), direction: 'out', personId: Number(p.id), role: 'pedestrian', purpose: 'work', decision: 'allowed', idempotencyKey: key('pass') };
        const refused = await chot.post('/api/checkpoints/passages', body);
        expect(refused.statusCode).toBe(409);
        expect(refused.json().error.fields[0].code).toBe('positive_cannot_pass');
        const held = await chot.post('/api/checkpoints/passages', { ...body, decision: 'held', note: 'Báo trạm y tế' });
        expect(held.statusCode, held.body).toBe(201);
        expect(held.json().passage).toMatchObject({ testStatus: 'positive', decision: 'held', personId: Number(p.id) });
      });

      it('refuses bad passages: malformed plate or CCCD, future times, unknown checkpoint, replayed keys elsewhere', async () => {
        const base = { checkpointId: cpId, passedAt: new Date().toISOString(), direction: 'in', person: { fullName: 'Người thử', cccd: cccdOf(1990, 'M', 5) }, vehiclePlate: '12C-888.88', role: 'driver', purpose: 'freight', decision: 'tested' };
        const before = await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage`);
        const f = async (over: Record<string, unknown>) => {
          const r = await chot.post('/api/checkpoints/passages', { ...base, idempotencyKey: key('bad'), ...over });
          return `${r.statusCode} ${r.json().error?.fields?.[0]?.code ?? r.json().error?.code}`;
        };
        expect(await f({ vehiclePlate: 'ABC' })).toBe('400 invalid');
        expect(await f({ person: { fullName: 'Người thử', cccd: '123' } })).toBe('400 format');
        expect(await f({ person: { fullName: 'Người thử', cccd: cccdOf(1990, 'M', 5), phone: '123' } })).toBe('400 invalid');
        expect(await f({ passedAt: new Date(Date.now() + 3_600_000).toISOString() })).toBe('400 in_future');
        expect(await f({ passedAt: 'yesterday' })).toMatch(/^400/);
        expect(await f({ checkpointId: 999999 })).toBe('404 not_found');
        expect(await f({ vehiclePlate: null })).toBe('400 required_for_driver');
        expect(await f({ fromProvinceCode: '99' })).toBe('400 unknown_province');
        expect(await f({ toCommuneCode: district })).toBe('400 unknown_commune');
        expect(await f({ personId: 1 })).toBe('400 person_or_new_person');
        const big = await chot.post('/api/checkpoints/passages', { ...base, idempotencyKey: key('big'), note: 'x'.repeat(20_000) });
        expect(big.statusCode).toBe(413);
        expect(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage`)).toBe(before);
        // A key already used for a passage at another checkpoint.
        const k = key('reuse');
        expect((await chot.post('/api/checkpoints/passages', { ...base, idempotencyKey: k })).statusCode).toBe(201);
        expect((await chot.post('/api/checkpoints/passages', { ...base, checkpointId: farCpId, idempotencyKey: k })).statusCode).toBe(409);
        // Only checkpoint officers and command staff record; a district officer reads.
        expect((await (await ctx.as('huyen')).post('/api/checkpoints/passages', { ...base, idempotencyKey: key('h') })).statusCode).toBe(403);
      });

      it('issues green-lane passes checked by plate, revokes them', async () => {
        const from = today;
        const to = daysAgo(-10);
        const r = await chot.post('/api/checkpoints/green-passes', { vehiclePlate: '51LD-123.45', holder: 'Công ty Vận tải Xanh', cargo: 'Rau quả', route: 'Hữu Nghị – Hà Nội', validFrom: from, validTo: to });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json()).toMatchObject({ vehiclePlate: '51LD12345', state: 'valid' });
        expect((await chot.post('/api/checkpoints/green-passes', { vehiclePlate: '51LD12345', holder: 'Công ty khác', validFrom: from, validTo: from })).json().error.fields[0].code).toBe('pass_overlaps');
        expect((await chot.post('/api/checkpoints/green-passes', { vehiclePlate: '51LD99999', holder: 'Công ty khác', validFrom: from, validTo: daysAgo(-40) })).json().error.fields[0].code).toBe('too_long');
        expect((await chot.post('/api/checkpoints/green-passes', { vehiclePlate: 'xx', holder: 'Công ty khác', validFrom: from, validTo: from })).statusCode).toBe(400);
        expect((await chot.get('/api/checkpoints/lookup?plate=51LD12345')).json().greenPass).toMatchObject({ code: r.json().code, state: 'valid' });
        const p = await chot.post('/api/checkpoints/passages', { checkpointId: cpId, passedAt: new Date().toISOString(), direction: 'in', person: { fullName: 'Tài xế luồng xanh' }, vehiclePlate: '51LD12345', role: 'driver', purpose: 'freight', decision: 'tested', idempotencyKey: key('gl') });
        expect(p.json().passage).toMatchObject({ greenPassCode: r.json().code, testStatus: 'none' });
        const rev = await chot.post(`/api/checkpoints/green-passes/${r.json().id}/revoke`, { reason: 'Sai thông tin hàng hóa' });
        expect(rev.json()).toMatchObject({ status: 'revoked', state: 'revoked' });
        expect((await chot.post(`/api/checkpoints/green-passes/${r.json().id}/revoke`, { reason: 'Lần hai' })).statusCode).toBe(409);
        expect((await chot.get('/api/checkpoints/green-passes')).json().items.some((x: { id: number }) => x.id === r.json().id)).toBe(false);
      });

      it('counts passages per day and checkpoint, with Excel; scoped', async () => {
        const d = (await chot.get(`/api/checkpoints/daily?from=${daysAgo(6)}&to=${today}`)).json();
        expect(d.total).toHaveLength(7);
        const mine = d.rows.find((r: { checkpointId: number; day: string }) => r.checkpointId === cpId && r.day === today);
        const n = await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE checkpoint_id = $1 AND direction = 'in'`, [cpId]);
        expect(mine.in).toBe(n);
        expect(mine.held).toBe(1); // the positive pedestrian
        expect(d.rows.find((r: { checkpointId: number; day: string }) => r.checkpointId === cpId && r.day === today).out).toBe(1);
        const x = await chot.get(`/api/checkpoints/daily.xlsx?from=${daysAgo(6)}&to=${today}`);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
        expect(wb.worksheets[0].getRow(2).getCell(2).value).toBe('Chốt');
        const huyen = (await (await ctx.as('huyen')).get(`/api/checkpoints/daily`)).json();
        expect(huyen.checkpoints.map((c: { id: number }) => c.id)).not.toContain(farCpId);
        expect((await chot.get(`/api/checkpoints/daily?checkpointId=999999`)).statusCode).toBe(404);
        expect((await chot.get(`/api/checkpoints/daily?from=${today}&to=${daysAgo(3)}`)).statusCode).toBe(400);
        const list = (await chot.get(`/api/checkpoints/passages?checkpointId=${cpId}`)).json();
        expect(list.total).toBe(await count(ctx, `SELECT count(*)::int AS n FROM checkpoint_passage WHERE checkpoint_id = $1`, [cpId]));
      });
    });
  });
}
