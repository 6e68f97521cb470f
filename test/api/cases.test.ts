// Cases, contacts, quarantine orders, zones, tasks, graph and clusters on every database:
// the rules applied with the policies in force, scoping, bad input, optimistic locking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';

const today = todayInVietnam();

interface Setup {
  commune: string;
  household: number[];
  others: number[];
  farPerson: number;
  villages: string[];
}

/** People of the commune officer's commune with no case, contact or order yet. */
async function setup(ctx: TestContext): Promise<Setup> {
  const commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
  const free = `NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = p.province_code AND o.person_id = p.id)`;
  const hh = await ctx.db.query<{ household_id: string }>(
    `SELECT p.household_id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND ${free}
      GROUP BY p.household_id
      HAVING count(*) >= 3 AND count(*) = (SELECT count(*) FROM person h WHERE h.province_code = '20' AND h.household_id = p.household_id)
      ORDER BY p.household_id LIMIT 1`,
    [commune],
  );
  const household = (await ctx.db.query<{ id: number }>(`SELECT id FROM person p WHERE province_code = '20' AND household_id = $1 ORDER BY birth_date, id`, [hh.rows[0].household_id])).rows.map((r) => Number(r.id));
  const others = (
    await ctx.db.query<{ id: number }>(
      `SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.household_id <> $2 AND ${free} ORDER BY p.id LIMIT 8`,
      [commune, hh.rows[0].household_id],
    )
  ).rows.map((r) => Number(r.id));
  const far = await ctx.db.query<{ id: number }>(`SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code <> $1 AND ${free} ORDER BY p.id LIMIT 1`, [commune]);
  const villages = (await ctx.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '20' AND parent_code = $1 ORDER BY code`, [commune])).rows.map((r) => r.code);
  return { commune, household, others, farPerson: Number(far.rows[0].id), villages };
}

const count = async (ctx: TestContext, table: string) => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

for (const kind of DB_KINDS) {
  describe(`cases API on ${kind}`, () => {
    let ctx: TestContext;
    let s: Setup;
    let caseId: number;
    let f1: { id: number; personId: number }[];
    beforeAll(async () => {
      // Without the demo's vaccination history: the orders' dates here are those of people with no dose in the registry.
      ctx = await createTestContext(kind, { demoVaccination: false });
      s = await setup(ctx);
    });
    afterAll(async () => ctx?.close());

    it('registers a PCR-confirmed case with contacts, checks the F1 definition, proposes the household and creates tasks', async () => {
      const xa = await ctx.as('xa');
      const exposure = addDays(today, -1);
      const res = await xa.post('/api/cases', {
        personId: s.household[0],
        reportDate: today,
        onsetDate: addDays(today, -2),
        sampleDate: addDays(today, -1),
        detectedIn: 'community',
        reportedVia: 'lab',
        evidence: { pcrPositive: true },
        severity: 'mild',
        comorbidities: ['Tăng huyết áp'],
        contacts: [
          { personId: s.others[0], exposureDate: exposure, setting: 'workplace', proximity: 'within_2m', durationMinutes: 30, masked: true },
          { personId: s.others[1], exposureDate: exposure, setting: 'venue', proximity: 'within_2m', durationMinutes: 5, masked: true },
          { personId: s.others[2], exposureDate: exposure, setting: 'transport', proximity: 'within_2m', durationMinutes: 5, masked: false },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      caseId = res.json().id;
      f1 = res.json().contacts;
      expect(res.json().contacts.map((c: { meetsDefinition: boolean; degree: number }) => [c.degree, c.meetsDefinition])).toEqual([
        [1, true],
        [1, false],
        [1, true],
      ]);
      const detail = (await xa.get(`/api/cases/${caseId}`)).json();
      expect(detail.case).toMatchObject({ personId: s.household[0], basis: 'pcr', reportedVia: 'lab', status: 'confirmed', version: 1, comorbidities: ['Tăng huyết áp'] });
      expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'contacts_added']);
      expect(detail.events[0].username).toBe('xa');
      expect(detail.householdProposals.map((p: { id: number }) => p.id).sort()).toEqual(s.household.slice(1).sort());
      expect(detail.contacts).toHaveLength(3);
      const tasks = await ctx.db.query<{ kind: string; role: string }>(`SELECT kind, role FROM task WHERE person_id = ANY($1::bigint[]) ORDER BY kind`, [[s.household[0], ...s.others.slice(0, 3)]]);
      expect(tasks.rows).toEqual([
        { kind: 'call_contact', role: 'community_team' },
        { kind: 'call_contact', role: 'community_team' },
        { kind: 'call_contact', role: 'community_team' },
        { kind: 'investigate_case', role: 'health_worker' },
      ]);
      const audited = await ctx.db.query(`SELECT 1 FROM audit_log WHERE entity = 'case' AND entity_id = $1 AND action IN ('create', 'read')`, [String(caseId)]);
      expect(audited.rows.length).toBe(2);
    });

    it('accepts household members proposed as F1 and traces F2 from an F1, refusing loops', async () => {
      const xa = await ctx.as('xa');
      const hh = await xa.post(`/api/cases/${caseId}/contacts`, {
        contacts: s.household.slice(1).map((personId) => ({ personId, exposureDate: today, setting: 'household', proximity: 'physical', source: 'household' })),
      });
      expect(hh.statusCode, hh.body).toBe(201);
      expect((await xa.get(`/api/cases/${caseId}`)).json().householdProposals).toEqual([]);
      const loop = await xa.post(`/api/contacts/${f1[0].id}/contacts`, { contacts: [{ personId: s.household[0], exposureDate: today, setting: 'other', proximity: 'physical' }] });
      expect(loop.statusCode).toBe(400);
      expect(loop.json().error.fields[0]).toMatchObject({ field: 'contacts.0.personId', code: 'cycle' });
      const f2 = await xa.post(`/api/contacts/${f1[0].id}/contacts`, { contacts: [{ personId: s.others[3], exposureDate: today, setting: 'household', proximity: 'physical' }] });
      expect(f2.statusCode, f2.body).toBe(201);
      expect(f2.json().contacts[0]).toMatchObject({ degree: 2, meetsDefinition: true });
      const again = await xa.post(`/api/contacts/${f1[0].id}/contacts`, { contacts: [{ personId: s.others[3], exposureDate: today, setting: 'household', proximity: 'physical' }] });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.fields[0].code).toBe('already_traced');
    });

    it('traces someone not in the registry, after checking they are not already there', async () => {
      const xa = await ctx.as('xa');
      const known = (await ctx.db.query<{ full_name: string; birth_date: string; phone: string | null; cccd: string | null }>(`SELECT full_name, birth_date::text, phone, cccd FROM person WHERE id = $1`, [s.others[6]])).rows[0];
      const people = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person`)).rows[0].n;
      const contact = (newPerson: object) => ({ contacts: [{ newPerson, exposureDate: today, setting: 'venue', proximity: 'within_2m', masked: false }] });
      // Same name and birth date as a registry person: the officer is shown who, and nothing is written.
      const same = await xa.post(`/api/cases/${caseId}/contacts`, contact({ fullName: known.full_name.toUpperCase(), birthDate: known.birth_date, unitCode: s.commune }));
      expect(same.statusCode).toBe(409);
      expect(same.json().error.fields).toContainEqual({ field: 'contacts.0.newPerson', code: 'possible_duplicate', message: String(s.others[6]) });
      if (known.cccd) {
        const byCccd = await xa.post(`/api/cases/${caseId}/contacts`, contact({ fullName: 'Người Khác', cccd: known.cccd, unitCode: s.commune, confirmNew: true }));
        expect(byCccd.statusCode).toBe(409);
        expect(byCccd.json().error.fields[0]).toMatchObject({ field: 'contacts.0.newPerson.cccd', code: 'exists' });
      }
      const bad = await xa.post(`/api/cases/${caseId}/contacts`, contact({ fullName: 'Khách Vãng Lai', phone: '12', birthDate: '2030-01-01', unitCode: '20' }));
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['contacts.0.newPerson.birthDate', 'contacts.0.newPerson.phone', 'contacts.0.newPerson.unitCode']);
      expect((await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person`)).rows[0].n).toBe(people);
      // Confirmed as someone else: added to the registry and traced.
      const ok = await xa.post(`/api/cases/${caseId}/contacts`, contact({ fullName: known.full_name, birthDate: known.birth_date, unitCode: s.villages[0] ?? s.commune, phone: '0912 777 001', confirmNew: true }));
      expect(ok.statusCode, ok.body).toBe(201);
      const added = (await ctx.db.query<{ phone: string; commune_code: string }>(`SELECT phone, commune_code FROM person WHERE id = $1`, [ok.json().contacts[0].personId])).rows[0];
      expect(added).toEqual({ phone: '+84912777001', commune_code: s.commune });
      const both = await xa.post(`/api/cases/${caseId}/contacts`, { contacts: [{ personId: s.others[7], newPerson: { fullName: 'A B', unitCode: s.commune }, exposureDate: today, setting: 'venue', proximity: 'physical' }] });
      expect(both.statusCode).toBe(400);
    });

    it('refuses bad input with a clear 4xx and writes nothing', async () => {
      const xa = await ctx.as('xa');
      const before = await Promise.all(['case_record', 'contact', 'task', 'case_event'].map((t) => count(ctx, t)));
      const base = { personId: s.others[4], reportDate: today, detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } };
      const cases: [unknown, number, string][] = [
        [{ ...base, reportDate: addDays(today, 1) }, 400, 'reportDate'],
        [{ ...base, onsetDate: addDays(today, 1), reportDate: today }, 400, 'onsetDate'],
        [{ ...base, evidence: { rapidPositiveAt: [new Date().toISOString()] } }, 400, 'evidence'],
        [{ ...base, evidence: { pcrPositive: true, rapidPositiveAt: [new Date(Date.now() + 86_400_000).toISOString()] } }, 400, 'evidence.rapidPositiveAt.0'],
        [{ ...base, contacts: [{ personId: s.others[4], exposureDate: today, setting: 'household', proximity: 'physical' }] }, 400, 'contacts.0.personId'],
        [{ ...base, contacts: [0, 1].map(() => ({ personId: s.others[5], exposureDate: today, setting: 'household', proximity: 'physical' })) }, 400, 'contacts.1.personId'],
        [{ ...base, contacts: [{ personId: s.others[5], exposureDate: addDays(today, 2), setting: 'household', proximity: 'physical' }] }, 400, 'contacts.0.exposureDate'],
        [{ ...base, personId: s.household[0] }, 409, 'personId'],
        [{ ...base, reportDate: '2022-02-30' }, 400, 'reportDate'],
        [{ ...base, unknown: 1 }, 400, ''],
        [{ ...base, contacts: [{ personId: s.others[5], exposureDate: today, setting: 'bus', proximity: 'physical' }] }, 400, 'contacts.0.setting'],
      ];
      for (const [body, status, field] of cases) {
        const r = await xa.post('/api/cases', body);
        expect(r.statusCode, `${JSON.stringify(body)} → ${r.body}`).toBe(status);
        if (field) expect(r.json().error.fields.map((f: { field: string }) => f.field)).toContain(field);
      }
      const out = await xa.post('/api/cases', { ...base, personId: s.farPerson });
      expect(out.statusCode).toBe(404);
      const badJson = await xa.request({ method: 'POST', url: '/api/cases', payload: '{"personId": 1,', headers: { 'content-type': 'application/json' } });
      expect(badJson.statusCode).toBe(400);
      const after = await Promise.all(['case_record', 'contact', 'task', 'case_event'].map((t) => count(ctx, t)));
      expect(after).toEqual(before);
    });

    it('keeps both writers honest: a stale version gets 409 with nothing lost', async () => {
      const xa = await ctx.as('xa');
      const yte = await ctx.as('yte');
      const first = await xa.patch(`/api/cases/${caseId}`, { version: 1, severity: 'moderate' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ severity: 'moderate', version: 2 });
      const second = await yte.patch(`/api/cases/${caseId}`, { version: 1, notes: 'Ghi chú của trạm y tế' });
      expect(second.statusCode).toBe(409);
      expect(second.json().error.code).toBe('stale');
      expect(second.json().error.message).toMatch(/tải lại/);
      const retried = await yte.patch(`/api/cases/${caseId}`, { version: 2, notes: 'Ghi chú của trạm y tế' });
      expect(retried.json()).toMatchObject({ severity: 'moderate', notes: 'Ghi chú của trạm y tế', version: 3 });
      const events = (await xa.get(`/api/cases/${caseId}`)).json().events;
      expect(events.filter((e: { kind: string }) => e.kind === 'updated').map((e: { username: string; changes: object }) => [e.username, Object.keys(e.changes)])).toEqual([
        ['xa', ['severity']],
        ['yte', ['notes']],
      ]);
      const outcome = await xa.patch(`/api/cases/${caseId}`, { version: 3, status: 'recovered' });
      expect(outcome.statusCode).toBe(400);
      expect(outcome.json().error.fields[0]).toMatchObject({ field: 'outcomeDate', code: 'required' });
    });

    it('issues a quarantine order with the dates of the policy in force, refuses a second one and a full facility', async () => {
      const xa = await ctx.as('xa');
      const exposure = addDays(today, -1);
      const res = await xa.post('/api/quarantine-orders', { personId: f1[0].personId, kind: 'quarantine' });
      expect(res.statusCode, res.body).toBe(201);
      // Policy of 21/2/2022: not vaccinated → 7 days from the last exposure, test on day 7, then 3 days of monitoring.
      expect(res.json()).toMatchObject({ kind: 'quarantine', place: 'home', startDate: today, endDate: addDays(exposure, 7), monitorUntil: addDays(exposure, 10), testDays: [7], policyKey: 'quarantine.f1', policyVersion: 3, rule: 'other' });
      const vaccinated = await xa.post('/api/quarantine-orders', { personId: f1[2].personId, kind: 'quarantine', immunity: { fullyVaccinatedOn: addDays(today, -60) } });
      expect(vaccinated.json()).toMatchObject({ endDate: addDays(exposure, 5), testDays: [5], rule: 'protected' });
      const twice = await xa.post('/api/quarantine-orders', { personId: f1[0].personId, kind: 'quarantine' });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.fields[0].code).toBe('already_ordered');
      const notContact = await xa.post('/api/quarantine-orders', { personId: s.others[6], kind: 'quarantine' });
      expect(notContact.statusCode).toBe(409);

      const fac = await xa.post('/api/facilities', { name: 'Khu cách ly Trường THCS thử nghiệm', kind: 'centralised', communeCode: s.commune, capacity: 1 });
      expect(fac.statusCode, fac.body).toBe(201);
      const facilityId = fac.json().id;
      const hh = (await xa.get(`/api/cases/${caseId}`)).json().contacts.filter((c: { setting: string }) => c.setting === 'household');
      const inFacility = await xa.post('/api/quarantine-orders', { personId: hh[0].personId, kind: 'quarantine', place: 'centralised', facilityId });
      expect(inFacility.statusCode, inFacility.body).toBe(201);
      expect(inFacility.json()).toMatchObject({ place: 'centralised', facilityName: 'Khu cách ly Trường THCS thử nghiệm' });
      const full = await xa.post('/api/quarantine-orders', { personId: hh[1].personId, kind: 'quarantine', place: 'centralised', facilityId });
      expect(full.statusCode).toBe(409);
      expect(full.json().error.code).toBe('facility_full');
      const facilities = (await xa.get('/api/facilities')).json();
      expect(facilities.find((f: { id: number }) => f.id === facilityId)).toMatchObject({ capacity: 1, occupied: 1 });
      const tasks = await ctx.db.query<{ kind: string }>(`SELECT kind FROM task WHERE order_id = $1 ORDER BY kind`, [res.json().id]);
      expect(tasks.rows.map((t) => t.kind)).toEqual(['deliver_decision', 'test_contact']);
    });

    it('prints the decision as a Vietnamese PDF, and releases early only with a reason', async () => {
      const xa = await ctx.as('xa');
      const orders = (await xa.get('/api/quarantine-orders?status=active')).json();
      const o = orders.find((x: { personId: number }) => x.personId === f1[0].personId);
      const pdf = await xa.get(`/api/quarantine-orders/${o.id}/decision.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const early = await xa.post(`/api/quarantine-orders/${o.id}/release`, { date: today });
      expect(early.statusCode).toBe(400);
      expect(early.json().error.fields[0].code).toBe('required_for_early_release');
      const check = await xa.post(`/api/quarantine-orders/${o.id}/checks`, { day: today, status: 'ok' });
      expect(check.statusCode, check.body).toBe(200);
      expect(check.json().checks).toEqual([{ day: today, status: 'ok', note: null }]);
      const futureCheck = await xa.post(`/api/quarantine-orders/${o.id}/checks`, { day: addDays(today, 1), status: 'ok' });
      expect(futureCheck.statusCode).toBe(400);
      const released = await xa.post(`/api/quarantine-orders/${o.id}/release`, { date: today, note: 'Kết quả PCR âm tính, BCĐ xã quyết định' });
      expect(released.statusCode, released.body).toBe(200);
      expect(released.json()).toMatchObject({ status: 'released', releasedDate: today });
      const open = await ctx.db.query(`SELECT 1 FROM task WHERE order_id = $1 AND status = 'open'`, [o.id]);
      expect(open.rows).toHaveLength(0);
    });

    it('turns a contact into a case (F1 with a positive rapid test) and isolates them', async () => {
      const xa = await ctx.as('xa');
      const res = await xa.post(`/api/contacts/${f1[2].id}/convert`, { reportDate: today, sampleDate: today, detectedIn: 'quarantine', evidence: { rapidPositiveAt: [new Date().toISOString()] } });
      expect(res.statusCode, res.body).toBe(201);
      const c = (await xa.get(`/api/cases/${res.json().id}`)).json().case;
      expect(c).toMatchObject({ basis: 'rapid_f1', reportedVia: 'contact', fromContactId: f1[2].id, detectedIn: 'quarantine' });
      const k = (await xa.get(`/api/contacts/${f1[2].id}`)).json().contact;
      expect(k.status).toBe('became_case');
      // The F1 quarantine order is still active: isolation needs it released first.
      const blocked = await xa.post('/api/quarantine-orders', { personId: f1[2].personId, kind: 'isolation' });
      expect(blocked.statusCode).toBe(409);
      const active = (await xa.get('/api/quarantine-orders?status=active')).json().find((x: { personId: number }) => x.personId === f1[2].personId);
      await xa.post(`/api/quarantine-orders/${active.id}/release`, { date: today, note: 'Chuyển cách ly điều trị F0' });
      const iso = await xa.post('/api/quarantine-orders', { personId: f1[2].personId, kind: 'isolation' });
      expect(iso.statusCode, iso.body).toBe(201);
      // Decision 261/QĐ-BYT: 7 days from the positive sample, test on day 7.
      expect(iso.json()).toMatchObject({ kind: 'isolation', place: 'home', endDate: addDays(today, 7), testDays: [7], policyKey: 'isolation.f0' });
    });

    it('keeps a commune officer to their commune, and roles to their work', async () => {
      const admin = await ctx.as('admin');
      const far = await admin.post('/api/cases', { personId: s.farPerson, reportDate: today, detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
      expect(far.statusCode, far.body).toBe(201);
      const xa = await ctx.as('xa');
      expect((await xa.get(`/api/cases/${far.json().id}`)).statusCode).toBe(404);
      const mine = (await xa.get('/api/cases?limit=500')).json();
      expect(mine.items.every((c: { communeCode: string }) => c.communeCode === s.commune)).toBe(true);
      expect(mine.items.some((c: { id: number }) => c.id === caseId)).toBe(true);
      // A unit filter above or beside the jurisdiction is 404; inside it narrows the list.
      expect((await xa.get('/api/cases?unit=20')).statusCode).toBe(404);
      expect((await xa.get('/api/cases/graph?unit=20')).statusCode).toBe(404);
      const byCommune = (await admin.get(`/api/cases?unit=${s.commune}&limit=500`)).json();
      expect(byCommune.items.length).toBeGreaterThan(0);
      expect(byCommune.items.every((c: { communeCode: string }) => c.communeCode === s.commune)).toBe(true);
      expect((await xa.post(`/api/cases/${far.json().id}/contacts`, { contacts: [{ personId: s.others[7], exposureDate: today, setting: 'other', proximity: 'physical' }] })).statusCode).toBe(404);
      expect((await xa.patch(`/api/cases/${far.json().id}`, { version: 1, severity: 'severe' })).statusCode).toBe(404);
      expect((await (await ctx.as('xem')).get('/api/cases')).statusCode).toBe(403);
      expect((await (await ctx.as('tocovid')).get('/api/cases')).statusCode).toBe(403);
      // A vaccinator works from the task list (home vaccination) but reads no case.
      expect((await (await ctx.as('tiemchung')).get('/api/cases')).statusCode).toBe(403);
      expect((await (await ctx.as('xem')).get('/api/tasks')).statusCode).toBe(403);
    });

    it("gives the community team their commune's tasks to do from a phone", async () => {
      const team = await ctx.as('tocovid');
      const res = await team.get('/api/tasks');
      expect(res.statusCode).toBe(200);
      const { items, counts } = res.json();
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((t: { role: string }) => t.role === 'community_team')).toBe(true);
      expect(counts.open).toBeGreaterThanOrEqual(items.length > 100 ? 100 : items.length);
      const call = items.find((t: { kind: string; personId: number }) => t.kind === 'call_contact' && t.personId === s.others[1]);
      expect(call).toMatchObject({ fullName: expect.any(String), overdue: false });
      const done = await team.post(`/api/tasks/${call.id}/complete`, { note: 'Đã gọi, hướng dẫn tự theo dõi' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'done', note: 'Đã gọi, hướng dẫn tự theo dõi' });
      expect((await team.post(`/api/tasks/${call.id}/complete`, {})).statusCode).toBe(409);
      const adminTask = await ctx.db.query<{ id: number }>(`SELECT id FROM task WHERE person_id = $1`, [s.farPerson]);
      expect((await team.post(`/api/tasks/${adminTask.rows[0].id}/complete`, {})).statusCode).toBe(404);
    });

    it('zones villages with a lift date 14 days after the last case, extends and lifts them', async () => {
      const xa = await ctx.as('xa');
      const unitCodes = s.villages.length ? s.villages.slice(0, 1) : [s.commune];
      const res = await xa.post('/api/zones', { name: 'Phong tỏa thôn thử nghiệm', kind: 'lockdown', unitCodes: [s.commune], startDate: today, reason: 'Ca F0 cộng đồng' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ status: 'active', lastCaseDate: today, plannedLiftDate: addDays(today, 14), version: 1 });
      expect(res.json().residents).toBeGreaterThan(0);
      const residents = (await xa.get(`/api/zones/${res.json().id}/residents?limit=5`)).json();
      expect(residents.items).toHaveLength(5);
      const outside = await xa.post('/api/zones', { name: 'Ngoài địa bàn', kind: 'zoned', unitCodes: ['20'], startDate: today });
      expect(outside.statusCode).toBe(400);
      const badPolygon = await xa.post('/api/zones', { name: 'Đa giác sai', kind: 'zoned', unitCodes, startDate: today, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] } });
      expect(badPolygon.statusCode).toBe(400);
      expect(badPolygon.json().error.fields[0].code).toBe('invalid_polygon');
      const early = await xa.post(`/api/zones/${res.json().id}/lift`, { date: today, version: 1 });
      expect(early.statusCode).toBe(400);
      const ext = await xa.post(`/api/zones/${res.json().id}/extend`, { to: addDays(today, 21), reason: 'Còn ca F1 chưa có kết quả', version: 1 });
      expect(ext.json()).toMatchObject({ plannedLiftDate: addDays(today, 21), version: 2 });
      const stale = await xa.post(`/api/zones/${res.json().id}/lift`, { date: today, version: 1, reason: 'Thử' });
      expect(stale.statusCode).toBe(409);
      const lifted = await xa.post(`/api/zones/${res.json().id}/lift`, { date: today, version: 2, reason: 'BCĐ tỉnh quyết định gỡ sớm' });
      expect(lifted.json()).toMatchObject({ status: 'lifted', liftedDate: today });
    });

    it('serves the transmission graph as columns and proposes clusters from connected cases', async () => {
      const admin = await ctx.as('admin');
      const g = (await admin.get('/api/cases/graph')).json();
      const n = g.person.length;
      for (const k of ['name', 'degree', 'status', 'commune', 'date', 'cluster']) expect(g[k]).toHaveLength(n);
      expect(g.edges.length % 2).toBe(0);
      expect(g.edges.every((i: number) => i >= 0 && i < n)).toBe(true);
      const root = g.person.indexOf(s.household[0]);
      expect(g.degree[root]).toBe(0);
      const f2 = g.person.indexOf(s.others[3]);
      expect(g.degree[f2]).toBe(2);
      const xaGraph = (await (await ctx.as('xa')).get('/api/cases/graph')).json();
      expect(xaGraph.commune.every((c: string) => c === s.commune)).toBe(true);
      // Small graphs carry the names; large ones ask for the names they show, within the jurisdiction.
      expect(g.name).toHaveLength(n);
      const [own] = await ctx.db.query<{ name: string }>(`SELECT full_name AS name FROM person WHERE id = $1`, [s.household[0]]).then((r) => r.rows);
      expect(g.name[root]).toBe(own.name);
      const names = await (await ctx.as('xa')).post('/api/cases/graph/names', { people: [s.household[0], s.farPerson] });
      expect(names.statusCode).toBe(200);
      expect(names.json()).toEqual({ people: [s.household[0]], names: [own.name] });
      expect((await (await ctx.as('xa')).post('/api/cases/graph/names', { people: [] })).statusCode).toBe(400);

      const proposals = (await admin.post('/api/clusters/proposals', {})).json();
      const ours = proposals.find((p: { caseIds: number[] }) => p.caseIds.includes(caseId));
      expect(ours.caseIds.length).toBeGreaterThanOrEqual(2);
      const created = await admin.post('/api/clusters', { name: 'Chùm ca bệnh thử nghiệm', caseIds: ours.caseIds, link: ours.link });
      expect(created.statusCode, created.body).toBe(201);
      const again = (await admin.post('/api/clusters/proposals', {})).json();
      expect(again.some((p: { caseIds: number[] }) => p.caseIds.includes(caseId))).toBe(false);
      const bad = await admin.post('/api/clusters', { name: 'Sai', caseIds: [999999999] });
      expect(bad.statusCode).toBe(400);
    });
  });
}
