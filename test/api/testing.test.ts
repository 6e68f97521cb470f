// Testing and lab on every database: a sampling plan drawn from the registry, a session with
// specimens and pools, results imported from a lab file (bad rows reported one by one, re-import
// idempotent), a positive pool followed up member by member until the positive one is a case;
// conflicts held for review; rapid tests and self-reports; the dashboard; the checkpoint lookup;
// scoping and every bad-input class of the issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, signIn, type Client, type TestContext } from '../helpers/app.ts';
import { createUser } from '../../src/server/modules/users/service.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { sampleSizeFinite } from '../../src/domain/testing/sampleSize.ts';
import { seedMissingTestingPolicies } from '../../src/server/modules/testing/routes.ts';

const today = todayInVietnam();

function multipart(filename: string, content: string | Buffer, type = 'text/csv') {
  const boundary = '----chongdichtesting' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function importFile(c: Client, labId: number, name: string, content: string) {
  const m = multipart(name, content);
  const res = await c.request({ method: 'POST', url: `/api/testing/results/import?labId=${labId}`, payload: m.payload, headers: m.headers });
  expect(res.statusCode, res.body).toBe(202);
  const jobId = res.json().jobId as number;
  for (let i = 0; i < 600; i++) {
    const j = (await c.get(`/api/testing/imports/${jobId}`)).json();
    if (j.status !== 'running') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const count = async (ctx: TestContext, sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(sql, params)).rows[0].n;

for (const kind of DB_KINDS) {
  describe(`testing API on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let district: string;
    let otherCommune: string;
    let labId: number;
    let planId: number;
    let eventId: number;
    let outsider: Client;
    const specimens: { id: number; barcode: string; personId: number }[] = [];
    let pools: { id: number; barcode: string; maxSize: number }[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let planBody: { strata: Record<string, unknown>[] } & Record<string, unknown>;

    beforeAll(async () => {
      // From a clean slate: without the demo's testing activity (test/api/demo-testing.test.ts covers it).
      ctx = await createTestContext(kind, { demoTesting: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      otherCommune = (
        await ctx.db.query<{ code: string }>(
          `SELECT c.code FROM admin_unit c WHERE c.province_code = '20' AND c.level = 'commune' AND c.parent_code = $1 AND c.code <> $2
              AND EXISTS (SELECT 1 FROM person p WHERE p.province_code = '20' AND p.commune_code = c.code) ORDER BY c.code LIMIT 1`,
          [district, commune],
        )
      ).rows[0].code;
      // A commune officer of another district: sees nothing of this district's testing.
      const farCommune = (
        await ctx.db.query<{ code: string }>(
          `SELECT c.code FROM admin_unit c JOIN admin_unit d ON d.province_code = c.province_code AND d.code = $1
            WHERE c.province_code = '20' AND c.level = 'commune' AND c.path NOT LIKE d.path || '%' ORDER BY c.code LIMIT 1`,
          [district],
        )
      ).rows[0].code;
      await ctx.db.tx((q) => createUser(q, '20', { username: 'xakhac', fullName: 'Cán bộ xã khác', password: 'mat-khau-xa-khac-1', role: 'commune_officer', unitCode: farCommune }));
      outsider = await signIn(ctx.app, 'xakhac', 'mat-khau-xa-khac-1');
    });
    afterAll(async () => ctx?.close());

    it('advises pool sizes (Dorfman) and computes sample sizes', async () => {
      const xn = await ctx.as('xetnghiem');
      const a = (await xn.get('/api/testing/pool-advisor?prevalence=0.01')).json();
      expect(a.optimum.k).toBe(11);
      expect(Math.round(a.optimum.expected * 10_000) / 10_000).toBe(0.1956);
      expect(a.withinPolicy).toMatchObject({ k: 10, maxPoolSize: 10 });
      expect(a.policy.key).toBe('testing.pool_max_size');
      expect((await xn.get('/api/testing/pool-advisor?prevalence=0.05')).json().optimum.k).toBe(5);
      expect((await xn.get('/api/testing/pool-advisor?prevalence=0.4')).json().poolingHelps).toBe(false);
      expect((await xn.get('/api/testing/pool-advisor?prevalence=2')).statusCode).toBe(400);
      expect((await xn.post('/api/testing/sample-size', { confidence: 0.95, prevalence: 0.01, sensitivity: 1 })).json()).toMatchObject({ n: 299, formula: 'large_population' });
      expect((await xn.post('/api/testing/sample-size', { confidence: 0.95, prevalence: 0.01, sensitivity: 1, population: 1000 })).json().n).toBe(258);
      expect((await xn.post('/api/testing/sample-size', { confidence: 1.5, prevalence: 0.01, sensitivity: 1 })).statusCode).toBe(400);
      // Permissions: a viewer sees no testing data; a checkpoint officer only looks up results.
      expect((await (await ctx.as('xem')).get('/api/testing/pool-advisor?prevalence=0.01')).statusCode).toBe(403);
      expect((await (await ctx.as('chot')).get('/api/testing/plans')).statusCode).toBe(403);
    });

    it('registers a lab', async () => {
      const xn = await ctx.as('xetnghiem');
      const res = await xn.post('/api/testing/labs', { name: 'Phòng xét nghiệm CDC tỉnh', unitCode: '20', capacitySingle: 8000, capacityPooled: 80000 });
      expect(res.statusCode, res.body).toBe(201);
      labId = res.json().id;
      expect((await xn.post('/api/testing/labs', { name: 'phòng xét nghiệm cdc tỉnh', unitCode: '20', capacitySingle: 1, capacityPooled: 1 })).statusCode).toBe(409);
      expect((await xn.get('/api/testing/labs')).json().map((l: { id: number }) => l.id)).toContain(labId);
    });

    it('builds a plan: strata sized by the freedom-from-disease formula, a short budget shared by risk weight', async () => {
      const huyen = await ctx.as('huyen');
      const n1 = await count(ctx, `SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code = $1`, [commune]);
      const n2 = await count(ctx, `SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code = $1`, [otherCommune]);
      const vendors = (await ctx.db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '20' AND commune_code = $1 ORDER BY id DESC LIMIT 6`, [commune])).rows.map((r) => Number(r.id));
      const design = { designPrevalence: 0.05, confidence: 0.95, sensitivity: 1 };
      const body = {
        name: 'Kế hoạch lấy mẫu ngày',
        planDate: today,
        unitCode: district,
        budget: 60,
        ...design,
        seed: 12345,
        strata: [
          { name: 'Người dân xã ổ dịch', kind: 'residents', riskWeight: 3, population: { unitCode: commune } },
          { name: 'Người dân xã lân cận', kind: 'residents', riskWeight: 1, population: { unitCode: otherCommune, ageMin: 18 } },
          { name: 'Tiểu thương chợ', kind: 'listed', riskWeight: 5, population: { personIds: vendors }, site: { name: 'Chợ trung tâm', unitCode: commune } },
          { name: 'Lái xe qua chốt', kind: 'on_site', riskWeight: 2, population: { estimatedSize: 400, description: 'Chốt Hữu Nghị' }, site: { name: 'Chốt kiểm soát', unitCode: commune } },
        ],
      };
      planBody = body;
      const res = await huyen.post('/api/testing/plans', body);
      expect(res.statusCode, res.body).toBe(201);
      const p = res.json();
      planId = p.id;
      expect(p).toMatchObject({ status: 'draft', version: 1, seed: 12345, designPrevalence: 0.05 });
      expect(p.strata[0]).toMatchObject({ populationSize: n1, requiredSize: sampleSizeFinite({ prevalence: 0.05, confidence: 0.95, sensitivity: 1 }, n1) });
      expect(p.strata[1].populationSize).toBeLessThan(n2);
      expect(p.strata[2]).toMatchObject({ populationSize: 6, requiredSize: 6, population: { personCount: 6 } });
      expect(p.strata[3]).toMatchObject({ populationSize: 400, requiredSize: sampleSizeFinite({ prevalence: 0.05, confidence: 0.95, sensitivity: 1 }, 400) });
      expect(p.totals.required).toBeGreaterThan(60);
      expect(p.totals.proposed).toBe(60);
      expect(p.totals.meetsDesign).toBe(false);
      expect(p.strata[2].proposedSize).toBe(6); // the highest-risk stratum gets all it needs
      for (const s of p.strata) expect(s.proposedSize).toBeLessThanOrEqual(s.requiredSize);

      // Bad input: nothing written.
      const plans = await count(ctx, `SELECT count(*)::int AS n FROM sampling_plan`);
      const bad = await huyen.post('/api/testing/plans', { ...body, strata: [{ name: 'Sai', kind: 'listed', riskWeight: 1, population: { personIds: [vendors[0], 999999999] } }] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields[0]).toMatchObject({ field: 'strata.0.population.personIds.1', code: 'not_found' });
      expect((await huyen.post('/api/testing/plans', { ...body, strata: [{ name: 'Sai', kind: 'residents', riskWeight: 1, population: {} }] })).json().error.fields[0].code).toBe('required');
      expect((await huyen.post('/api/testing/plans', { ...body, designPrevalence: 0 })).statusCode).toBe(400);
      expect((await huyen.post('/api/testing/plans', { ...body, unitCode: '38' })).statusCode).toBe(404);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM sampling_plan`)).toBe(plans);

      // The officer raises the budget and chooses a size; the version guards concurrent edits.
      const edit = await huyen.patch(`/api/testing/plans/${planId}`, { version: 1, budget: 1000, strata: [{ id: p.strata[3].id, chosenSize: 20 }] });
      expect(edit.statusCode, edit.body).toBe(200);
      expect(edit.json().totals.meetsDesign).toBe(false); // 20 drivers is below the need
      expect(edit.json().strata.slice(0, 3).every((s: { proposedSize: number; requiredSize: number }) => s.proposedSize === s.requiredSize)).toBe(true);
      expect((await huyen.patch(`/api/testing/plans/${planId}`, { version: 1, budget: 5 })).statusCode).toBe(409);
    });

    it('draws the sample reproducibly and lists it per site, also as Excel', async () => {
      const huyen = await ctx.as('huyen');
      const drawn = await huyen.post(`/api/testing/plans/${planId}/draw`, { version: 2 });
      expect(drawn.statusCode, drawn.body).toBe(200);
      const p = drawn.json();
      expect(p.status).toBe('drawn');
      // A person is drawn once per plan, for the riskiest stratum they are in: the market vendors
      // (weight 5) are all drawn; the commune's residents draw others in their place.
      expect(p.strata[2].drawnCount).toBe(6);
      for (const s of p.strata.slice(0, 2)) expect(s.drawnCount).toBe(Math.min(s.size, s.populationSize - (s === p.strata[0] ? 6 : 0)));
      expect(p.totals.drawn).toBe(p.strata.reduce((a: number, s: { drawnCount: number }) => a + s.drawnCount, 0));
      expect(p.strata[3]).toMatchObject({ kind: 'on_site', size: 20, everyKth: 20 });
      expect(p.sites.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['Chợ trung tâm', 'Chốt kiểm soát']));
      expect((await huyen.post(`/api/testing/plans/${planId}/draw`, { version: 3 })).statusCode).toBe(409);

      const people = (await huyen.get(`/api/testing/plans/${planId}/people?limit=5000`)).json();
      expect(people.total).toBe(p.totals.drawn);
      expect(new Set(people.items.map((x: { personId: number }) => x.personId)).size).toBe(people.total);

      // The same definition and seed draw the same people; another seed others.
      const drawAgain = async (body: Record<string, unknown>) => {
        const created = await huyen.post('/api/testing/plans', body);
        expect(created.statusCode, created.body).toBe(201);
        expect((await huyen.post(`/api/testing/plans/${created.json().id}/draw`, { version: 1 })).statusCode).toBe(200);
        const items = (await huyen.get(`/api/testing/plans/${created.json().id}/people?limit=5000`)).json().items as { personId: number; stratum: string }[];
        return items.map((x) => `${x.stratum}:${x.personId}`).sort();
      };
      const original = people.items.map((x: { personId: number; stratum: string }) => `${x.stratum}:${x.personId}`).sort();
      expect(await drawAgain({ ...planBody, name: 'Bản sao', budget: 1000, strata: planBody.strata.map((x, i) => (i === 3 ? { ...x, chosenSize: 20 } : x)) })).toEqual(original);
      const districtWide = (seed: number) => ({ ...planBody, name: 'Toàn huyện', seed, strata: [{ name: 'Người dân huyện', kind: 'residents', riskWeight: 1, population: { unitCode: district }, chosenSize: 20 }] });
      const s1 = await drawAgain(districtWide(1));
      expect(s1).toHaveLength(20);
      expect(await drawAgain(districtWide(1))).toEqual(s1);
      expect(await drawAgain(districtWide(2))).not.toEqual(s1);

      const market = p.sites.find((s: { name: string }) => s.name === 'Chợ trung tâm');
      const xlsx = await huyen.get(`/api/testing/plans/${planId}/lists.xlsx?site=${market.id}`);
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.getRow(4).getCell(2).value).toBe('Họ và tên');
      expect(ws.rowCount - 4).toBe(market.people);
      const audited = await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'sampling_list' AND entity_id = $1`, [String(planId)]);
      expect(audited).toBe(2);
      // Another commune's officer sees neither the plan nor its list.
      expect((await outsider.get(`/api/testing/plans/${planId}`)).statusCode).toBe(404);
    });

    it('collects specimens at a session: barcodes, retries, registry people and drivers', async () => {
      const yte = await ctx.as('yte');
      const site = (await (await ctx.as('huyen')).get(`/api/testing/plans/${planId}`)).json().sites.find((s: { unitCode: string; name: string }) => s.unitCode === commune && s.name.startsWith('Trạm Y tế'));
      const ev = await yte.post('/api/testing/events', { eventDate: today, siteName: 'Trạm Y tế xã', unitCode: commune, team: 'Tổ lấy mẫu 1', planId, siteId: site.id, labId });
      expect(ev.statusCode, ev.body).toBe(201);
      eventId = ev.json().id;
      const list = (await yte.get(`/api/testing/plans/${planId}/people?site=${site.id}&limit=5000`)).json().items as { personId: number }[];
      expect(list.length).toBeGreaterThanOrEqual(15);
      for (const person of list.slice(0, 15)) {
        const r = await yte.post('/api/testing/specimens', { eventId, personId: person.personId });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json().drawn).toBe(true);
        specimens.push({ id: r.json().specimen.id, barcode: r.json().specimen.barcode, personId: person.personId });
      }
      expect(specimens[0].barcode).toMatch(/^S20-\d{10}$/);
      // A phone retrying: same barcode and person, or same key → the same specimen.
      const retry = await yte.post('/api/testing/specimens', { eventId, personId: specimens[0].personId, barcode: specimens[0].barcode });
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toMatchObject({ replayed: true, specimen: { id: specimens[0].id } });
      const keyed = { eventId, person: { fullName: 'Trần Văn Tài', cccd: '038090001234' }, vehiclePlate: '29C-123.45', kind: 'single', idempotencyKey: 'driver-0001' };
      const d1 = await yte.post('/api/testing/specimens', keyed);
      expect(d1.statusCode, d1.body).toBe(201);
      expect(d1.json().specimen).toMatchObject({ personId: null, vehiclePlate: '29C12345', subjectCccd: '038090001234', kind: 'single' });
      expect((await yte.post('/api/testing/specimens', keyed)).json()).toMatchObject({ replayed: true, specimen: { id: d1.json().specimen.id } });
      // The barcode of someone else is refused; junk is refused; nothing written.
      const before = await count(ctx, `SELECT count(*)::int AS n FROM specimen`);
      const taken = await yte.post('/api/testing/specimens', { eventId, personId: specimens[1].personId, barcode: specimens[0].barcode });
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error.fields[0]).toMatchObject({ field: 'barcode', code: 'barcode_taken' });
      expect((await yte.post('/api/testing/specimens', { eventId, personId: specimens[1].personId, barcode: 'S20-0000000010' })).json().error.fields[0].code).toBe('barcode_invalid');
      expect((await yte.post('/api/testing/specimens', { eventId, person: { fullName: 'Không Giấy Tờ' } })).json().error.fields[0].code).toBe('cccd_or_plate_required');
      expect((await yte.post('/api/testing/specimens', { eventId, personId: specimens[1].personId, collectedAt: '2099-01-01T00:00:00Z' })).json().error.fields[0].code).toBe('in_future');
      expect((await yte.post('/api/testing/specimens', { eventId: 999999, personId: specimens[1].personId })).statusCode).toBe(400);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM specimen`)).toBe(before);
      // The label prints (Code 128 with the name, in the embedded font).
      const pdf = await yte.get(`/api/testing/events/${eventId}/labels.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      // A commune of the same district sees the district's plan, but in its lists only its own
      // residents, and not the specimens collected and living elsewhere.
      await ctx.db.tx((q) => createUser(q, '20', { username: 'xalancan', fullName: 'Cán bộ xã lân cận', password: 'mat-khau-xa-lan-can', role: 'commune_officer', unitCode: otherCommune }));
      const neighbour = await signIn(ctx.app, 'xalancan', 'mat-khau-xa-lan-can');
      expect((await neighbour.get(`/api/testing/plans/${planId}`)).statusCode).toBe(200);
      const seen = (await neighbour.get(`/api/testing/plans/${planId}/people?limit=5000`)).json().items as { personId: number; communeName: string }[];
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.some((x) => specimens.some((s) => s.personId === x.personId))).toBe(false);
      expect((await neighbour.get(`/api/testing/specimens/${specimens[2].id}`)).statusCode).toBe(404);
      expect((await neighbour.patch(`/api/testing/plans/${planId}`, { version: 3, budget: 10 })).statusCode).toBe(403);
      // Scanning tells what a code is; another commune cannot see it.
      expect((await yte.get(`/api/testing/scan/${specimens[2].barcode}`)).json()).toMatchObject({ type: 'specimen', specimen: { id: specimens[2].id } });
      expect((await outsider.get(`/api/testing/scan/${specimens[2].barcode}`)).statusCode).toBe(404);
      expect((await outsider.get(`/api/testing/specimens/${specimens[2].id}`)).statusCode).toBe(404);
    });

    it('composes pools by scanning: refuses unknown barcodes, a specimen in two pools and a pool over the maximum', async () => {
      const yte = await ctx.as('yte');
      const make = async () => {
        const r = await yte.post('/api/testing/pools', { labId, method: 'collection', eventId });
        expect(r.statusCode, r.body).toBe(201);
        return { id: r.json().id as number, barcode: r.json().barcode as string, maxSize: r.json().maxSize as number, risk: r.json().areaRisk as string };
      };
      const a = await make();
      // The demo outbreak may have zoned the commune: then pools are of 5, else of 10.
      const zoned = await count(ctx, `SELECT count(*)::int AS n FROM zone WHERE province_code = '20' AND status = 'active' AND (unit_codes && ARRAY[$1]::text[] OR EXISTS (SELECT 1 FROM admin_unit v WHERE v.province_code = '20' AND v.parent_code = $1 AND v.code = ANY(unit_codes)))`, [commune]);
      expect(a.maxSize).toBe(zoned ? 5 : 10);
      expect(a.risk).toBe(zoned ? 'high' : 'low');
      const b = await make();
      pools = [a, b];
      for (const s of specimens.slice(0, a.maxSize)) {
        const r = await yte.post(`/api/testing/pools/${a.id}/members`, { barcode: s.barcode.toLowerCase() });
        expect(r.statusCode, r.body).toBe(200);
      }
      const over = await yte.post(`/api/testing/pools/${a.id}/members`, { barcode: specimens[a.maxSize].barcode });
      expect(over.statusCode).toBe(409);
      expect(over.json().error.fields[0]).toMatchObject({ code: 'pool_full', message: String(a.maxSize) });
      const twice = await yte.post(`/api/testing/pools/${b.id}/members`, { barcode: specimens[0].barcode });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.fields[0]).toMatchObject({ code: 'already_pooled', message: a.barcode });
      const unknown = await yte.post(`/api/testing/pools/${b.id}/members`, { barcode: 'LAB-NOPE-1' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.fields[0].code).toBe('unknown_barcode');
      const single = (await ctx.db.query<{ barcode: string }>(`SELECT barcode FROM specimen WHERE kind = 'single' LIMIT 1`)).rows[0].barcode;
      expect((await yte.post(`/api/testing/pools/${b.id}/members`, { barcode: single })).json().error.fields[0].code).toBe('single_specimen');
      expect(await count(ctx, `SELECT count(*)::int AS n FROM pool_member WHERE pool_id = $1`, [b.id])).toBe(0);
      for (const s of specimens.slice(a.maxSize, a.maxSize + 4)) expect((await yte.post(`/api/testing/pools/${b.id}/members`, { barcode: s.barcode })).statusCode).toBe(200);
      // The schema holds the rules too: a second pool for a specimen, a pool past its maximum.
      await expect(ctx.db.query(`INSERT INTO pool_member (province_code, specimen_id, pool_id) VALUES ('20', $1, $2)`, [specimens[0].id, b.id])).rejects.toThrow();
      await expect(ctx.db.query(`UPDATE pool SET members = max_size + 1 WHERE id = $1`, [a.id])).rejects.toThrow();
      for (const p of pools) expect((await yte.post(`/api/testing/pools/${p.id}/seal`)).json().status).toBe('sealed');
      expect((await yte.post(`/api/testing/pools/${a.id}/members`, { barcode: specimens[14].barcode })).json().error.fields[0].code).toBe('pool_closed');
      const w = (await (await ctx.as('xetnghiem')).get(`/api/testing/labs/${labId}/worklist`)).json();
      expect(w.counts.pools).toBe(2);
      expect(w.counts.specimens).toBeGreaterThanOrEqual(1); // the driver's single specimen
    });

    let jobId: number;
    let reserved: string;
    it('imports results: bad rows reported row by row, good rows imported, positive pool followed up', async () => {
      const xn = await ctx.as('xetnghiem');
      reserved = (await (await ctx.as('yte')).post('/api/testing/barcodes', { kind: 'specimen', count: 2 })).json().barcodes[0];
      const driver = (await ctx.db.query<{ barcode: string }>(`SELECT barcode FROM specimen WHERE vehicle_plate = '29C12345'`)).rows[0].barcode;
      const csv = [
        'STT;Mã mẫu;Kết quả;Ct;Thời gian xét nghiệm',
        `1;${pools[0].barcode};Dương tính;27,4;`,
        `2;${pools[1].barcode};Âm tính;;`,
        `3;${driver};Âm tính;;`,
        `4;LAB-KHONG-CO;Âm tính;;`,
        `5;${reserved};Âm tính;;`,
        `6;${specimens[0].barcode};Âm tính;;`,
        `7;;Âm tính;;`,
        `8;${specimens[13].barcode};Dương tính;abc;`,
        `9;${specimens[13].barcode.slice(0, -1)}${(Number(specimens[13].barcode.at(-1)) + 1) % 10};Âm tính;;`,
        `10;${specimens[13].barcode};Có thể;;`,
      ].join('\n');
      const job = await importFile(xn, labId, 'ket-qua.csv', csv);
      expect(job.status, job.message).toBe('done');
      expect(job).toMatchObject({ totalRows: 10, processedRows: 10, insertedRows: 3, errorRows: 7 });
      const errors = (await xn.get(`/api/testing/imports/${job.id}/errors.csv`)).body;
      const lines = errors.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toMatch(/^Dòng,Cột,Mã lỗi,Lỗi,STT,Mã mẫu/);
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
        '5,Mã mẫu,unknown_barcode',
        '6,Mã mẫu,not_collected',
        '7,Mã mẫu,pooled_specimen',
        '8,Mã mẫu,barcode_required',
        '9,Ct,ct_invalid',
        '10,Mã mẫu,barcode_invalid',
        '11,Kết quả,unknown_result',
      ]);
      jobId = job.id;
      // The deconvolution list is there at once: every member of the positive pool.
      const fu = (await xn.get(`/api/testing/follow-ups?jobId=${jobId}`)).json().items;
      expect(fu.map((f: { specimenId: number }) => f.specimenId).sort()).toEqual(specimens.slice(0, pools[0].maxSize).map((s) => s.id).sort());
      expect(fu.every((f: { action: string; status: string }) => f.action === 'resample' && f.status === 'pending')).toBe(true);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND status = 'open'`)).toBe(pools[0].maxSize);
      // The negative pool clears its members.
      const neg = (await xn.get(`/api/testing/pools/${pools[1].id}`)).json();
      expect(neg).toMatchObject({ status: 'resulted', outcome: 'negative' });
      expect(neg.members.every((m: { outcome: string; outcomeSource: string }) => m.outcome === 'negative' && m.outcomeSource === 'pool')).toBe(true);
    });

    it('importing the same file again changes nothing', async () => {
      const xn = await ctx.as('xetnghiem');
      const results = await count(ctx, `SELECT count(*)::int AS n FROM test_result`);
      const followUps = await count(ctx, `SELECT count(*)::int AS n FROM follow_up`);
      const driver = (await ctx.db.query<{ barcode: string }>(`SELECT barcode FROM specimen WHERE vehicle_plate = '29C12345'`)).rows[0].barcode;
      const csv = `Mã mẫu,Kết quả,Ct\n${pools[0].barcode},Dương tính,"27,4"\n${pools[1].barcode},Âm tính,\n${driver},Âm tính,\n`;
      const job = await importFile(xn, labId, 'ket-qua.csv', csv);
      expect(job).toMatchObject({ status: 'done', insertedRows: 0, unchangedRows: 3, errorRows: 0 });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM test_result`)).toBe(results);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM follow_up`)).toBe(followUps);
    });

    it('holds a different result for the same sample as a conflict for review', async () => {
      const xn = await ctx.as('xetnghiem');
      const res = await xn.post('/api/testing/results', { labId, barcode: pools[1].barcode, outcome: 'positive', ct: 31 });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.fields[0].code).toBe('result_conflict');
      const conflictId = Number(res.json().error.fields[0].message);
      // The same differing result again is not held twice.
      expect(Number((await xn.post('/api/testing/results', { labId, barcode: pools[1].barcode, outcome: 'positive', ct: 31 })).json().error.fields[0].message)).toBe(conflictId);
      const open = (await xn.get('/api/testing/conflicts')).json().items;
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ id: conflictId, existing: { outcome: 'negative' }, proposed: { outcome: 'positive', ct: 31 } });
      // The recorded result stays until someone decides.
      expect((await xn.get(`/api/testing/pools/${pools[1].id}`)).json().outcome).toBe('negative');
      const kept = await xn.post(`/api/testing/conflicts/${conflictId}/resolve`, { decision: 'keep', note: 'Chạy lại máy: âm tính' });
      expect(kept.statusCode, kept.body).toBe(200);
      expect((await xn.get('/api/testing/conflicts')).json().items).toHaveLength(0);
      expect((await xn.post(`/api/testing/conflicts/${conflictId}/resolve`, { decision: 'keep', note: 'lần nữa' })).statusCode).toBe(409);
      // The same result as recorded is 200, nothing new.
      expect((await xn.post('/api/testing/results', { labId, barcode: pools[1].barcode, outcome: 'negative' })).statusCode).toBe(200);
      // A result for a label never used, an unknown code, a pooled specimen: refused.
      expect((await xn.post('/api/testing/results', { labId, barcode: reserved, outcome: 'negative' })).json().error.fields[0].code).toBe('not_collected');
      expect((await xn.post('/api/testing/results', { labId, barcode: 'LAB-NOPE-2', outcome: 'negative' })).json().error.fields[0].code).toBe('unknown_barcode');
      expect((await xn.post('/api/testing/results', { labId, barcode: specimens[1].barcode, outcome: 'negative' })).json().error.fields[0].code).toBe('pooled_specimen');
      expect((await xn.post('/api/testing/results', { labId, barcode: pools[1].barcode, outcome: 'positive', ct: 45 })).json().error.fields[0].code).toBe('ct_inconsistent');
    });

    it('follows the positive pool: each member re-sampled and tested alone; the positive one becomes a case for the commune', async () => {
      const yte = await ctx.as('yte');
      const xn = await ctx.as('xetnghiem');
      const members = specimens.slice(0, pools[0].maxSize);
      const ev = (await yte.post('/api/testing/events', { eventDate: today, siteName: 'Lấy mẫu lại', unitCode: commune, labId, defaultKind: 'single' })).json();
      const resamples: string[] = [];
      for (const m of members) {
        const r = await yte.post('/api/testing/specimens', { eventId: ev.id, personId: m.personId });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json().specimen).toMatchObject({ kind: 'single' });
        expect(r.json().specimen.followUpId).not.toBeNull();
        resamples.push(r.json().specimen.barcode);
      }
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND status = 'open'`)).toBe(0);
      expect((await yte.get(`/api/testing/follow-ups?poolId=${pools[0].id}`)).json().items.every((f: { status: string }) => f.status === 'collected')).toBe(true);
      const positivePerson = members[0].personId;
      const cases = await count(ctx, `SELECT count(*)::int AS n FROM case_record`);
      const hadCase = await count(ctx, `SELECT count(*)::int AS n FROM case_record WHERE person_id = $1 AND status = 'confirmed'`, [positivePerson]);
      const csv = ['Sample Name,Target Name,CT', `${resamples[0]},E,24.8`, `${resamples[0]},IC,27`, ...resamples.slice(1).flatMap((b) => [`${b},E,Undetermined`, `${b},IC,28.1`])].join('\n');
      const job = await importFile(xn, labId, 'retest.csv', csv);
      expect(job).toMatchObject({ status: 'done', errorRows: 0, insertedRows: resamples.length * 2 });
      const fu = (await xn.get(`/api/testing/follow-ups?poolId=${pools[0].id}&state=all`)).json().items;
      expect(fu.filter((f: { status: string }) => f.status === 'positive').map((f: { personId: number }) => f.personId)).toEqual([positivePerson]);
      expect(fu.filter((f: { status: string }) => f.status === 'negative')).toHaveLength(members.length - 1);
      const c = (await ctx.db.query<{ id: number; basis: string; reported_via: string; commune_code: string }>(`SELECT id, basis, reported_via, commune_code FROM case_record WHERE person_id = $1 AND status = 'confirmed'`, [positivePerson])).rows[0];
      expect(c).toMatchObject({ basis: 'pcr', reported_via: 'lab', commune_code: commune });
      expect(fu.find((f: { personId: number }) => f.personId === positivePerson).caseId).toBe(Number(c.id));
      if (!hadCase) {
        expect(await count(ctx, `SELECT count(*)::int AS n FROM case_record`)).toBe(cases + 1);
        // The commune's health worker gets the investigation task of the case area.
        expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'investigate_case' AND case_id = $1 AND role = 'health_worker'`, [c.id])).toBe(1);
      }
      // The commune's officer sees the case.
      expect((await (await ctx.as('xa')).get(`/api/cases/${c.id}`)).statusCode).toBe(200);
    });

    it('records rapid tests: a positive read by a health worker that does not meet the F0 definition gets a confirmation task; retries are idempotent', async () => {
      const yte = await ctx.as('yte');
      const person = (await ctx.db.query<{ id: number }>(
        `SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1
            AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.person_id = p.id) ORDER BY p.id LIMIT 1`,
        [commune],
      )).rows[0].id;
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5a3e1d20000000049454e44ae426082', 'hex');
      const body = { personId: Number(person), outcome: 'positive', readAt: new Date(Date.now() - 3_600_000).toISOString(), kit: 'Humasis', idempotencyKey: 'rapid-hw-000001', photo: { contentType: 'image/png', dataBase64: png.toString('base64') } };
      const r = await yte.post('/api/testing/rapid-tests', body);
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().test).toMatchObject({ outcome: 'positive', effect: 'confirmation_task', hasPhoto: true, source: 'health_worker' });
      const again = await yte.post('/api/testing/rapid-tests', body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ replayed: true, test: { id: r.json().test.id } });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'confirm_rapid_test' AND person_id = $1`, [person])).toBe(1);
      const photo = await yte.get(`/api/testing/rapid-tests/${r.json().test.id}/photo`);
      expect(photo.headers['content-type']).toBe('image/png');
      expect(photo.rawPayload.equals(png)).toBe(true);
      expect((await yte.post('/api/testing/rapid-tests', { ...body, idempotencyKey: 'rapid-hw-000002', photo: { contentType: 'image/png', dataBase64: Buffer.from('not an image').toString('base64') } })).json().error.fields[0].code).toBe('not_an_image');
      expect((await yte.post('/api/testing/rapid-tests', { ...body, idempotencyKey: 'rapid-hw-000003', readAt: '2099-01-01T00:00:00Z' })).json().error.fields[0].code).toBe('in_future');
      expect((await outsider.get(`/api/testing/rapid-tests/${r.json().test.id}`)).statusCode).toBe(404);
    });

    it('takes self-reports from citizens without an account, after a light identity check', async () => {
      const anon = ctx.anonymous();
      const p = (await ctx.db.query<{ id: number; cccd: string; birth_date: string }>(
        `SELECT id, cccd, birth_date::text FROM person WHERE province_code = '20' AND commune_code = $1 AND cccd IS NOT NULL AND birth_date IS NOT NULL ORDER BY id DESC LIMIT 1`,
        [commune],
      )).rows[0];
      const body = { provinceCode: '20', cccd: p.cccd, birthDate: p.birth_date, outcome: 'positive', readAt: new Date(Date.now() - 600_000).toISOString(), idempotencyKey: 'self-report-0001' };
      const wrong = await anon.post('/api/testing/self-reports', { ...body, birthDate: '1900-01-01' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.fields[0].code).toBe('identity_not_matched');
      const ok = await anon.post('/api/testing/self-reports', body);
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ outcome: 'positive', next: 'confirmation', replayed: false });
      expect(Object.keys(ok.json()).sort()).toEqual(['id', 'next', 'outcome', 'readAt', 'replayed']); // nothing about the record leaks back
      expect((await anon.post('/api/testing/self-reports', body)).json()).toMatchObject({ id: ok.json().id, replayed: true });
      expect((await anon.post('/api/testing/self-reports', { ...body, cccd: '001099000001' })).statusCode).toBe(409); // the key names another report
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'confirm_rapid_test' AND person_id = $1`, [p.id])).toBe(1);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM rapid_test WHERE idempotency_key = 'self-report-0001'`)).toBe(1);
    });

    it('answers checkpoints by CCCD or plate while a result is valid (72 h)', async () => {
      const chot = await ctx.as('chot');
      const byPlate = (await chot.get('/api/testing/valid-results?plate=29C-123.45')).json();
      expect(byPlate).toMatchObject({ status: 'valid_negative', hours: 72 });
      expect(Date.parse(byPlate.validUntil) - Date.parse(byPlate.result.resultAt)).toBe(72 * 3_600_000);
      expect((await chot.get('/api/testing/valid-results?cccd=038090001234')).json().status).toBe('valid_negative');
      const positive = specimens[0].personId;
      const cccd = (await ctx.db.query<{ cccd: string | null }>(`SELECT cccd FROM person WHERE id = $1`, [positive])).rows[0].cccd;
      if (cccd) expect((await chot.get(`/api/testing/valid-results?cccd=${cccd}`)).json().status).toBe('positive');
      expect((await chot.get('/api/testing/valid-results?cccd=001099999999')).json().status).toBe('none');
      expect((await chot.get('/api/testing/valid-results?cccd=12')).statusCode).toBe(400);
      expect((await chot.get('/api/testing/valid-results')).statusCode).toBe(400);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'valid_results' AND username = 'chot'`)).toBeGreaterThanOrEqual(3);
    });

    it('shows capacity, positivity by unit and stratum, turnaround and overdue samples', async () => {
      const huyen = await ctx.as('huyen');
      const d = (await huyen.get(`/api/testing/dashboard?from=${today}&to=${today}`)).json();
      const specimensToday = await count(ctx, `SELECT count(*)::int AS n FROM specimen WHERE collected_on = $1 AND status <> 'rejected' AND unit_path LIKE (SELECT path FROM admin_unit WHERE code = $2) || '%'`, [today, district]);
      expect(d.totals.specimens).toBe(specimensToday);
      expect(d.totals.positive).toBe(await count(ctx, `SELECT count(*)::int AS n FROM specimen WHERE outcome = 'positive' AND collected_on = $1`, [today]));
      expect(d.byUnit.find((u: { unitCode: string }) => u.unitCode === commune).specimens).toBeGreaterThan(0);
      expect(d.capacity.targets).toMatchObject({ singlePerDay: 8000, pooledPerDay: 80000 });
      const labRow = d.capacity.labs.find((l: { id: number }) => l.id === labId);
      expect(labRow.poolTests).toBe(2);
      expect(labRow.pooledSpecimens).toBe(pools[0].maxSize + 4);
      expect(d.turnaround.resulted).toBe(d.totals.resulted);
      expect(d.overdue.count).toBe(0);
      const strata = (await huyen.get(`/api/testing/dashboard/strata?planId=${planId}`)).json().items;
      expect(strata).toHaveLength(4);
      expect(strata[0].collected).toBeGreaterThan(0);
      // An old specimen without a result is overdue.
      await ctx.db.query(`UPDATE specimen SET collected_at = now() - interval '30 hours' WHERE id = $1`, [specimens[14].id]);
      expect((await huyen.get(`/api/testing/dashboard?from=${today}&to=${today}`)).json().overdue.count).toBe(1);
      expect((await huyen.get('/api/testing/dashboard?from=2021-01-01&to=2021-12-31')).statusCode).toBe(400);
      expect((await outsider.get(`/api/testing/dashboard?unit=${commune}`)).statusCode).toBe(404);
    });

    it('pools of 5 where the policy lists the area as higher-risk', async () => {
      const admin = await ctx.as('admin');
      const add = await admin.post('/api/policies/testing.high_risk_areas/versions', { effectiveFrom: today, value: { activeZoneKinds: ['lockdown', 'zoned'], unitCodes: [otherCommune] }, source: 'Thử nghiệm: xã lân cận nguy cơ cao' });
      expect(add.statusCode, add.body).toBe(201);
      const xn = await ctx.as('xetnghiem');
      const pool = await xn.post('/api/testing/pools', { labId, method: 'lab', unitCode: otherCommune });
      expect(pool.json()).toMatchObject({ maxSize: 5, areaRisk: 'high', riskReason: 'listed' });
      expect((await xn.get(`/api/testing/pool-advisor?prevalence=0.01&unit=${otherCommune}`)).json().withinPolicy).toMatchObject({ k: 5, maxPoolSize: 5 });
    });

    it('pools made in the lab: a positive pool puts each member\'s own tube back on the worklist for a re-test', async () => {
      const yte = await ctx.as('yte');
      const xn = await ctx.as('xetnghiem');
      const ev = (await yte.post('/api/testing/events', { eventDate: today, siteName: 'Chợ đầu mối', unitCode: commune, labId, defaultKind: 'pool_member' })).json();
      const people = (await ctx.db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '20' AND commune_code = $1 ORDER BY id DESC LIMIT 3`, [commune])).rows.map((r) => Number(r.id));
      const tubes: string[] = [];
      for (const personId of people) tubes.push((await yte.post('/api/testing/specimens', { eventId: ev.id, personId })).json().specimen.barcode);
      const pool = (await xn.post('/api/testing/pools', { labId, method: 'lab', unitCode: commune })).json();
      for (const b of tubes) expect((await xn.post(`/api/testing/pools/${pool.id}/members`, { barcode: b })).statusCode).toBe(200);
      // A result straight on the pool (not sealed yet) seals it.
      const r = await xn.post('/api/testing/results', { labId, barcode: pool.barcode, ct: 30.5 });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ status: 'inserted', outcome: 'positive', effects: { followUps: 3 } });
      const w = (await xn.get(`/api/testing/labs/${labId}/worklist`)).json();
      expect(w.items.filter((i: { type: string }) => i.type === 'retest').map((i: { barcode: string }) => i.barcode).sort()).toEqual([...tubes].sort());
      // No re-sampling task: the lab re-tests the kept tubes.
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND detail->>'poolId' = $1`, [String(pool.id)])).toBe(0);
      // An invalid re-test leaves it on the worklist; the next run replaces it.
      expect((await xn.post('/api/testing/results', { labId, barcode: tubes[0], outcome: 'invalid' })).json().effects.followUpState).toBe('pending');
      expect((await xn.post('/api/testing/results', { labId, barcode: tubes[0], outcome: 'negative' })).json()).toMatchObject({ status: 'replaced', effects: { followUpState: 'negative' } });
      for (const b of tubes.slice(1)) expect((await xn.post('/api/testing/results', { labId, barcode: b, outcome: 'negative' })).statusCode).toBe(201);
      expect((await xn.get(`/api/testing/follow-ups?poolId=${pool.id}&state=all`)).json().items.map((f: { status: string }) => f.status)).toEqual(['negative', 'negative', 'negative']);
      expect((await xn.get(`/api/testing/labs/${labId}/worklist`)).json().items.filter((i: { type: string }) => i.type === 'retest')).toHaveLength(0);
    });

    it('a conflict decided for the new result applies it: a negative pool found positive opens the follow-ups', async () => {
      const yte = await ctx.as('yte');
      const xn = await ctx.as('xetnghiem');
      const ev = (await yte.post('/api/testing/events', { eventDate: today, siteName: 'Khu công nghiệp', unitCode: commune, labId })).json();
      const people = (await ctx.db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '20' AND commune_code = $1 ORDER BY id DESC OFFSET 3 LIMIT 2`, [commune])).rows.map((r) => Number(r.id));
      const pool = (await yte.post('/api/testing/pools', { labId, method: 'collection', eventId: ev.id })).json();
      for (const personId of people) {
        const b = (await yte.post('/api/testing/specimens', { eventId: ev.id, personId })).json().specimen.barcode;
        await yte.post(`/api/testing/pools/${pool.id}/members`, { barcode: b });
      }
      await yte.post(`/api/testing/pools/${pool.id}/seal`);
      expect((await xn.post('/api/testing/results', { labId, barcode: pool.barcode, outcome: 'negative' })).statusCode).toBe(201);
      const held = await xn.post('/api/testing/results', { labId, barcode: pool.barcode, outcome: 'positive', ct: 33 });
      const conflictId = Number(held.json().error.fields[0].message);
      const done = await xn.post(`/api/testing/conflicts/${conflictId}/resolve`, { decision: 'replace', note: 'Máy thứ hai xác nhận dương tính' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'replaced', effects: { followUps: 2 } });
      const p = (await xn.get(`/api/testing/pools/${pool.id}`)).json();
      expect(p).toMatchObject({ outcome: 'positive', followUps: { pending: 2 } });
      expect(p.members.every((m: { outcome: string | null; status: string }) => m.outcome === null && m.status === 'follow_up')).toBe(true);
      expect(p.results.filter((r: { current: boolean }) => r.current)).toHaveLength(1);
      // A follow-up that cannot be completed is closed with the reason, and its task with it.
      const f = (await yte.get(`/api/testing/follow-ups?poolId=${pool.id}`)).json().items[0];
      expect((await yte.post(`/api/testing/follow-ups/${f.id}/close`, { note: 'Đã chuyển đi tỉnh khác' })).json().status).toBe('closed');
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND status = 'open' AND detail->>'followUpId' = $1`, [String(f.id)])).toBe(0);
      expect((await yte.post(`/api/testing/follow-ups/${f.id}/close`, { note: 'lần nữa' })).statusCode).toBe(409);
    });

    it('a positive pool result replaced by a negative closes its follow-ups and cancels their re-sample tasks', async () => {
      const yte = await ctx.as('yte');
      const xn = await ctx.as('xetnghiem');
      const ev = (await yte.post('/api/testing/events', { eventDate: today, siteName: 'Chợ đêm', unitCode: commune, labId })).json();
      const people = (await ctx.db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '20' AND commune_code = $1 ORDER BY id DESC OFFSET 5 LIMIT 2`, [commune])).rows.map((r) => Number(r.id));
      const pool = (await yte.post('/api/testing/pools', { labId, method: 'collection', eventId: ev.id })).json();
      for (const personId of people) {
        const b = (await yte.post('/api/testing/specimens', { eventId: ev.id, personId })).json().specimen.barcode;
        await yte.post(`/api/testing/pools/${pool.id}/members`, { barcode: b });
      }
      await yte.post(`/api/testing/pools/${pool.id}/seal`);
      expect((await xn.post('/api/testing/results', { labId, barcode: pool.barcode, outcome: 'positive', ct: 31 })).statusCode).toBe(201);
      const openTasks = `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND status = 'open' AND (detail->>'poolId')::bigint = $1`;
      expect(await count(ctx, openTasks, [pool.id])).toBe(2);
      const held = await xn.post('/api/testing/results', { labId, barcode: pool.barcode, outcome: 'negative' });
      expect(held.statusCode).toBe(409);
      const conflictId = Number(held.json().error.fields[0].message);
      expect((await xn.post(`/api/testing/conflicts/${conflictId}/resolve`, { decision: 'replace', note: 'Chạy lại: âm tính' })).statusCode).toBe(200);
      expect((await xn.get(`/api/testing/pools/${pool.id}`)).json()).toMatchObject({ outcome: 'negative', followUps: { closed: 2 } });
      expect(await count(ctx, openTasks, [pool.id])).toBe(0);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM task WHERE kind = 'resample_pool_member' AND status = 'cancelled' AND (detail->>'poolId')::bigint = $1`, [pool.id])).toBe(2);
    });

    it('imports an Excel export; a file without the needed columns is refused before any job', async () => {
      const xn = await ctx.as('xetnghiem');
      const yte = await ctx.as('yte');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      const ev = (await yte.post('/api/testing/events', { eventDate: todayInVietnam(twoHoursAgo), siteName: 'Chốt', unitCode: commune, labId, defaultKind: 'single' })).json();
      const b = (await yte.post('/api/testing/specimens', { eventId: ev.id, person: { fullName: 'Lê Văn Lái', cccd: '038091004321' }, vehiclePlate: '36C-555.66', collectedAt: twoHoursAgo.toISOString() })).json().specimen.barcode;
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Kết quả');
      ws.addRow(['KẾT QUẢ XÉT NGHIỆM RT-PCR']);
      ws.addRow(['Mã mẫu', 'Kết quả', 'Ct', 'Thời gian xét nghiệm']);
      ws.addRow([b, 'Âm tính', null, new Date(Date.now() - 3_600_000)]);
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      const m = multipart('ket-qua.xlsx', buf, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const res = await xn.request({ method: 'POST', url: `/api/testing/results/import?labId=${labId}`, payload: m.payload, headers: m.headers });
      expect(res.statusCode, res.body).toBe(202);
      let job;
      for (let i = 0; i < 200 && (job = (await xn.get(`/api/testing/imports/${res.json().jobId}`)).json()).status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 0 });
      expect((await (await ctx.as('chot')).get('/api/testing/valid-results?plate=36C55566')).json().status).toBe('valid_negative');
      const jobs = await count(ctx, `SELECT count(*)::int AS n FROM import_job`);
      const bad = multipart('sai.csv', 'Họ tên,Kết quả\nA,Âm tính\n');
      const refused = await xn.request({ method: 'POST', url: `/api/testing/results/import?labId=${labId}`, payload: bad.payload, headers: bad.headers });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.fields[0]).toMatchObject({ field: 'barcode', code: 'missing_column' });
      const empty = multipart('rong.csv', '');
      expect((await xn.request({ method: 'POST', url: `/api/testing/results/import?labId=${labId}`, payload: empty.payload, headers: empty.headers })).statusCode).toBe(400);
      expect((await xn.request({ method: 'POST', url: `/api/testing/results/import?labId=999999`, payload: bad.payload, headers: bad.headers })).statusCode).toBe(400);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM import_job`)).toBe(jobs);
      // A health worker may not enter results.
      expect((await yte.post('/api/testing/results', { labId, barcode: b, outcome: 'positive' })).statusCode).toBe(403);
    });

    it('a positive driver not in the registry is added to it in the commune where sampled, and becomes a case; one with a known CCCD is the registry person', async () => {
      const xn = await ctx.as('xetnghiem');
      const yte = await ctx.as('yte');
      const hourAgo = new Date(Date.now() - 3_600_000);
      const ev = (await yte.post('/api/testing/events', { eventDate: todayInVietnam(hourAgo), siteName: 'Chốt cửa ngõ', unitCode: commune, labId, defaultKind: 'single' })).json();
      const driver = (await yte.post('/api/testing/specimens', { eventId: ev.id, person: { fullName: 'Hoàng Văn Xế', cccd: '001090007777' }, vehiclePlate: '29H-777.01', collectedAt: hourAgo.toISOString() })).json().specimen;
      expect(driver.personId).toBeNull();
      const people = await count(ctx, `SELECT count(*)::int AS n FROM person`);
      const r = await xn.post('/api/testing/results', { labId, barcode: driver.barcode, outcome: 'positive', ct: 24 });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().effects).toMatchObject({ caseAction: 'created', personRegistered: 'added' });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM person`)).toBe(people + 1);
      const added = (await ctx.db.query<{ id: number; commune_code: string; full_name: string }>(`SELECT id, commune_code, full_name FROM person WHERE cccd = '001090007777'`)).rows[0];
      expect(added).toMatchObject({ commune_code: commune, full_name: 'Hoàng Văn Xế' });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM case_record WHERE person_id = $1 AND id = $2`, [added.id, r.json().effects.caseId])).toBe(1);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM specimen WHERE barcode = $1 AND person_id = $2`, [driver.barcode, added.id])).toBe(1);
      // Tested again later: the CCCD now links the specimen to that registry person at collection; the case is noted.
      const again = (await yte.post('/api/testing/specimens', { eventId: ev.id, person: { fullName: 'Hoàng Văn Xế', cccd: '001090007777' }, vehiclePlate: '29H-777.01', collectedAt: hourAgo.toISOString() })).json().specimen;
      expect(Number(again.personId)).toBe(Number(added.id));
      expect((await xn.post('/api/testing/results', { labId, barcode: again.barcode, outcome: 'positive', ct: 26 })).json().effects).toMatchObject({ caseAction: 'noted', caseId: r.json().effects.caseId });
      // Registered in the registry between the swab and the result: found by the CCCD, not added twice.
      const other = (await yte.post('/api/testing/specimens', { eventId: ev.id, person: { fullName: 'Đinh Thị Phụ', cccd: '001190008888' }, vehiclePlate: '29H-777.02', collectedAt: hourAgo.toISOString() })).json().specimen;
      expect(other.personId).toBeNull();
      const [home] = (await ctx.db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = '20' AND code = $1`, [commune])).rows;
      const known = (await ctx.db.query<{ id: number }>(
        `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, commune_code, unit_path) VALUES ('20', 'cccd:001190008888', '001190008888', 'Đinh Thị Phụ', 'dinh thi phu', $1, $2) RETURNING id`,
        [home.code, home.path],
      )).rows[0];
      const before = await count(ctx, `SELECT count(*)::int AS n FROM person`);
      const r3 = await xn.post('/api/testing/results', { labId, barcode: other.barcode, outcome: 'positive', ct: 28 });
      expect(r3.json().effects).toMatchObject({ caseAction: 'created', personRegistered: 'found' });
      expect(await count(ctx, `SELECT count(*)::int AS n FROM person`)).toBe(before);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM case_record WHERE person_id = $1`, [known.id])).toBe(1);
    });

    it('adds the testing policies to a database made before them, leaving versions an administrator set', async () => {
      await ctx.db.query(`DELETE FROM policy_version WHERE province_code = '20' AND key IN ('testing.follow_up_due_hours', 'testing.rapid_confirmation')`);
      const before = await count(ctx, `SELECT count(*)::int AS n FROM policy_version WHERE key = 'testing.high_risk_areas'`);
      await ctx.db.tx((q) => seedMissingTestingPolicies(q));
      expect(await count(ctx, `SELECT count(*)::int AS n FROM policy_version WHERE key = 'testing.follow_up_due_hours'`)).toBe(1);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM policy_version WHERE key = 'testing.rapid_confirmation'`)).toBe(2);
      expect(await count(ctx, `SELECT count(*)::int AS n FROM policy_version WHERE key = 'testing.high_risk_areas'`)).toBe(before);
    });
  });
}
