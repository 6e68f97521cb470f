// Foundation API on every database: sign-in, CSRF, lockout, jurisdiction scoping, audit,
// units, people search, policies, errors in the caller's language, health and OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, makeClient, type TestContext } from '../helpers/app.ts';

/** Two people in the demo commune (the commune officer's) and one in another district. */
async function addPeople(ctx: TestContext) {
  const xa = ctx.demo.logins.find((l) => l.username === 'xa')!;
  const other = (
    await ctx.db.query<{ code: string; path: string }>(
      `SELECT code, path FROM admin_unit WHERE province_code = '20' AND level = 'commune' AND path NOT LIKE (SELECT path FROM admin_unit WHERE code = $1) || '%' ORDER BY code LIMIT 1`,
      [ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode],
    )
  ).rows[0];
  const own = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [xa.unitCode])).rows[0];
  const insert = async (key: string, cccd: string | null, name: string, search: string, birth: string, sex: string, phone: string | null, commune: string, path: string, hh: string) =>
    (
      await ctx.db.query<{ id: number }>(
        `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, birth_date, sex, phone, commune_code, unit_path, household_id)
         VALUES ('20', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [key, cccd, name, search, birth, sex, phone, commune, path, hh],
      )
    ).rows[0].id;
  await ctx.db.query(`INSERT INTO household (province_code, household_id, commune_code, unit_path, address) VALUES ('20', 'HH-T1', $1, $2, 'Số 1 phố Test'), ('20', 'HH-T2', $3, $4, NULL)`, [xa.unitCode, own.path, other.code, other.path]);
  const an = await insert('020085000001', '020085000001', 'Nguyễn Văn An', 'nguyen van an', '1985-03-02', 'M', '+84912000001', xa.unitCode, own.path, 'HH-T1');
  const binh = await insert('h:HH-T1|tran thi binh|2015-06-01', null, 'Trần Thị Bình', 'tran thi binh', '2015-06-01', 'F', null, xa.unitCode, own.path, 'HH-T1');
  const far = await insert('020190000002', '020190000002', 'Nguyễn Thị Xa', 'nguyen thi xa', '1990-01-01', 'F', '+84912000002', other.code, other.path, 'HH-T2');
  return { an, binh, far, otherCommune: other.code };
}

for (const kind of DB_KINDS) {
  describe(`foundation API on ${kind}`, () => {
    let ctx: TestContext;
    let people: Awaited<ReturnType<typeof addPeople>>;
    beforeAll(async () => {
      ctx = await createTestContext(kind);
      people = await addPeople(ctx);
    });
    afterAll(async () => ctx?.close());

    describe('sign-in and sessions', () => {
      it('returns the user with a CSRF token and an HttpOnly SameSite cookie', async () => {
        const pw = ctx.demo.logins.find((l) => l.username === 'admin')!.password;
        const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ADMIN', password: pw } });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ username: 'admin', role: 'province_admin', provinceCode: '20', unitPath: '20/' });
        expect(res.json().csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
        const cookie = String(res.headers['set-cookie']);
        expect(cookie).toMatch(/cd_sid=/);
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/SameSite=Strict/);
      });
      it('stores only a hash of the session token', async () => {
        const c = await ctx.as('xem');
        const token = c.cookie!.split('=')[1];
        const r = await ctx.db.query('SELECT 1 FROM user_session WHERE token_hash = $1', [token]);
        expect(r.rows).toHaveLength(0);
      });
      it('stores passwords as argon2id hashes', async () => {
        const r = await ctx.db.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE username = 'admin'`);
        expect(r.rows[0].password_hash).toMatch(/^\$argon2id\$/);
      });
      it('refuses a wrong password with 401 in Vietnamese, or English when asked', async () => {
        const vi = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chot', password: 'wrong-password' } });
        expect(vi.statusCode).toBe(401);
        expect(vi.json().error).toMatchObject({ code: 'invalid_credentials', message: 'Sai tên đăng nhập hoặc mật khẩu' });
        const en = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en-US' }, payload: { username: 'nobody', password: 'x' } });
        expect(en.statusCode).toBe(401);
        expect(en.json().error.message).toBe('Wrong username or password');
      });
      it('rejects malformed login bodies with 400 and field errors', async () => {
        const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: '' } });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('validation');
        expect(res.json().error.fields.length).toBeGreaterThan(0);
        const junk = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
        expect(junk.statusCode).toBe(400);
      });
      it('keeps JSON body types as sent: a null stays null (not 0), a number written as text is refused', async () => {
        const c = await ctx.as('huyen');
        const base = { confidence: 0.95, prevalence: 0.01, sensitivity: 1 };
        // population: null means "unknown population": the large-population formula, not a population of 0.
        expect((await c.post('/api/testing/sample-size', { ...base, population: null })).json()).toMatchObject({ n: 299, formula: 'large_population' });
        const text = await c.post('/api/testing/sample-size', { ...base, population: '1000' });
        expect(text.statusCode).toBe(400);
        expect(text.json().error.code).toBe('validation');
        // Query strings are text and are still read as numbers.
        const page = await c.get('/api/cases?limit=2');
        expect(page.statusCode).toBe(200);
      });
      it('locks an account after repeated failures, even for the right password', async () => {
        const pw = ctx.demo.logins.find((l) => l.username === 'tiemchung')!.password;
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `10.0.0.${i + 1}`, payload: { username: 'tiemchung', password: 'bad' + i } });
          codes.push(r.statusCode);
        }
        expect(codes).toEqual([401, 401, 401, 401, 423]);
        const right = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.1.1', payload: { username: 'tiemchung', password: pw } });
        expect(right.statusCode).toBe(423);
        expect(right.json().error.code).toBe('account_locked');
        const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'login_failed' AND username = 'tiemchung'`);
        expect(audited.rows.length).toBe(6);
      });
      it('rate-limits login attempts for one username from one address', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const r = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.50', payload: { username: 'nobody', password: 'x' + i } });
          statuses.push(r.statusCode);
        }
        expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
        expect(statuses.slice(10)).toEqual([429, 429]);
        const other = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.50', payload: { username: 'somebody', password: 'x' } });
        expect(other.statusCode).toBe(401);
      });
      it('rate-limits login attempts from one address whatever the usernames', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < ctx.config.loginMaxPerAddress + 2; i++) {
          const r = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.60', payload: { username: `khach${i}`, password: 'x' } });
          statuses.push(r.statusCode);
        }
        expect(statuses.slice(0, ctx.config.loginMaxPerAddress).every((s) => s === 401)).toBe(true);
        expect(statuses.slice(ctx.config.loginMaxPerAddress)).toEqual([429, 429]);
        const elsewhere = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '192.0.2.61', payload: { username: 'khach0', password: 'x' } });
        expect(elsewhere.statusCode).toBe(401);
      });
      it('logout ends the session', async () => {
        const c = await ctx.signInFresh('chihuy');
        expect((await c.get('/api/auth/me')).statusCode).toBe(200);
        expect((await c.post('/api/auth/logout', {})).statusCode).toBe(200);
        expect((await c.get('/api/auth/me')).statusCode).toBe(401);
      });
    });

    describe('CSRF', () => {
      it('refuses a state-changing request without the token, and writes nothing', async () => {
        const admin = await ctx.as('admin');
        const before = await ctx.db.query('SELECT count(*)::int AS n FROM policy_version');
        const body = { effectiveFrom: '2030-01-01', value: { days: 21 }, source: 'Test document 1/2030' };
        const noToken = await admin.request({ method: 'POST', url: '/api/policies/checkins.retention_days/versions', payload: body, headers: { 'x-csrf-token': '' } });
        expect(noToken.statusCode).toBe(403);
        expect(noToken.json().error.code).toBe('csrf');
        const otherToken = await ctx.as('chihuy');
        const wrong = await admin.request({ method: 'POST', url: '/api/policies/checkins.retention_days/versions', payload: body, headers: { 'x-csrf-token': otherToken.csrf! } });
        expect(wrong.statusCode).toBe(403);
        const after = await ctx.db.query('SELECT count(*)::int AS n FROM policy_version');
        expect(after.rows).toEqual(before.rows);
      });
    });

    describe('security headers', () => {
      it('sends a CSP and the usual protections', async () => {
        const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBeDefined();
      });
    });

    describe('units and jurisdiction', () => {
      it('gives the province administrator the whole tree, with Vietnamese order', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get('/api/units/20');
        expect(res.statusCode).toBe(200);
        const names = res.json().children.map((c: { name: string }) => c.name);
        expect(names).toHaveLength(11);
        expect(names).toEqual([...names].sort(new Intl.Collator('vi').compare));
      });
      it('serves district polygons as GeoJSON for the map', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get('/api/units/20/map');
        expect(res.statusCode).toBe(200);
        const fc = res.json();
        expect(fc.features).toHaveLength(11);
        expect(fc.features[0].geometry.type).toMatch(/Polygon/);
        expect(fc.features[0].properties).toHaveProperty('population');
      });
      it('draws the boundaries simplified for the map, neighbours keeping identical borders, and answers 304 when unchanged', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get('/api/units/20/map');
        const fc = res.json();
        const stored = await ctx.db.query<{ code: string; geometry: { coordinates: unknown } }>(`SELECT unit_code AS code, geometry FROM admin_boundary WHERE province_code = '20' AND unit_code <> '20'`);
        const points = (c: unknown): number[][] => (typeof (c as number[])[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(points));
        const key = (p: number[]) => `${p[0]},${p[1]}`;
        const drawn = new Map<string, Set<string>>(fc.features.map((f: { id: string; geometry: { coordinates: unknown } }) => [f.id, new Set(points(f.geometry.coordinates).map(key))]));
        // Far fewer vertices than stored (13,176 for Lạng Sơn's districts), each an original vertex rounded to 5 decimals (≈ 1 m).
        const storedCount = stored.rows.reduce((s, r) => s + points(r.geometry.coordinates).length, 0);
        const drawnCount = [...drawn.values()].reduce((s, v) => s + v.size, 0);
        expect(drawnCount).toBeLessThan(storedCount / 3);
        // Stored vertices as drawn: snapped to 1e-7° (one vertex where neighbours differ by less), then rounded.
        const asDrawn = (v: number) => Math.round((Math.round(v * 1e7) / 1e7) * 1e5) / 1e5;
        const rounded = new Map(stored.rows.map((r) => [r.code, new Set(points(r.geometry.coordinates).map((p) => key(p.map(asDrawn))))]));
        for (const [a, va] of drawn) for (const k of va) expect(rounded.get(a)!.has(k)).toBe(true);
        let sharedBorders = 0;
        for (const [a, va] of drawn)
          for (const [b, vb] of drawn) {
            if (a >= b) continue;
            // What A draws of B's border is exactly what B draws of A's: no slivers, no gaps.
            const aOnB = [...va].filter((k) => rounded.get(b)!.has(k)).sort();
            const bOnA = [...vb].filter((k) => rounded.get(a)!.has(k)).sort();
            expect(aOnB).toEqual(bOnA);
            if (aOnB.length > 2) sharedBorders++;
          }
        expect(sharedBorders).toBeGreaterThanOrEqual(10);
        expect(res.headers.etag).toBeTruthy();
        const again = await admin.get('/api/units/20/map', { 'if-none-match': String(res.headers.etag) });
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe('');
        expect((await admin.get('/api/units/20/map', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
      });
      it('keeps a commune officer inside their commune: 404 above or beside it', async () => {
        const xa = await ctx.as('xa');
        const me = ctx.demo.logins.find((l) => l.username === 'xa')!;
        expect((await xa.get('/api/units/root')).json().code).toBe(me.unitCode);
        expect((await xa.get(`/api/units/${me.unitCode}`)).statusCode).toBe(200);
        expect((await xa.get('/api/units/20')).statusCode).toBe(404);
        expect((await xa.get(`/api/units/${people.otherCommune}`)).statusCode).toBe(404);
        expect((await xa.get(`/api/units/${people.otherCommune}/map`)).statusCode).toBe(404);
      });
      it('gives the neighbouring commune its own officer, in the same district, who cannot see the demo commune', async () => {
        const me = ctx.demo.logins.find((l) => l.username === 'xa')!;
        const next = ctx.demo.logins.find((l) => l.username === 'xaben')!;
        expect(next.role).toBe('commune_officer');
        expect(next.unitCode).not.toBe(me.unitCode);
        const parents = await ctx.db.query<{ code: string; parent: string }>(
          `SELECT code, parent_code AS parent FROM admin_unit WHERE province_code = '20' AND code = ANY($1::text[])`,
          [[me.unitCode, next.unitCode]],
        );
        expect(new Set(parents.rows.map((r) => r.parent)).size).toBe(1);
        const xaben = await ctx.as('xaben');
        expect((await xaben.get('/api/units/root')).json().code).toBe(next.unitCode);
        expect((await xaben.get(`/api/units/${me.unitCode}`)).statusCode).toBe(404);
      });
      it('lets a commune officer add a village under their commune only', async () => {
        const xa = await ctx.as('xa');
        const me = ctx.demo.logins.find((l) => l.username === 'xa')!;
        const ok = await xa.post(`/api/units/${me.unitCode}/children`, { name: 'Tổ dân phố Thử Nghiệm', type: 'Tổ dân phố' });
        expect(ok.statusCode).toBe(201);
        expect(ok.json()).toMatchObject({ level: 'village', parentCode: me.unitCode, name: 'Tổ dân phố Thử Nghiệm' });
        const dup = await xa.post(`/api/units/${me.unitCode}/children`, { name: 'To dan pho thu nghiem' });
        expect(dup.statusCode).toBe(409);
        const outside = await xa.post(`/api/units/${people.otherCommune}/children`, { name: 'Thôn Lạ' });
        expect(outside.statusCode).toBe(404);
        const viewer = await ctx.as('xem');
        expect((await viewer.post(`/api/units/${me.unitCode}/children`, { name: 'Thôn X' })).statusCode).toBe(403);
        const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'admin_unit' AND action = 'create' AND entity_id = $1`, [ok.json().code]);
        expect(audited.rows).toHaveLength(1);
      });
      it('finds units without diacritics, naming the parent so that communes sharing a name can be told apart', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get('/api/units/search?q=tan%20thanh');
        expect(res.statusCode).toBe(200);
        const communes = (res.json() as { name: string; level: string; parentName: string }[]).filter((u) => u.name === 'Xã Tân Thành');
        expect(communes.length).toBeGreaterThan(1);
        expect(new Set(communes.map((u) => u.parentName)).size).toBe(communes.length);
        for (const u of communes) expect(u.parentName).toMatch(/^(Huyện|Thành phố|Thị xã) /);
        const xa = await ctx.as('xa');
        const me = ctx.demo.logins.find((l) => l.username === 'xa')!;
        const [{ name }] = (await ctx.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE code = $1`, [me.unitCode])).rows;
        // The commune's own name, found by the officer; its namesakes elsewhere in the province are not.
        const mine = (await xa.get(`/api/units/search?q=${encodeURIComponent(name)}`)).json() as { code: string; path: string }[];
        expect(mine.length).toBeGreaterThan(0);
        for (const u of mine) expect(u.path.split('/')).toContain(me.unitCode);
      });
      it('rejects malformed unit codes with 400', async () => {
        const admin = await ctx.as('admin');
        expect((await admin.get('/api/units/%27%20OR%201=1')).statusCode).toBe(400);
      });
      it('needs a session', async () => {
        expect((await ctx.anonymous().get('/api/units/20')).statusCode).toBe(401);
      });
    });

    describe('people search and records', () => {
      it('finds a name without diacritics, with diacritics, by CCCD and by phone', async () => {
        const admin = await ctx.as('chihuy');
        const plain = await admin.get('/api/people?q=nguyen%20van%20an');
        expect(plain.statusCode).toBe(200);
        expect(plain.json().kind).toBe('name');
        expect(plain.json().items.map((p: { fullName: string }) => p.fullName)).toContain('Nguyễn Văn An');
        const marked = await admin.get(`/api/people?q=${encodeURIComponent('Nguyễn Văn An')}`);
        expect(marked.json().items.map((p: { id: number }) => p.id)).toContain(people.an);
        const partial = await admin.get('/api/people?q=van%20an');
        expect(partial.json().items.map((p: { id: number }) => p.id)).toContain(people.an);
        const given = await admin.get('/api/people?q=binh');
        expect(given.json().items.map((p: { id: number }) => p.id)).toContain(people.binh);
        const middleGiven = await admin.get('/api/people?q=thi%20binh');
        expect(middleGiven.json().items.map((p: { id: number }) => p.id)).toContain(people.binh);
        const fragment = await admin.get('/api/people?q=guyen%20van%20a');
        expect(fragment.json().items.map((p: { id: number }) => p.id)).toContain(people.an);
        const familyGiven = await admin.get('/api/people?q=tran%20binh');
        expect(familyGiven.json().items.map((p: { id: number }) => p.id)).toContain(people.binh);
        const cccd = await admin.get('/api/people?q=020%20085%20000%20001');
        expect(cccd.json()).toMatchObject({ kind: 'cccd', items: [{ id: people.an }] });
        const phone = await admin.get('/api/people?q=0912.000.001');
        expect(phone.json()).toMatchObject({ kind: 'phone', items: [{ id: people.an, phone: '+84912000001' }] });
      });
      it('opens a person with their household', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get(`/api/people/${people.an}`);
        expect(res.statusCode).toBe(200);
        expect(res.json().person).toMatchObject({ fullName: 'Nguyễn Văn An', birthDate: '1985-03-02', sex: 'M' });
        expect(res.json().household.members.map((m: { id: number }) => m.id).sort()).toEqual([people.an, people.binh].sort());
      });
      it('shows a commune officer only their commune’s people; another commune’s person is 404 and audited', async () => {
        const xa = await ctx.as('xa');
        const search = await xa.get('/api/people?q=nguyen');
        const ids = search.json().items.map((p: { id: number }) => p.id);
        expect(ids).toContain(people.an);
        expect(ids).not.toContain(people.far);
        expect((await xa.get(`/api/people/${people.far}`)).statusCode).toBe(404);
        expect((await xa.get('/api/households/HH-T2')).statusCode).toBe(404);
        const audited = await ctx.db.query(`SELECT outcome FROM audit_log WHERE username = 'xa' AND entity = 'person' AND entity_id = $1`, [String(people.far)]);
        expect(audited.rows).toEqual([{ outcome: 'not_found' }]);
      });
      it('audits every read of a person and every search', async () => {
        // The demo's own history (its testing activity is done as yte) comes before this test's rows.
        const before = (await ctx.db.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`)).rows[0].id;
        const yte = await ctx.signInFresh('yte');
        await yte.get(`/api/people/${people.binh}`);
        await yte.get('/api/people?q=tran%20thi');
        const r = await ctx.db.query<{ action: string; entity_id: string | null }>(`SELECT action, entity_id FROM audit_log WHERE username = 'yte' AND id > $1 ORDER BY id`, [before]);
        expect(r.rows.map((x) => x.action)).toEqual(['login', 'read', 'search']);
        expect(r.rows[1].entity_id).toBe(String(people.binh));
      });
      it('refuses people data to a viewer and bad queries with 4xx', async () => {
        const viewer = await ctx.as('xem');
        expect((await viewer.get('/api/people?q=nguyen')).statusCode).toBe(403);
        const admin = await ctx.as('admin');
        expect((await admin.get('/api/people?q=a')).statusCode).toBe(400);
        expect((await admin.get('/api/people')).statusCode).toBe(400);
        expect((await admin.get('/api/people?q=' + 'x'.repeat(101))).statusCode).toBe(400);
        expect((await admin.get('/api/people?q=nguyen&limit=100000')).statusCode).toBe(400);
        expect((await admin.get('/api/people/abc')).statusCode).toBe(400);
        expect((await admin.get('/api/people/999999999')).statusCode).toBe(404);
      });
    });

    describe('policies', () => {
      it('lists the seeded versions with their sources and the one in force', async () => {
        const c = await ctx.as('xem');
        const res = await c.get('/api/policies?date=2022-01-10');
        expect(res.statusCode).toBe(200);
        const f1 = res.json().find((p: { key: string }) => p.key === 'quarantine.f1');
        expect(f1.versions).toHaveLength(3);
        expect(f1.current).toMatchObject({ version: 2, effectiveFrom: '2021-12-16', effectiveTo: '2022-02-21' });
      });
      it('adds a new version that closes the previous one, audited', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.post('/api/policies/checkins.retention_days/versions', { effectiveFrom: '2031-01-01', value: { days: 21 }, source: 'Quyết định thử nghiệm 1/2031' });
        expect(res.statusCode).toBe(201);
        expect(res.json()).toMatchObject({ version: 2, effectiveFrom: '2031-01-01', effectiveTo: null, value: { days: 21 } });
        const list = (await admin.get('/api/policies?date=2031-06-01')).json();
        const p = list.find((x: { key: string }) => x.key === 'checkins.retention_days');
        expect(p.current.version).toBe(2);
        expect(p.versions[0].effectiveTo).toBe('2031-01-01');
        const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'policy_version' AND entity_id = 'checkins.retention_days#2'`);
        expect(audited.rows).toHaveLength(1);
      });
      it('refuses invalid values, dates and keys, writing nothing', async () => {
        const admin = await ctx.as('admin');
        const before = (await ctx.db.query('SELECT count(*)::int AS n FROM policy_version')).rows[0];
        const badValue = await admin.post('/api/policies/checkins.retention_days/versions', { effectiveFrom: '2032-01-01', value: { days: -3 }, source: 'Văn bản X' });
        expect(badValue.statusCode).toBe(400);
        expect(badValue.json().error.fields[0].field).toMatch(/^value/);
        const early = await admin.post('/api/policies/quarantine.f1/versions', { effectiveFrom: '2021-01-01', value: { vaccinatedMinDays: 14, vaccinatedMaxMonths: null, recoveredMaxMonths: 0, rules: [{ when: 'any', days: 10, place: 'home', monitorDays: 0, testDays: [] }] }, source: 'Văn bản X' });
        expect(early.statusCode).toBe(400);
        expect(early.json().error.fields[0]).toMatchObject({ field: 'effectiveFrom', code: 'not_after_latest' });
        const impossible = await admin.post('/api/policies/checkins.retention_days/versions', { effectiveFrom: '2032-02-30', value: { days: 3 }, source: 'Văn bản X' });
        expect(impossible.statusCode).toBe(400);
        const unknown = await admin.post('/api/policies/nope/versions', { effectiveFrom: '2032-01-01', value: {}, source: 'Văn bản X' });
        expect(unknown.statusCode).toBe(404);
        const extra = await admin.post('/api/policies/checkins.retention_days/versions', { effectiveFrom: '2032-01-01', value: { days: 3 }, source: 'Văn bản X', hack: 1 });
        expect(extra.statusCode).toBe(400);
        const staff = await ctx.as('chihuy');
        expect((await staff.post('/api/policies/checkins.retention_days/versions', { effectiveFrom: '2032-01-01', value: { days: 3 }, source: 'Văn bản X' })).statusCode).toBe(403);
        expect((await ctx.db.query('SELECT count(*)::int AS n FROM policy_version')).rows[0]).toEqual(before);
      });
    });

    describe('audit log search', () => {
      it('lets administrators filter the log; others are refused', async () => {
        const admin = await ctx.as('admin');
        const res = await admin.get('/api/audit?action=login&limit=5');
        expect(res.statusCode).toBe(200);
        expect(res.json().total).toBeGreaterThan(0);
        expect(res.json().items.every((i: { action: string }) => i.action === 'login')).toBe(true);
        const byUser = await admin.get('/api/audit?username=yte&entity=person');
        expect(byUser.json().items.length).toBeGreaterThan(0);
        const xa = await ctx.as('xa');
        expect((await xa.get('/api/audit')).statusCode).toBe(403);
        expect((await admin.get('/api/audit?from=yesterday')).statusCode).toBe(400);
      });
    });

    describe('users', () => {
      it('creates a user inside the jurisdiction and refuses bad input', async () => {
        const admin = await ctx.as('admin');
        const me = ctx.demo.logins.find((l) => l.username === 'xa')!;
        const ok = await admin.post('/api/users', { username: 'xa2', fullName: 'Cán bộ xã 2', password: 'mot-mat-khau-dai', role: 'commune_officer', unitCode: me.unitCode });
        expect(ok.statusCode).toBe(201);
        const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'xa2', password: 'mot-mat-khau-dai' } });
        expect(login.json().unitCode).toBe(me.unitCode);
        expect((await admin.post('/api/users', { username: 'xa2', fullName: 'Trùng', password: 'mot-mat-khau-dai', role: 'viewer', unitCode: '20' })).statusCode).toBe(409);
        expect((await admin.post('/api/users', { username: 'x3', fullName: 'X', password: 'short', role: 'viewer', unitCode: '20' })).statusCode).toBe(400);
        expect((await admin.post('/api/users', { username: 'x4', fullName: 'X', password: 'mot-mat-khau-dai', role: 'god', unitCode: '20' })).statusCode).toBe(400);
        expect((await admin.post('/api/users', { username: 'x5', fullName: 'X', password: 'mot-mat-khau-dai', role: 'viewer', unitCode: '99999' })).statusCode).toBe(400);
        const xa = await ctx.as('xa');
        expect((await xa.post('/api/users', { username: 'x6', fullName: 'X', password: 'mot-mat-khau-dai', role: 'viewer', unitCode: me.unitCode })).statusCode).toBe(403);
      });
    });

    describe('platform', () => {
      it('answers health, readiness and metrics', async () => {
        expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
        expect((await ctx.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: kind });
        const m = await ctx.app.inject({ url: '/metrics' });
        expect(m.statusCode).toBe(200);
        expect(m.body).toMatch(/http_request_duration_seconds/);
      });
      it('publishes the OpenAPI document', async () => {
        const res = await ctx.app.inject({ url: '/api/docs/json' });
        expect(res.statusCode).toBe(200);
        expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/people', '/api/units/{code}/map', '/api/policies/{key}/versions', '/api/audit']));
      });
      it('answers unknown API paths with a JSON 404', async () => {
        const res = await makeClient(ctx.app).get('/api/nothing-here');
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      });
      it('refuses oversized JSON bodies with 413', async () => {
        const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) } });
        expect(res.statusCode).toBe(413);
        expect(res.json().error.code).toBe('payload_too_large');
      });
    });
  });
}
