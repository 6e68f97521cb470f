// Contacts traced across commune borders, on every database: the tracer's commune records someone
// living in another commune (found by exact identity or entered as new there) and hands them over;
// the receiving commune accepts (and owns the follow-up) or returns them; the sender keeps seeing
// the exposure it recorded, never the person's record. Replays, bad input and answers from the
// wrong side change nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, signIn, type Client, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { createUser } from '../../src/server/modules/users/service.ts';

const today = todayInVietnam();
const exposure = addDays(today, -1);
const PASSWORD = 'handover-test-pw';

interface Person {
  id: number;
  full_name: string;
  birth_date: string;
  phone: string | null;
  cccd: string | null;
}

const FREE = `NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = p.province_code AND o.person_id = p.id)`;

async function freePeople(ctx: TestContext, commune: string, n: number, extra = 'true'): Promise<Person[]> {
  const r = await ctx.db.query<Person>(
    `SELECT p.id, p.full_name, p.birth_date::text AS birth_date, p.phone, p.cccd FROM person p
      WHERE p.province_code = '20' AND p.commune_code = $1 AND p.birth_date IS NOT NULL AND ${extra} AND ${FREE} ORDER BY p.id LIMIT $2`,
    [commune, n],
  );
  return r.rows.map((p) => ({ ...p, id: Number(p.id) }));
}

