// Venues, QR check-ins and exposure matching on every database: a venue registered on the public
// form, approved in its commune, its poster's QR decoded back; check-ins (idempotent, durable,
// every bad input class of issue 6 refused with nothing written); a staff scan of a personal QR;
// a case confirmed → suggested contacts from the check-ins within ±1 h → accepted into the case's
// contacts or rejected with a reason; "was I exposed?" with a one-time code from the outbox;
// jurisdiction and audit of who-was-where reads; the retention purge dropping a day partition.
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { pdfImages } from '../helpers/pdfImages.ts';
import { ensureDays } from '../../src/server/modules/checkins/partitions.ts';
import { addDays } from '../../src/domain/checkins/time.ts';

const today = todayInVietnam();
const count = async (ctx: TestContext, sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(sql, params)).rows[0].n;
const visits = (ctx: TestContext) => count(ctx, `SELECT count(*)::int AS n FROM checkin.visit`);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const localPhone = (p: string) => '0' + p.slice(3);

interface P {
  id: number;
  fullName: string;
  phone: string;
  cccd: string | null;
}

for (const kind of DB_KINDS) {
  describe(`check-ins API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let otherCommune: string;
    let anon: Client;
    let xa: Client;
    let venueId: number;
    let venueCode: string;
    let staffKey: string;
    let people: P[];

    const checkIn = (body: Record<string, unknown>, headers?: Record<string, string>) => anon.post('/api/checkins', { clientKey: randomUUID(), ...body }, headers);

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      // From a clean slate: without the demo's check-ins (test/api/demo-checkins.test.ts covers them).
      await ctx.db.exec(`TRUNCATE checkin.visit; TRUNCATE exposure_suggestion; TRUNCATE exposure_run;`);
      anon = ctx.anonymous();
      xa = await ctx.as('xa');
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      otherCommune = ctx.demo.logins.find((l) => l.username === 'xaben')!.unitCode;
      people = (
        await ctx.db.query<P>(
          `SELECT id, full_name AS "fullName", phone, cccd FROM person p WHERE province_code = '20' AND commune_code = $1 AND phone IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
              AND (SELECT count(*) FROM person q WHERE q.province_code = p.province_code AND q.phone = p.phone) = 1
            ORDER BY id LIMIT 6`,
          [commune],
        )
      ).rows.map((r) => ({ ...r, id: Number(r.id) }));
      expect(people.length).toBe(6);
    }, 300_000);
    afterAll(async () => ctx?.close());

    it('a business registers a venue on the public form; a resubmission registers it once; bad input is refused with nothing written', async () => {
      const provinces = (await anon.get('/api/venues/public/provinces')).json();
      expect(provinces.items).toEqual([{ code: '20', name: 'Tỉnh Lạng Sơn' }]);
      const units = (await anon.get('/api/venues/public/units?province=20')).json();
      expect(units.items.some((u: { code: string; level: string }) => u.code === commune && u.level === 'commune')).toBe(true);
      const body = { provinceCode: '20', name: 'Chợ Thử Nghiệm', kind: 'market', address: 'Số 5 đường Chợ', communeCode: commune, ownerName: 'Trần Văn Chủ', ownerPhone: '0912 000 111', requestId: randomUUID() };
      const before = await count(ctx, `SELECT count(*)::int AS n FROM venue`);
      for (const [patch, field] of [
        [{ ownerPhone: '12345' }, 'ownerPhone'],
        [{ communeCode: '99999' }, 'communeCode'],
        [{ name: 'A' }, 'name'],
        [{ ownerEmail: 'not-an-email' }, 'ownerEmail'],
      ] as const) {
        const r = await anon.post('/api/venues/register', { ...body, ...patch, requestId: randomUUID() });
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json().error.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
      expect((await anon.post('/api/venues/register', { ...body, kind: 'casino' })).statusCode).toBe(400);
      expect((await anon.post('/api/venues/register', { ...body, address: 'x'.repeat(20_000) })).statusCode).toBe(413);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM venue`)).toBe(before);
      const r = await anon.post('/api/venues/register', body);
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().status).toBe('pending');
      const again = await anon.post('/api/venues/register', body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: r.json().id, replayed: true });
      venueId = r.json().id;
      expect(await count(ctx, `SELECT count(*)::int AS n FROM venue`)).toBe(before + 1);
      venueCode = (await ctx.db.query<{ code: string }>(`SELECT code FROM venue WHERE province_code = '20' AND id = $1`, [venueId])).rows[0].code;
      // Not approved yet: the QR does not work.
      expect((await anon.get(`/api/checkins/venue/${venueCode}`)).statusCode).toBe(404);
      expect((await checkIn({ venueCode, fullName: 'Ai Đó', phone: '0912345678' })).statusCode).toBe(404);
    });

    it('only venues.manage staff of the venue’s area see and approve it; approval gives the staff key; the poster’s QR decodes to the check-in URL', async () => {
      const xaben = await ctx.as('xaben');
      const list = (await xa.get('/api/venues?status=pending')).json();
      expect(list.items.map((v: { id: number }) => v.id)).toContain(venueId);
      expect((await xaben.get('/api/venues?status=pending')).json().items.map((v: { id: number }) => v.id)).not.toContain(venueId);
      expect((await xaben.post(`/api/venues/${venueId}/approve`, {})).statusCode).toBe(404);
      expect((await (await ctx.as('xem')).get('/api/venues')).statusCode).toBe(403);
      expect((await xa.get(`/api/venues/${venueId}/poster.pdf`)).statusCode).toBe(409);
      expect((await xa.post(`/api/venues/${venueId}/reject`, {})).statusCode).toBe(400);
      const ok = await xa.post(`/api/venues/${venueId}/approve`, {});
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().venue.status).toBe('approved');
      staffKey = ok.json().staffKey;
      expect(staffKey).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(ok.json().staffUrl).toContain(`/ci/scan.html?v=${venueCode}#k=${staffKey}`);
      expect((await xa.post(`/api/venues/${venueId}/approve`, {})).statusCode).toBe(409);
      const poster = await xa.get(`/api/venues/${venueId}/poster.pdf`);
      expect(poster.statusCode).toBe(200);
      expect(poster.headers['content-type']).toBe('application/pdf');
      const [img] = await pdfImages(poster.rawPayload);
      const qr = jsQR(img.rgba, img.width, img.height);
      expect(qr?.data).toBe(`http://localhost:80/ci/?v=${venueCode}`);
      const v = (await anon.get(`/api/checkins/venue/${venueCode.toLowerCase()}`)).json();
      expect(v).toMatchObject({ code: venueCode, name: 'Chợ Thử Nghiệm' });
    });

    it('a check-in is stored once, however often the phone retries; answered after commit', async () => {
      const clientKey = randomUUID();
      const at = minutesAgo(1);
      const before = await visits(ctx);
      const first = await anon.post('/api/checkins', { venueCode, clientKey, at, fullName: 'Nguyễn Văn Khách', phone: '0987 654 321' });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({ venue: { name: 'Chợ Thử Nghiệm' }, replayed: false, fullName: 'Nguyễn Văn Khách' });
      expect(await visits(ctx)).toBe(before + 1);
      const replays = await Promise.all([1, 2, 3].map(() => anon.post('/api/checkins', { venueCode, clientKey, at, fullName: 'Nguyễn Văn Khách', phone: '0987654321' })));
      expect(replays.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(replays[0].json().replayed).toBe(true);
      expect(await visits(ctx)).toBe(before + 1);
      const row = (await ctx.db.query<{ subject: string; method: string }>(`SELECT subject, method FROM checkin.visit WHERE client_key = $1`, [clientKey])).rows[0];
      expect(row).toEqual({ subject: 'p+84987654321', method: 'self_scan' });
      // Simultaneous first sends of one key (two tabs): one row.
      const k2 = randomUUID();
      const both = await Promise.all([1, 2].map(() => anon.post('/api/checkins', { venueCode, clientKey: k2, at, fullName: 'Lê Văn Hai', cccd: '020090000777' })));
      expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkin.visit WHERE client_key = $1`, [k2])).toBe(1);
    });

    it('the check-in route sends the same security headers as the rest of the API (set from a constant, not by the plugin)', async () => {
      const securityHeaders = (h: Record<string, unknown>) => Object.fromEntries(Object.keys(h).filter((k) => !/^(x-ratelimit|content-type|content-length|date|connection|set-cookie)$/.test(k) && !k.startsWith('x-ratelimit')).sort().map((k) => [k, h[k]]));
      const other = await anon.get('/api/venues/public/provinces');
      const ok = await checkIn({ venueCode, fullName: 'Trần Văn Đầu', phone: '0911000111' });
      const bad = await checkIn({ venueCode: 'not a code', fullName: 'Trần Văn Đầu', phone: '0911000111' });
      expect(ok.statusCode).toBe(201);
      expect(Object.keys(securityHeaders(other.headers))).toContain('content-security-policy');
      expect(securityHeaders(ok.headers)).toEqual(securityHeaders(other.headers));
      expect(securityHeaders(bad.headers)).toEqual(securityHeaders(other.headers));
    });

    it('serves the QR reader for the staff scanner page of browsers without their own', async () => {
      const r = await anon.get('/api/checkins/scanner/jsqr.js');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/javascript/);
      expect(r.body).toContain('jsQR');
      // Gzipped for a browser that says it reads gzip: the same script, a quarter of the bytes.
      const gz = await anon.get('/api/checkins/scanner/jsqr.js', { 'accept-encoding': 'gzip, deflate, br' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.rawPayload.length).toBeLessThan(r.rawPayload.length / 3);
      expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(r.body);
    });

    it('refuses unknown or malformed venues, the future, malformed phones and CCCDs, oversized bodies, floods — nothing written', async () => {
      const before = await visits(ctx);
      const id = { fullName: 'Phạm Thị Thử', phone: '0911222333' };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ venueCode: '20AAAABBBB', ...id }, 404, 'unknown_venue'],
        [{ venueCode: 'not a code', ...id }, 400, 'invalid'],
        [{ venueCode, ...id, at: new Date(Date.now() + 3_600_000).toISOString() }, 400, 'in_future'],
        [{ venueCode, ...id, at: minutesAgo(60 * 30) }, 400, 'too_old'],
        [{ venueCode, ...id, at: 'hôm qua' }, 400, 'invalid'],
        [{ venueCode, fullName: 'Phạm Thị Thử', phone: '0123' }, 400, 'invalid'],
        [{ venueCode, fullName: 'Phạm Thị Thử', cccd: '12345' }, 400, 'invalid'],
        [{ venueCode, fullName: 'Phạm Thị Thử' }, 400, 'phone_or_cccd'],
        [{ venueCode, phone: '0911222333' }, 400, 'required'],
      ];
      for (const [body, status, code] of cases) {
        const r = await checkIn(body);
        expect(r.statusCode, JSON.stringify(body) + r.body).toBe(status);
        expect(r.json().error.fields.map((f: { code: string }) => f.code)).toContain(code);
      }
      expect((await checkIn({ venueCode, ...id, extra: 1 })).statusCode).toBe(400);
      expect((await checkIn({ venueCode, ...id, clientKey: 'short' })).statusCode).toBe(400);
      const big = await anon.request({ method: 'POST', url: '/api/checkins', payload: JSON.stringify({ venueCode, clientKey: randomUUID(), ...id, fullName: 'x'.repeat(10_000) }), headers: { 'content-type': 'application/json' } });
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('payload_too_large');
      const broken = await anon.request({ method: 'POST', url: '/api/checkins', payload: '{"venueCode": ', headers: { 'content-type': 'application/json' } });
      expect(broken.statusCode).toBe(400);
      expect(await visits(ctx)).toBe(before);
      // One identity flooding (a script): the 11th in a minute is refused.
      const flood = [];
      for (let i = 0; i < 12; i++) flood.push((await checkIn({ venueCode, fullName: 'Kẻ Gửi Nhiều', phone: '0933444555' })).statusCode);
      expect(flood.slice(0, 10)).toEqual(Array(10).fill(201));
      expect(flood.slice(10)).toEqual([429, 429]);
      expect(await visits(ctx)).toBe(before + 10);
    });

    it('venue staff scan a citizen’s personal QR with the venue’s key; a wrong key is refused', async () => {
      const qr = await anon.post('/api/checkins/personal-qr', { fullName: 'Bà Không Điện Thoại', cccd: '020170000123' });
      expect(qr.statusCode, qr.body).toBe(200);
      expect(qr.json().svg).toMatch(/^<svg/);
      const card = await anon.post('/api/checkins/personal-card', { fullName: 'Bà Không Điện Thoại', cccd: '020170000123', provinceCode: '20' });
      expect(card.headers['content-type']).toBe('application/pdf');
      const [img] = await pdfImages(card.rawPayload);
      expect(jsQR(img.rgba, img.width, img.height)?.data).toBe(qr.json().text);
      expect((await checkIn({ venueCode, personalQr: qr.json().text, staffKey: 'wrong-key-wrong-key' })).statusCode).toBe(403);
      expect((await checkIn({ venueCode, personalQr: 'hello', staffKey })).statusCode).toBe(400);
      const r = await checkIn({ venueCode, personalQr: qr.json().text, staffKey });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().fullName).toBe('Bà Không Điện Thoại');
      expect((await ctx.db.query<{ method: string }>(`SELECT method FROM checkin.visit WHERE subject = 'c020170000123'`)).rows).toEqual([{ method: 'staff_scan' }]);
    });

    let caseId: number;
    it('a confirmed case’s check-ins suggest the people at the same venue within ±1 h; the tracer accepts into contacts or rejects with a reason', async () => {
      const [f0, near, far, rejectMe] = people;
      const t = 180; // minutes ago
      const send = (p: { fullName: string; phone: string }, ago: number) => checkIn({ venueCode, fullName: p.fullName, phone: localPhone(p.phone), at: minutesAgo(ago) });
      for (const [p, ago] of [
        [f0, t],
        [near, t - 30],
        [far, t + 70],
        [rejectMe, t + 55],
        [{ fullName: 'Khách Vãng Lai', phone: '+84977000111' }, t - 20],
      ] as const)
        expect((await send(p, ago)).statusCode).toBe(201);
      const c = await xa.post('/api/cases', { personId: f0.id, reportDate: today, onsetDate: addDays(today, -1), detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
      expect(c.statusCode, c.body).toBe(201);
      caseId = c.json().id;
      const yte = await ctx.as('yte');
      const r = await yte.get(`/api/checkins/cases/${caseId}/exposures`);
      expect(r.statusCode, r.body).toBe(200);
      const items = r.json().items as { id: number; fullName: string; gapMinutes: number; personId: number | null; status: string; venueName: string }[];
      expect(r.json().match).toMatchObject({ caseVisits: 1, windowMinutes: 60 });
      expect(items.map((i) => [i.fullName, i.gapMinutes])).toEqual([
        ['Khách Vãng Lai', 20],
        [near.fullName, 30],
        [rejectMe.fullName, 55],
      ]);
      expect(items[1].personId).toBe(near.id);
      expect(items[0].personId).toBeNull();
      expect(items.every((i) => i.status === 'suggested' && i.venueName === 'Chợ Thử Nghiệm')).toBe(true);
      // Matching again changes nothing.
      expect((await yte.get(`/api/checkins/cases/${caseId}/exposures`)).json().items).toHaveLength(3);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM exposure_suggestion WHERE case_id = $1`, [caseId])).toBe(3);
      // Accept the registry person: a contact of the case, source check-in, with the call task.
      const acc = await yte.post(`/api/checkins/exposures/${items[1].id}/accept`, { proximity: 'within_2m', masked: false });
      expect(acc.statusCode, acc.body).toBe(200);
      const k = (await ctx.db.query<{ source: string; setting: string; personId: number; rootCaseId: number; meets: boolean }>(
        `SELECT source, setting, person_id AS "personId", root_case_id AS "rootCaseId", meets_definition AS meets FROM contact WHERE province_code = '20' AND id = $1`,
        [acc.json().contact.id],
      )).rows[0];
      expect(k).toEqual({ source: 'checkin', setting: 'venue', personId: near.id, rootCaseId: caseId, meets: true });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE province_code = '20' AND contact_id = $1 AND kind = 'call_contact'`, [acc.json().contact.id])).toBe(1);
      expect((await yte.post(`/api/checkins/exposures/${items[1].id}/accept`, {})).statusCode).toBe(409);
      // Someone not in the registry: the commune they live in is needed, then they are added.
      const noUnit = await yte.post(`/api/checkins/exposures/${items[0].id}/accept`, {});
      expect(noUnit.statusCode).toBe(400);
      expect(noUnit.json().error.fields[0]).toMatchObject({ field: 'unitCode', code: 'required' });
      const added = await yte.post(`/api/checkins/exposures/${items[0].id}/accept`, { unitCode: commune, confirmNew: true });
      expect(added.statusCode, added.body).toBe(200);
      expect((await ctx.db.query<{ phone: string }>(`SELECT phone FROM person WHERE province_code = '20' AND id = $1`, [added.json().contact.personId])).rows[0].phone).toBe('+84977000111');
      // Reject with a reason.
      expect((await yte.post(`/api/checkins/exposures/${items[2].id}/reject`, {})).statusCode).toBe(400);
      const rej = await yte.post(`/api/checkins/exposures/${items[2].id}/reject`, { reason: 'Nhân viên bảo vệ ngoài cổng, không vào chợ' });
      expect(rej.statusCode).toBe(200);
      const after = (await yte.get(`/api/checkins/cases/${caseId}/exposures`)).json().items as { status: string; reason: string | null }[];
      expect(after.map((i) => i.status).sort()).toEqual(['accepted', 'accepted', 'rejected']);
      // The exposures list of the commune.
      const all = await xa.get('/api/checkins/exposures?status=accepted');
      expect(all.json().items.filter((i: { caseId: number }) => i.caseId === caseId)).toHaveLength(2);
    });

    it('someone of the registry in another commune, recognised by phone and name (no CCCD), is handed over to their commune when accepted', async () => {
      const f0 = people[4];
      const [q] = (
        await ctx.db.query<{ id: number; fullName: string; phone: string; cccd: string | null }>(
          `SELECT id, full_name AS "fullName", phone, cccd FROM person p WHERE province_code = '20' AND commune_code = $1 AND phone IS NOT NULL AND birth_date IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
              AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
              AND (SELECT count(*) FROM person x WHERE x.province_code = p.province_code AND x.phone = p.phone) = 1
            ORDER BY id LIMIT 1`,
          [otherCommune],
        )
      ).rows;
      expect((await checkIn({ venueCode, fullName: f0.fullName, phone: localPhone(f0.phone), at: minutesAgo(100) })).statusCode).toBe(201);
      expect((await checkIn({ venueCode, fullName: q.fullName, phone: localPhone(q.phone), at: minutesAgo(90) })).statusCode).toBe(201);
      const c = await xa.post('/api/cases', { personId: f0.id, reportDate: today, onsetDate: addDays(today, -1), detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
      expect(c.statusCode, c.body).toBe(201);
      const yte = await ctx.as('yte');
      const items = (await yte.get(`/api/checkins/cases/${c.json().id}/exposures`)).json().items as { id: number; personId: number | null; cccd: string | null }[];
      const s = items.find((i) => i.personId === q.id)!;
      expect(s).toMatchObject({ personId: q.id, cccd: null });
      const acc = await yte.post(`/api/checkins/exposures/${s.id}/accept`, {});
      expect(acc.statusCode, acc.body).toBe(200);
      expect(acc.json().contact.personId).toBe(q.id);
      const h = (await ctx.db.query<{ to: string; status: string }>(`SELECT to_unit_code AS to, status FROM contact_handover WHERE province_code = '20' AND contact_id = $1`, [acc.json().contact.id])).rows;
      expect(h).toEqual([{ to: otherCommune, status: expect.any(String) }]);
      // The receiving commune's health worker is told.
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE province_code = '20' AND kind = 'receive_handover' AND commune_code = $1 AND person_id = $2`, [otherCommune, q.id])).toBe(1);
    });

    it('only tracing staff of the jurisdiction see who was where, and every such read is audited', async () => {
      const xaben = await ctx.as('xaben');
      expect((await xaben.get(`/api/checkins/cases/${caseId}/exposures`)).statusCode).toBe(404);
      const from = minutesAgo(600);
      const to = new Date(Date.now() + 60_000).toISOString();
      expect((await xaben.get(`/api/venues/${venueId}/checkins?from=${from}&to=${to}`)).statusCode).toBe(404);
      expect((await (await ctx.as('xetnghiem')).get(`/api/venues/${venueId}/checkins?from=${from}&to=${to}`)).statusCode).toBe(403);
      expect((await anon.get(`/api/checkins/exposures`)).statusCode).toBe(401);
      const auditBefore = await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity IN ('venue_checkins', 'checkins')`);
      const yte = await ctx.as('yte');
      const who = await yte.get(`/api/venues/${venueId}/checkins?from=${from}&to=${to}`);
      expect(who.statusCode).toBe(200);
      expect(who.json().items.length).toBeGreaterThanOrEqual(5);
      expect((await yte.get(`/api/venues/${venueId}/checkins?from=${to}&to=${from}`)).statusCode).toBe(400);
      const search = await yte.get(`/api/checkins/search?phone=${localPhone(people[1].phone)}`);
      expect(search.json().items).toHaveLength(1);
      expect((await xaben.get(`/api/checkins/search?phone=${localPhone(people[1].phone)}`)).json().items).toHaveLength(0);
      expect((await yte.get(`/api/checkins/search?phone=12`)).statusCode).toBe(400);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity IN ('venue_checkins', 'checkins')`)).toBe(auditBefore + 3);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'exposure_suggestion' AND action = 'read'`)).toBeGreaterThan(0);
    });

    it('a citizen asks “was I exposed?” with a one-time code from the outbox; wrong codes are counted', async () => {
      const phone = localPhone(people[1].phone);
      expect((await anon.post('/api/checkins/self/code', { provinceCode: '20', phone: '123' })).statusCode).toBe(400);
      expect((await anon.post('/api/checkins/self/code', { provinceCode: '99', phone })).statusCode).toBe(404);
      const sent = await anon.post('/api/checkins/self/code', { provinceCode: '20', phone });
      expect(sent.statusCode, sent.body).toBe(202);
      const admin = await ctx.as('admin');
      const box = (await admin.get(`/api/checkins/outbox?phone=${phone}`)).json().items;
      const code = /(\d{6})/.exec(box[0].body)![1];
      expect((await (await ctx.as('yte')).get('/api/checkins/outbox')).statusCode).toBe(403);
      const wrong = await anon.post('/api/checkins/self/exposure', { provinceCode: '20', phone, code: code === '000000' ? '111111' : '000000' });
      expect(wrong.statusCode).toBe(400);
      expect(await count(ctx, `SELECT attempts AS n FROM citizen_code WHERE phone = $1 ORDER BY id DESC LIMIT 1`, [people[1].phone])).toBe(1);
      const ok = await anon.post('/api/checkins/self/exposure', { provinceCode: '20', phone, code });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ exposed: true, retentionDays: 28, windowMinutes: 60 });
      expect(ok.json().visits).toEqual([expect.objectContaining({ venueName: 'Chợ Thử Nghiệm', exposed: true })]);
      expect(JSON.stringify(ok.json())).not.toContain(people[0].fullName);
      // The code is used up.
      expect((await anon.post('/api/checkins/self/exposure', { provinceCode: '20', phone, code })).statusCode).toBe(400);
      // Someone far outside the window was not exposed.
      await anon.post('/api/checkins/self/code', { provinceCode: '20', phone: localPhone(people[2].phone) });
      const code2 = /(\d{6})/.exec((await admin.get(`/api/checkins/outbox?phone=${localPhone(people[2].phone)}`)).json().items[0].body)![1];
      const far = (await anon.post('/api/checkins/self/exposure', { provinceCode: '20', phone: localPhone(people[2].phone), code: code2 })).json();
      expect(far.exposed).toBe(false);
      expect(far.visits).toHaveLength(1);
    });

    it('a revoked venue’s QR stops working at once', async () => {
      expect((await xa.post(`/api/venues/${venueId}/revoke`, {})).statusCode).toBe(400);
      const r = await xa.post(`/api/venues/${venueId}/revoke`, { reason: 'Cơ sở đã đóng cửa' });
      expect(r.statusCode).toBe(200);
      const before = await visits(ctx);
      const c = await checkIn({ venueCode, fullName: 'Người Đến Sau', phone: '0915000999' });
      expect(c.statusCode).toBe(410);
      expect(c.json().error.code).toBe('venue_revoked');
      expect((await anon.get(`/api/checkins/venue/${venueCode}`)).statusCode).toBe(410);
      expect(await visits(ctx)).toBe(before);
    });

    it('the retention purge drops the day partitions older than checkins.retention_days and keeps the rest', async () => {
      const old = addDays(today, -30);
      await ensureDays(ctx.db, old, old);
      await ctx.db.query(
        `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, method, client_key)
         SELECT '20', ($1::text || ' 10:00:00+07')::timestamptz, $2, 'p+8491' || lpad(g::text, 7, '0'), 'Cũ', 'demo', 'old-' || g FROM generate_series(1, 50) g`,
        [old, venueId],
      );
      const keptBefore = await count(ctx, `SELECT count(*)::int AS n FROM checkin.visit WHERE at >= now() - interval '2 days'`);
      expect((await xa.post('/api/checkins/purge')).statusCode).toBe(403);
      const r = await (await ctx.as('admin')).post('/api/checkins/purge');
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().droppedPartitions).toContain(`visit_${old.replace(/-/g, '')}`);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkin.visit WHERE client_key LIKE 'old-%'`)).toBe(0);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM checkin.visit WHERE at >= now() - interval '2 days'`)).toBe(keptBefore);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM pg_class WHERE relname = $1`, [`visit_${old.replace(/-/g, '')}`])).toBe(0);
    });
  });
}