const counts = async (ctx: TestContext) => {
  const r = await ctx.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM person) AS person, (SELECT count(*)::int FROM contact) AS contact, (SELECT count(*)::int FROM contact_handover) AS handover,
            (SELECT count(*)::int FROM task) AS task, (SELECT count(*)::int FROM task WHERE status = 'open') AS open_task, (SELECT count(*)::int FROM case_event) AS case_event,
            (SELECT count(*)::int FROM contact_handover WHERE status = 'pending') AS pending`,
  );
  return r.rows[0];
};

for (const kind of DB_KINDS) {
  describe(`contacts handed over between communes on ${kind}`, () => {
    let ctx: TestContext;
    let xa: Client; // commune A: the tracer
    let xa2: Client; // commune B: where the contacts live
    let yte2: Client;
    let tocovid2: Client;
    let xa3: Client; // commune C: neither
    const A = { code: '', name: '' };
    const B = { code: '', name: '', villages: [] as string[] };
    const C = { code: '' };
    let inA: Person[];
    let inB: Person[];
    let caseId: number;
    let secondCaseId: number;
    let byCccd: Person;
    let byPhone: Person;

    const contact = (extra: object) => ({ contacts: [{ exposureDate: exposure, setting: 'workplace', proximity: 'within_2m', durationMinutes: 30, masked: false, ...extra }] });

    beforeAll(async () => {
      ctx = await createTestContext(kind);
      const login = ctx.demo.logins.find((l) => l.username === 'xa')!;
      A.code = login.unitCode;
      A.name = login.unitName;
      // B: the commune of the same district with most people (after A); C: another one.
      const others = await ctx.db.query<{ code: string; name: string }>(
        `SELECT u.code, u.name FROM admin_unit u JOIN admin_unit a ON a.province_code = u.province_code AND a.code = $1
          WHERE u.province_code = '20' AND u.level = 'commune' AND u.code <> a.code AND u.parent_code = a.parent_code
            AND (SELECT count(*) FROM person p WHERE p.province_code = '20' AND p.commune_code = u.code AND p.cccd IS NOT NULL AND p.phone IS NOT NULL AND p.birth_date IS NOT NULL AND ${FREE}) >= 6
          ORDER BY u.population DESC, u.code LIMIT 2`,
        [A.code],
      );
      expect(others.rows.length).toBe(2);
      Object.assign(B, others.rows[0]);
      C.code = others.rows[1].code;
      B.villages = (await ctx.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '20' AND parent_code = $1 ORDER BY code`, [B.code])).rows.map((r) => r.code);
      for (const [username, role, unitCode] of [
        ['xa2', 'commune_officer', B.code],
        ['yte2', 'health_worker', B.code],
        ['tocovid2', 'community_team', B.code],
        ['xa3', 'commune_officer', C.code],
      ] as const) {
        await ctx.db.tx((q) => createUser(q, '20', { username, fullName: `Cán bộ ${username}`, password: PASSWORD, role, unitCode }));
      }
      xa = await ctx.as('xa');
      [xa2, yte2, tocovid2, xa3] = await Promise.all(['xa2', 'yte2', 'tocovid2', 'xa3'].map((u) => signIn(ctx.app, u, PASSWORD)));
      inA = await freePeople(ctx, A.code, 3, 'p.cccd IS NOT NULL');
      inB = await freePeople(ctx, B.code, 6, 'p.cccd IS NOT NULL AND p.phone IS NOT NULL');
      expect([inA.length, inB.length]).toEqual([3, 6]);
      [byCccd, byPhone] = inB;
      const c = await xa.post('/api/cases', { personId: inA[0].id, reportDate: today, sampleDate: exposure, detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
      expect(c.statusCode, c.body).toBe(201);
      caseId = c.json().id;
      const c2 = await xa.post('/api/cases', { personId: inA[1].id, reportDate: today, sampleDate: exposure, detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
      expect(c2.statusCode, c2.body).toBe(201);
      secondCaseId = c2.json().id;
    });
    afterAll(async () => ctx?.close());

    it('looks someone of another commune up by exact identity and says only where they live', async () => {
      const cccd = await xa.post('/api/handovers/lookup', { fullName: byCccd.full_name, cccd: byCccd.cccd });
      expect(cccd.statusCode, cccd.body).toBe(200);
      expect(cccd.json()).toEqual({ found: true, inJurisdiction: false, commune: { code: B.code, name: B.name, districtName: expect.any(String) } });
      const phone = await xa.post('/api/handovers/lookup', { fullName: byPhone.full_name.toLowerCase(), phone: byPhone.phone, birthDate: byPhone.birth_date });
      expect(phone.json()).toMatchObject({ found: true, inJurisdiction: false, commune: { code: B.code } });
      // Name and birth date without the right phone are no identity; a partial name is not a search.
      expect((await xa.post('/api/handovers/lookup', { fullName: byPhone.full_name, phone: '0900000001', birthDate: byPhone.birth_date })).json()).toEqual({ found: false, ambiguous: false });
      expect((await xa.post('/api/handovers/lookup', { fullName: byPhone.full_name.split(' ')[0], phone: byPhone.phone, birthDate: byPhone.birth_date })).json()).toEqual({ found: false, ambiguous: false });
      // Someone of the tracer's own commune: no hand-over needed.
      expect((await xa.post('/api/handovers/lookup', { fullName: inA[2].full_name, cccd: inA[2].cccd })).json()).toMatchObject({ found: true, inJurisdiction: true });
      const bad = await xa.post('/api/handovers/lookup', { fullName: 'Ai Đó', cccd: '123' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields).toEqual([{ field: 'cccd', code: 'invalid' }]);
      const missing = await xa.post('/api/handovers/lookup', { fullName: 'Ai Đó', phone: '0912345678' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.fields).toEqual([{ field: 'birthDate', code: 'required' }]);
      // Community teams do not trace.
      expect((await tocovid2.post('/api/handovers/lookup', { fullName: byCccd.full_name, cccd: byCccd.cccd })).statusCode).toBe(403);
      const audited = await ctx.db.query<{ outcome: string; entity_id: string | null }>(`SELECT outcome, entity_id FROM audit_log WHERE entity = 'person_identity' AND username = 'xa' ORDER BY id`);
      expect(audited.rows.slice(0, 4).map((r) => r.outcome)).toEqual(['ok', 'ok', 'not_found', 'not_found']);
      expect(audited.rows[0].entity_id).toBe(String(byCccd.id));
    });

    it('offers the communes and villages outside the jurisdiction to place a new contact in', async () => {
      const r = await xa.get(`/api/handovers/units?q=${encodeURIComponent(B.name.replace(/^(Xã|Phường|Thị trấn) /, ''))}`);
      expect(r.statusCode).toBe(200);
      expect(r.json().map((u: { code: string }) => u.code)).toContain(B.code);
      const own = await xa.get(`/api/handovers/units?q=${encodeURIComponent(A.name.replace(/^(Xã|Phường|Thị trấn) /, ''))}`);
      expect(own.json().map((u: { code: string }) => u.code)).not.toContain(A.code);
    });

    let handoverId: number;
    let contactId: number;
    const requestId = randomUUID();
    const byCccdBody = () => contact({ identity: { fullName: byCccd.full_name, cccd: byCccd.cccd }, handover: { requestId, message: 'Gặp tại chợ, đã nhắc tự cách ly' } });

    it('records a contact of another commune found by CCCD and hands them over, once however often the request is sent', async () => {
      const before = await counts(ctx);
      const res = await xa.post(`/api/cases/${caseId}/contacts`, byCccdBody());
      expect(res.statusCode, res.body).toBe(201);
      const [k] = res.json().contacts;
      expect(k).toEqual({ id: expect.any(Number), degree: 1, meetsDefinition: true, handover: { id: expect.any(Number), status: 'pending', toUnitCode: B.code, toUnitName: B.name } });
      handoverId = k.handover.id;
      contactId = k.id;
      const row = (await ctx.db.query<{ person_id: number; unit_path: string; commune_code: string }>(`SELECT person_id, unit_path, commune_code FROM contact WHERE id = $1`, [contactId])).rows[0];
      expect(Number(row.person_id)).toBe(byCccd.id);
      expect(row.commune_code).toBe(B.code);
      const h = (await ctx.db.query(`SELECT from_unit_code, to_unit_code, contact_name, degree, identified_by, message, status, case_id FROM contact_handover WHERE id = $1`, [handoverId])).rows[0];
      expect(h).toMatchObject({ from_unit_code: A.code, to_unit_code: B.code, contact_name: byCccd.full_name, degree: 1, identified_by: 'cccd', message: 'Gặp tại chợ, đã nhắc tự cách ly', status: 'pending' });
      expect(Number(h.case_id)).toBe(caseId);
      // The receiving commune's health workers get "receive a traced contact"; nobody is asked to call them yet.
      const tasks = await ctx.db.query<{ kind: string; role: string; commune_code: string }>(`SELECT kind, role, commune_code FROM task WHERE contact_id = $1`, [contactId]);
      expect(tasks.rows).toEqual([{ kind: 'receive_handover', role: 'health_worker', commune_code: B.code }]);
      const after = await counts(ctx);
      expect(after.contact - before.contact).toBe(1);
      expect(after.handover - before.handover).toBe(1);
      expect(after.person).toBe(before.person);
      // Replays (a phone retrying) answer the same and write nothing.
      for (let i = 0; i < 2; i++) {
        const again = await xa.post(`/api/cases/${caseId}/contacts`, byCccdBody());
        expect(again.statusCode, again.body).toBe(201);
        expect(again.json().contacts[0]).toMatchObject({ id: contactId, handover: { id: handoverId, status: 'pending', replayed: true } });
      }
      // Two copies at once: still one.
      const [p1, p2] = await Promise.all([0, 1].map(() => xa.post(`/api/cases/${caseId}/contacts`, byCccdBody())));
      expect([p1.statusCode, p2.statusCode]).toEqual([201, 201]);
      expect(await counts(ctx)).toEqual(after);
      const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'contact_handover' AND action = 'create' AND entity_id = $1 AND username = 'xa'`, [String(handoverId)]);
      expect(audited.rows.length).toBe(1);
    });

    it('refuses bad hand-overs with a clear 4xx and writes nothing', async () => {
      const before = await counts(ctx);
      const expectRefused = async (body: object, status: number, fields: { field: string; code: string }[], path = `/api/cases/${caseId}/contacts`) => {
        const r = await xa.post(path, body);
        expect(r.statusCode, r.body).toBe(status);
        for (const f of fields) expect(r.json().error.fields).toContainEqual(expect.objectContaining(f));
      };
      const ho = () => ({ requestId: randomUUID() });
      // Someone of the tracer's own commune: no hand-over needed.
      await expectRefused(contact({ identity: { fullName: inA[2].full_name, cccd: inA[2].cccd }, handover: ho() }), 400, [{ field: 'contacts.0.identity', code: 'in_jurisdiction' }]);
      await expectRefused(contact({ newPerson: { fullName: 'Khách Trong Xã', unitCode: A.code }, handover: ho() }), 400, [{ field: 'contacts.0.newPerson.unitCode', code: 'in_jurisdiction' }]);
      // Unknown unit.
      await expectRefused(contact({ newPerson: { fullName: 'Khách Lạ', unitCode: '99999' }, handover: ho() }), 400, [{ field: 'contacts.0.newPerson.unitCode', code: 'unknown' }]);
      await expectRefused(contact({ newPerson: { fullName: 'Khách Lạ', unitCode: '20' }, handover: ho() }), 400, [{ field: 'contacts.0.newPerson.unitCode', code: 'unknown' }]);
      // The same person handed over again from the same source (another request).
      await expectRefused(contact({ identity: { fullName: byCccd.full_name, cccd: byCccd.cccd }, handover: ho() }), 409, [{ field: 'contacts.0.personId', code: 'already_handed_over' }]);
      // A requestId already used for another exposure.
      await expectRefused(contact({ identity: { fullName: byPhone.full_name, phone: byPhone.phone, birthDate: byPhone.birth_date }, handover: { requestId } }), 409, [{ field: 'contacts.0.handover.requestId', code: 'request_reused' }], `/api/cases/${secondCaseId}/contacts`);
      // No such person; an identity without a hand-over; a hand-over with other contacts; a person id.
      await expectRefused(contact({ identity: { fullName: 'Không Có Ai', cccd: '020090999999' }, handover: ho() }), 400, [{ field: 'contacts.0.identity', code: 'not_found' }]);
      await expectRefused(contact({ identity: { fullName: byPhone.full_name, phone: byPhone.phone, birthDate: byPhone.birth_date } }), 400, [{ field: 'contacts.0.handover', code: 'required' }]);
      await expectRefused(
        { contacts: [...contact({ identity: { fullName: byPhone.full_name, phone: byPhone.phone, birthDate: byPhone.birth_date }, handover: ho() }).contacts, ...contact({ personId: inA[2].id }).contacts] },
        400,
        [{ field: 'contacts.0.handover', code: 'handover_alone' }],
      );
      await expectRefused(contact({ personId: byPhone.id, handover: ho() }), 400, [{ field: 'contacts.0.identity', code: 'identity_or_new_person' }]);
      await expectRefused(contact({ identity: { fullName: byPhone.full_name, phone: byPhone.phone, birthDate: byPhone.birth_date }, handover: { requestId: 'not-a-uuid' } }), 400, [{ field: 'contacts.0.handover.requestId', code: 'pattern' }]);
      await expectRefused({ contacts: [{ ...contact({}).contacts[0], exposureDate: addDays(today, 2), identity: { fullName: byPhone.full_name, phone: byPhone.phone, birthDate: byPhone.birth_date }, handover: ho() }] }, 400, [
        { field: 'contacts.0.exposureDate', code: 'in_future' },
      ]);
      // Without a hand-over, someone outside is still "not found" (the old rule stands).
      await expectRefused(contact({ personId: byPhone.id }), 400, [{ field: 'contacts.0.personId', code: 'not_found' }]);
      expect(await counts(ctx)).toEqual(before);
    });

    it('keeps showing the sender the exposure it recorded, never the person', async () => {
      const d = (await xa.get(`/api/cases/${caseId}`)).json();
      expect(d.contacts.map((k: { personId: number }) => k.personId)).not.toContain(byCccd.id);
      expect(d.handovers).toHaveLength(1);
      expect(d.handovers[0]).toMatchObject({ id: handoverId, contactName: byCccd.full_name, degree: 1, exposureDate: exposure, setting: 'workplace', status: 'pending', toUnitName: B.name, fromUnitName: A.name });
      for (const key of ['personId', 'phone', 'birthDate', 'fullName', 'contactId', 'address', 'cccd']) expect(d.handovers[0]).not.toHaveProperty(key);
      expect(d.events.map((e: { kind: string }) => e.kind)).toContain('handover_sent');
      expect((await xa.get(`/api/people/${byCccd.id}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/contacts/${contactId}`)).statusCode).toBe(404);
      expect((await xa.get(`/api/handovers/${handoverId}`)).statusCode).toBe(404);
      const out = (await xa.get('/api/handovers?box=out')).json();
      expect(out.counts).toEqual({ pending: 1, accepted: 0, returned: 0 });
      expect(out.items[0]).toMatchObject({ id: handoverId, contactName: byCccd.full_name, status: 'pending' });
      expect(out.items[0]).not.toHaveProperty('phone');
      expect((await xa.get('/api/handovers?box=in')).json().items).toEqual([]);
    });

    it('shows the receiving commune its incoming hand-over with the person of its registry; nobody else', async () => {
      const inbox = await xa2.get('/api/handovers?box=in&status=pending');
      expect(inbox.statusCode).toBe(200);
      expect(inbox.json().counts.pending).toBe(1);
      expect(inbox.json().items[0]).toMatchObject({
        id: handoverId,
        contactId,
        personId: byCccd.id,
        fullName: byCccd.full_name,
        phone: byCccd.phone,
        fromUnitName: A.name,
        createdByName: 'Cán bộ xã',
        message: 'Gặp tại chợ, đã nhắc tự cách ly',
        proximity: 'within_2m',
        durationMinutes: 30,
        masked: false,
      });
      expect((await yte2.get(`/api/handovers/${handoverId}`)).json()).toMatchObject({ id: handoverId, personId: byCccd.id });
      expect((await xa3.get('/api/handovers?box=in')).json().items).toEqual([]);
      expect((await xa3.get(`/api/handovers/${handoverId}`)).statusCode).toBe(404);
      expect((await tocovid2.get('/api/handovers?box=in')).statusCode).toBe(403);
      // They live there: the person page, the contact and its tracing are theirs.
      expect((await xa2.get(`/api/people/${byCccd.id}`)).statusCode).toBe(200);
      const tracing = (await xa2.get(`/api/people/${byCccd.id}/tracing`)).json();
      expect(tracing.contacts[0]).toMatchObject({ id: contactId, caseVisible: false, handoverId, handoverStatus: 'pending', handoverFrom: A.name });
      const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'contact_handover' AND action = 'search' AND username = 'xa2'`);
      expect(audited.rows.length).toBeGreaterThan(0);
    });

    it('lets only the receiving commune answer; the task is done by answering', async () => {
      const before = await counts(ctx);
      const own = await xa.post(`/api/handovers/${handoverId}/accept`, {});
      expect(own.statusCode).toBe(403);
      expect(own.json().error.fields).toEqual([{ field: 'id', code: 'not_addressed_to_you' }]);
      expect((await xa.post(`/api/handovers/${handoverId}/return`, { reason: 'not_found' })).statusCode).toBe(403);
      expect((await xa3.post(`/api/handovers/${handoverId}/accept`, {})).statusCode).toBe(404);
      expect((await xa2.post(`/api/handovers/${handoverId}/return`, { reason: 'whatever' })).statusCode).toBe(400);
      expect((await xa2.post(`/api/handovers/${handoverId}/return`, { reason: 'other', note: '' })).statusCode).toBe(400);
      expect((await xa2.post('/api/handovers/999999/accept', {})).statusCode).toBe(404);
      const tasks = (await yte2.get('/api/tasks')).json().items.filter((t: { kind: string }) => t.kind === 'receive_handover');
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ personId: byCccd.id, fullName: byCccd.full_name, detail: { handoverId } });
      const done = await yte2.post(`/api/tasks/${tasks[0].id}/complete`, {});
      expect(done.statusCode).toBe(409);
      expect(done.json().error.fields).toEqual([{ field: 'kind', code: 'answer_the_handover' }]);
      expect(await counts(ctx)).toEqual(before);
    });

    it('accepts: the receiving commune now owns the follow-up (call task, quarantine order); the sender sees the answer', async () => {
      const res = await yte2.post(`/api/handovers/${handoverId}/accept`, { note: 'Đã liên hệ được' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: handoverId, status: 'accepted', answeredByName: 'Cán bộ yte2', answerNote: 'Đã liên hệ được' });
      const tasks = await ctx.db.query<{ kind: string; status: string; role: string; note: string | null }>(`SELECT kind, status, role, note FROM task WHERE contact_id = $1 ORDER BY id`, [contactId]);
      expect(tasks.rows).toEqual([
        { kind: 'receive_handover', status: 'done', role: 'health_worker', note: 'handover_accepted' },
        { kind: 'call_contact', status: 'open', role: 'community_team', note: null },
      ]);
      expect((await tocovid2.get('/api/tasks')).json().items.map((t: { contactId: number }) => t.contactId)).toContain(contactId);
      // Sent again: nothing changes. The other answer after this one: refused.
      const before = await counts(ctx);
      expect((await yte2.post(`/api/handovers/${handoverId}/accept`, {})).statusCode).toBe(200);
      const late = await xa2.post(`/api/handovers/${handoverId}/return`, { reason: 'not_resident' });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.fields).toEqual([{ field: 'status', code: 'already_accepted' }]);
      expect(await counts(ctx)).toEqual(before);
      const order = await yte2.post('/api/quarantine-orders', { personId: byCccd.id, kind: 'quarantine' });
      expect(order.statusCode, order.body).toBe(201);
      const out = (await xa.get('/api/handovers?box=out')).json();
      expect(out.items.find((h: { id: number }) => h.id === handoverId)).toMatchObject({ status: 'accepted', answeredByName: 'Cán bộ yte2' });
      const d = (await xa.get(`/api/cases/${caseId}`)).json();
      expect(d.handovers[0]).toMatchObject({ status: 'accepted' });
      expect(d.events.map((e: { kind: string }) => e.kind)).toContain('handover_accepted');
      expect((await xa.get(`/api/people/${byCccd.id}`)).statusCode).toBe(404);
      const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'contact_handover' AND action = 'update' AND entity_id = $1 AND username = 'yte2'`, [String(handoverId)]);
      expect(audited.rows.length).toBe(1);
    });

    it('places a new person in the other commune, warns of a namesake there without naming them, and hands them over once', async () => {
      const namesake = inB[2];
      const before = await counts(ctx);
      const dup = await xa.post(`/api/cases/${secondCaseId}/contacts`, contact({ newPerson: { fullName: namesake.full_name, birthDate: namesake.birth_date, unitCode: B.code }, handover: { requestId: randomUUID() } }));
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.fields).toEqual([{ field: 'contacts.0.newPerson', code: 'possible_duplicate_elsewhere' }]);
      const known = await xa.post(`/api/cases/${secondCaseId}/contacts`, contact({ newPerson: { fullName: 'Tên Khác', cccd: inB[3].cccd, unitCode: B.code, confirmNew: true }, handover: { requestId: randomUUID() } }));
      expect(known.statusCode).toBe(409);
      expect(known.json().error.fields).toEqual([{ field: 'contacts.0.newPerson.cccd', code: 'exists' }]);
      expect(await counts(ctx)).toEqual(before);
      const key = randomUUID();
      const body = contact({ newPerson: { fullName: 'Vi Thị Khách', birthDate: '1988-03-02', phone: '0912 700 123', unitCode: B.villages[0] ?? B.code }, handover: { requestId: key } });
      const ok = await xa.post(`/api/cases/${secondCaseId}/contacts`, body);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().contacts[0].handover).toMatchObject({ status: 'pending', toUnitCode: B.code });
      const again = await xa.post(`/api/cases/${secondCaseId}/contacts`, body);
      expect(again.json().contacts[0].handover.id).toBe(ok.json().contacts[0].handover.id);
      const after = await counts(ctx);
      expect(after.person - before.person).toBe(1);
      expect(after.handover - before.handover).toBe(1);
      const person = (await ctx.db.query<{ commune_code: string }>(`SELECT commune_code FROM person WHERE full_name = 'Vi Thị Khách'`)).rows[0];
      expect(person.commune_code).toBe(B.code);
    });

    it('returns with a reason; the sender sees it and may hand them over again, once', async () => {
      const out = (await xa.get('/api/handovers?box=out&status=pending')).json().items;
      const h = out.find((x: { contactName: string }) => x.contactName === 'Vi Thị Khách');
      const ret = await xa2.post(`/api/handovers/${h.id}/return`, { reason: 'not_resident', note: 'Không có người này ở thôn' });
      expect(ret.statusCode, ret.body).toBe(200);
      expect(ret.json()).toMatchObject({ status: 'returned', returnReason: 'not_resident' });
      const tasks = await ctx.db.query<{ kind: string; status: string }>(`SELECT t.kind, t.status FROM task t JOIN contact_handover x ON x.contact_id = t.contact_id WHERE x.id = $1`, [h.id]);
      expect(tasks.rows).toEqual([{ kind: 'receive_handover', status: 'done' }]);
      const seen = (await xa.get('/api/handovers?box=out')).json().items.find((x: { id: number }) => x.id === h.id);
      expect(seen).toMatchObject({ status: 'returned', returnReason: 'not_resident', answerNote: 'Không có người này ở thôn', resent: false });
      expect((await xa.get(`/api/cases/${secondCaseId}`)).json().events.map((e: { kind: string }) => e.kind)).toContain('handover_returned');

      // Only the sender hands it over again.
      expect((await xa2.post(`/api/handovers/${h.id}/resend`, { requestId: randomUUID() })).json().error.fields).toEqual([{ field: 'id', code: 'not_sent_by_you' }]);
      const key = randomUUID();
      const again = await xa.post(`/api/handovers/${h.id}/resend`, { requestId: key, message: 'Đã gọi lại: ở xóm mới, gần trường học' });
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json()).toMatchObject({ status: 'pending', resentFrom: h.id, contactName: 'Vi Thị Khách', toUnitCode: B.code });
      const before = await counts(ctx);
      expect((await xa.post(`/api/handovers/${h.id}/resend`, { requestId: key })).json().id).toBe(again.json().id);
      // Handed over already: a second resend (another key) and a resend of the open one are refused.
      const twice = await xa.post(`/api/handovers/${h.id}/resend`, { requestId: randomUUID() });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.fields).toEqual([{ field: 'contactId', code: 'already_handed_over' }]);
      const open = await xa.post(`/api/handovers/${again.json().id}/resend`, { requestId: randomUUID() });
      expect(open.statusCode).toBe(409);
      expect(open.json().error.fields).toEqual([{ field: 'status', code: 'already_handed_over' }]);
      expect((await xa.post(`/api/handovers/${handoverId}/resend`, { requestId: randomUUID() })).json().error.fields).toEqual([{ field: 'status', code: 'already_accepted' }]);
      expect(await counts(ctx)).toEqual(before);
      expect((await xa2.get('/api/handovers?box=in&status=pending')).json().items.map((x: { id: number }) => x.id)).toEqual([again.json().id]);
    });

    it('follows a correction of the residence: cannot be accepted where they no longer live, is sent again where they live now', async () => {
      const p = inB[4];
      const r = await xa.post(`/api/cases/${caseId}/contacts`, contact({ identity: { fullName: p.full_name, phone: p.phone, birthDate: p.birth_date }, handover: { requestId: randomUUID() } }));
      expect(r.statusCode, r.body).toBe(201);
      const id = r.json().contacts[0].handover.id;
      // The registry is corrected: they live in C.
      const c = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [C.code])).rows[0];
      await ctx.db.query(`UPDATE person SET commune_code = $2, village_code = NULL, unit_path = $3 WHERE province_code = '20' AND id = $1`, [p.id, C.code, c.path]);
      const before = await counts(ctx);
      const moved = await xa2.post(`/api/handovers/${id}/accept`, {});
      expect(moved.statusCode).toBe(409);
      expect(moved.json().error.fields).toEqual([{ field: 'contactId', code: 'moved_away' }]);
      expect(await counts(ctx)).toEqual(before);
      expect((await xa2.post(`/api/handovers/${id}/return`, { reason: 'not_resident' })).statusCode).toBe(200);
      const again = await xa.post(`/api/handovers/${id}/resend`, { requestId: randomUUID(), message: 'Theo danh sách dân cư mới' });
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json()).toMatchObject({ toUnitCode: C.code, status: 'pending' });
      expect((await xa3.get('/api/handovers?box=in')).json().items[0]).toMatchObject({ id: again.json().id, personId: p.id, fullName: p.full_name });
      expect((await xa3.post(`/api/handovers/${again.json().id}/accept`, {})).statusCode).toBe(200);
      expect((await xa2.get(`/api/people/${p.id}`)).statusCode).toBe(404);
    });

    it('lets the receiving commune trace onward and hand its own contact back across the border', async () => {
      const f2 = await xa2.post(`/api/contacts/${contactId}/contacts`, contact({ identity: { fullName: inA[2].full_name, cccd: inA[2].cccd, phone: inA[2].phone, birthDate: inA[2].birth_date }, handover: { requestId: randomUUID() } }));
      expect(f2.statusCode, f2.body).toBe(201);
      expect(f2.json().contacts[0]).toMatchObject({ degree: 2, handover: { toUnitCode: A.code } });
      const inbox = (await xa.get('/api/handovers?box=in')).json();
      expect(inbox.items[0]).toMatchObject({ degree: 2, fromUnitName: B.name, personId: inA[2].id, fullName: inA[2].full_name });
      // The F2's hand-over was B's, not A's: A's case page lists only what A sent.
      const listed = (await xa.get(`/api/cases/${caseId}`)).json().handovers.map((h: { id: number }) => h.id);
      expect(listed).toContain(handoverId);
      expect(listed).not.toContain(f2.json().contacts[0].handover.id);
    });
  });
}
