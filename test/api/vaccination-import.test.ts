// Dose import from the national platform's export over HTTP on every database: people found by
// CCCD, by registry key and by name + birth date + commune; bad rows reported row by row (unknown
// person, unknown lot, malformed dates, the dose rules), good rows imported, re-import idempotent,
// jurisdiction, wrong columns and oversized files refused before any job, Excel in and out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { MAX_UPLOAD_BYTES } from '../../src/server/app.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/server/db/index.ts';
import { checkDoseFile, createDoseJob, runDoseImport } from '../../src/server/modules/vaccination/doseImport.ts';

const HEADER = 'Mã mũi tiêm,Số CCCD,Mã người trong sổ dân,Họ và tên,Ngày sinh,Mã xã,Tên vắc xin,Số lô,Mũi tiêm,Ngày tiêm,Cơ sở tiêm chủng,Người tiêm,Lý do tiêm sớm';

function multipart(filename: string, content: Buffer | string, type = 'text/csv') {
  const boundary = '----chongdich' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const upload = (c: Client, filename: string, content: Buffer | string, type?: string) => {
  const m = multipart(filename, content, type);
  return c.request({ method: 'POST', url: '/api/vaccination/imports', payload: m.payload, headers: m.headers });
};

interface Job {
  id: number;
  kind: string;
  status: string;
  totalRows: number;
  processedRows: number;
  insertedRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
  message: string | null;
}

async function waitForJob(c: Client, id: number): Promise<Job> {
  for (let i = 0; i < 1200; i++) {
    const res = await c.get(`/api/vaccination/imports/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json() as Job;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} still running`);
}

async function importFile(c: Client, filename: string, content: Buffer | string, type?: string): Promise<Job> {
  const res = await upload(c, filename, content, type);
  expect(res.statusCode, res.body).toBe(202);
  return waitForJob(c, res.json().jobId);
}

async function errorRows(c: Client, id: number): Promise<Map<number, { codes: string; message: string; cells: string[] }>> {
  const res = await c.get(`/api/vaccination/imports/${id}/errors.csv`);
  expect(res.statusCode).toBe(200);
  const rows = parseCsv(res.body, { bom: true, relax_column_count: true }) as string[][];
  expect(rows[0].slice(0, 4)).toEqual(['Dòng', 'Cột', 'Mã lỗi', 'Lỗi']);
  return new Map(rows.slice(1).map((r) => [Number(r[0]), { codes: r[2], message: r[3], cells: r.slice(4) }]));
}

interface P {
  id: number;
  cccd: string | null;
  natural_key: string;
  full_name: string;
  birth_date: string;
  commune_code: string;
  unit_path: string;
}

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

for (const kind of DB_KINDS) {
  describe(`vaccination import (${kind})`, () => {
    let ctx: TestContext;
    let admin: Client;
    let a: P; // found by CCCD
    let b: P; // registered without a CCCD: found by name + birth date + commune
    let c: P; // found by the registry key
    let d: P; // bad rows
    let out: P; // outside the district officer's district
    let inDistrict: P; // inside it
    let goodCsv: string;

    const count = async (sql: string, params: unknown[] = []) => Number((await ctx.db.query<{ n: number }>(sql, params)).rows[0].n);
    const dosesOf = (p: P) =>
      ctx.db.query<{ dose_kind: string; product_code: string; given_on: string; external_id: string | null; source: string; flagged: boolean; lot_number: string; site_name: string | null; vaccinator: string | null; import_job_id: number | null }>(
        `SELECT d.dose_kind, d.product_code, d.given_on, d.external_id, d.source, d.flagged, l.lot_number, d.site_name, d.vaccinator, d.import_job_id
           FROM vaccine_dose d JOIN vaccine_lot l ON l.province_code = d.province_code AND l.id = d.lot_id WHERE d.province_code = '20' AND d.person_id = $1 ORDER BY d.given_on`,
        [p.id],
      ).then((r) => r.rows);
    const row = (ext: string, p: P, product: string, lot: string, dose: string, date: string, extra: { key?: boolean; name?: boolean; reason?: string } = {}) =>
      [ext, extra.key || extra.name ? '' : p.cccd, extra.key ? p.natural_key : '', p.full_name, dmy(p.birth_date), p.commune_code, product, lot, dose, date, 'Trạm Y tế xã', 'Lê Thị Hoa', extra.reason ?? '']
        .map((x) => (x && /[,"]/.test(x) ? `"${x}"` : (x ?? '')))
        .join(',');

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      admin = await ctx.as('admin');
      const district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      const districtPath = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [district])).rows[0].path;
      // Adults (born 1950–1995) with a CCCD and no dose yet.
      const people = (
        await ctx.db.query<P>(
          `SELECT id, cccd, natural_key, full_name, birth_date, commune_code, unit_path FROM person p
            WHERE province_code = '20' AND cccd IS NOT NULL AND birth_date BETWEEN '1950-01-01' AND '1995-12-31'
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
            ORDER BY id`,
        )
      ).rows;
      const inside = people.filter((p) => p.unit_path.startsWith(districtPath));
      [a, b, c, d, inDistrict] = inside;
      out = people.find((p) => !p.unit_path.startsWith(districtPath))!;
      expect(inDistrict && out).toBeTruthy();
      // b has no CCCD in the registry; nobody else shares the name, birth date and commune.
      await ctx.db.query(`UPDATE person SET cccd = NULL WHERE province_code = '20' AND id = $1`, [b.id]);
      b = { ...b, cccd: '079199000001' }; // the platform knows a CCCD the registry lacks
      await ctx.db.query(
        `INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received, received_on) VALUES
           ('20', 'astrazeneca', 'NJ0123', 1000, '2021-07-01'), ('20', 'astrazeneca', 'NJ0456', 1000, '2021-09-01'), ('20', 'pfizer', 'FK7890', 1000, '2021-12-01')`,
      );
      goodCsv = [
        HEADER,
        row('VN-1', a, 'AstraZeneca', 'NJ0123', '1', '20/08/2021'),
        row('VN-2', a, 'AstraZeneca', 'NJ0456', 'Mũi 2', '20/10/2021'),
        row('VN-3', a, 'Pfizer', 'FK7890', 'Mũi nhắc lại 1', '25/01/2022'),
        // b's second dose comes before the first in the file: the rows are checked in date order.
        row('VN-5', b, 'Comirnaty', 'FK7890', '2', '05/09/2021'),
        row('VN-4', b, 'Pfizer', 'FK7890', '1', '15/08/2021'),
        row('VN-6', c, 'AstraZeneca', 'nj0123', '1', '01/09/2021', { key: true }),
      ].join('\r\n');
    }, 240_000);
    afterAll(async () => ctx?.close());

    it('imports the good rows, finding people by CCCD, registry key, or name + birth date + commune', async () => {
      const job = await importFile(admin, 'nen-tang.csv', goodCsv);
      expect(job, job.message ?? '').toMatchObject({ kind: 'vaccine_doses', status: 'done', totalRows: 6, processedRows: 6, insertedRows: 6, updatedRows: 0, unchangedRows: 0, errorRows: 0 });
      expect(await dosesOf(a)).toEqual([
        { dose_kind: 'primary_1', product_code: 'astrazeneca', given_on: '2021-08-20', external_id: 'VN-1', source: 'import', flagged: false, lot_number: 'NJ0123', site_name: 'Trạm Y tế xã', vaccinator: 'Lê Thị Hoa', import_job_id: job.id },
        { dose_kind: 'primary_2', product_code: 'astrazeneca', given_on: '2021-10-20', external_id: 'VN-2', source: 'import', flagged: false, lot_number: 'NJ0456', site_name: 'Trạm Y tế xã', vaccinator: 'Lê Thị Hoa', import_job_id: job.id },
        { dose_kind: 'booster_1', product_code: 'pfizer', given_on: '2022-01-25', external_id: 'VN-3', source: 'import', flagged: false, lot_number: 'FK7890', site_name: 'Trạm Y tế xã', vaccinator: 'Lê Thị Hoa', import_job_id: job.id },
      ]);
      expect((await dosesOf(b)).map((x) => [x.dose_kind, x.given_on, x.external_id])).toEqual([
        ['primary_1', '2021-08-15', 'VN-4'],
        ['primary_2', '2021-09-05', 'VN-5'],
      ]);
      // The lot number is matched ignoring case; the dose's residence is the person's.
      expect((await dosesOf(c)).map((x) => [x.dose_kind, x.lot_number])).toEqual([['primary_1', 'NJ0123']]);
      expect(await count(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20' AND person_id = $1 AND unit_path = $2 AND commune_code = $3`, [a.id, a.unit_path, a.commune_code])).toBe(3);
      // The registry's record of b is not given the platform's CCCD.
      expect(await count(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND id = $1 AND cccd IS NULL`, [b.id])).toBe(1);
      // Coverage facts of the touched communes were refreshed.
      expect(await count(`SELECT count(*)::int AS n FROM vaccination_coverage_daily WHERE province_code = '20' AND commune_code = $1 AND at_least_one > 0`, [a.commune_code])).toBeGreaterThan(0);
      const auditRow = (await ctx.db.query<{ username: string; details: Record<string, unknown> }>(
        `SELECT username, details FROM audit_log WHERE province_code = '20' AND action = 'import' AND entity = 'vaccine_dose' AND entity_id = $1`,
        [String(job.id)],
      )).rows[0];
      expect(auditRow).toMatchObject({ username: 'admin', details: { via: 'web', insertedRows: 6 } });
      const list = await admin.get('/api/vaccination/imports');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((j: Job) => j.id)).toContain(job.id);
    });

    it('changes nothing when the same file is imported again; a corrected record is updated', async () => {
      const before = await count(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20'`);
      const again = await importFile(admin, 'nen-tang.csv', goodCsv);
      expect(again).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 6, errorRows: 0 });
      expect(await count(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20'`)).toBe(before);
      // The platform corrected the lot of VN-2.
      const corrected = await importFile(admin, 'nen-tang-2.csv', goodCsv.replace(',NJ0456,', ',NJ0123,'));
      expect(corrected).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 1, unchangedRows: 5, errorRows: 0 });
      expect((await dosesOf(a))[1]).toMatchObject({ external_id: 'VN-2', lot_number: 'NJ0123' });
      expect(await count(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '20'`)).toBe(before);
    });

    it('reports every bad row with its row number and problem, and imports the good ones', async () => {
      const future = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      const ghost: P = { ...d, cccd: '096090999999', full_name: 'Không Có Thật' };
      const lines = [
        HEADER, // 1
        row('BAD-1', ghost, 'AstraZeneca', 'NJ0123', '1', '01/08/2021'), // 2 unknown person
        row('BAD-2', d, 'AstraZeneca', 'XX9999', '1', '01/08/2021'), // 3 unknown lot
        row('BAD-3', d, 'AstraZeneca', 'NJ0123', '1', '32/13/2021'), // 4 malformed date
        row('BAD-4', d, 'AstraZeneca', 'NJ0123', '1', dmy(future)), // 5 in the future
        row('BAD-5', d, 'AstraZeneca', 'NJ0123', '1', '01/01/1940'), // 6 before birth
        row('OK-1', d, 'AstraZeneca', 'NJ0123', '1', '01/08/2021'), // 7 good
        row('BAD-6', d, 'AstraZeneca', 'NJ0456', '2', '21/08/2021'), // 8 interval too short (AZ: 8 weeks)
        row('BAD-7', d, 'Sputnik Light', 'NJ0123', '2', '01/10/2021'), // 9 unknown product
        row('OK-1', d, 'AstraZeneca', 'NJ0456', '2', '01/11/2021'), // 10 record id given twice
        row('BAD-8', d, 'AstraZeneca', 'NJ0456', 'mũi thứ mười', '01/11/2021'), // 11 dose unreadable
        row('BAD-9', inDistrict, 'AstraZeneca', 'NJ0456', '2', '01/11/2021'), // 12 second dose without a first
        row('BAD-10', d, 'Pfizer', 'FK7890', '1', '01/12/2021'), // 13 primary 1 again (duplicate kind)
        '', // 14 blank: skipped
        row('OK-2', inDistrict, 'Pfizer', 'FK7890', '1', '01/12/2021'), // 15 good
      ];
      const job = await importFile(admin, 'loi.csv', lines.join('\n'));
      expect(job).toMatchObject({ status: 'done', totalRows: 13, processedRows: 13, insertedRows: 2, errorRows: 11 });
      const errs = await errorRows(admin, job.id);
      expect([...errs.keys()].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]);
      expect(errs.get(2)!.codes).toBe('person.unknown');
      expect(errs.get(2)!.message).toContain('Không tìm thấy người này');
      expect(errs.get(3)!.codes).toBe('lot.unknown');
      expect(errs.get(4)!.codes).toBe('given_on.format');
      expect(errs.get(5)!.codes).toBe('in_future');
      expect(errs.get(6)!.codes).toContain('before_birth');
      expect(errs.get(8)!.codes).toBe('interval_too_short');
      expect(errs.get(8)!.message).toContain('26/09/2021'); // the earliest date allowed
      expect(errs.get(9)!.codes).toBe('product.unknown');
      expect(errs.get(10)!.codes).toBe('external_id.duplicate_in_file');
      expect(errs.get(11)!.codes).toBe('dose.invalid');
      expect(errs.get(12)!.codes).toBe('missing_previous');
      expect(errs.get(13)!.codes).toContain('duplicate_kind');
      // The row is there as it was, to be fixed and imported again.
      expect(errs.get(3)!.cells.slice(0, 2)).toEqual(['BAD-2', d.cccd]);
      expect(errs.get(2)!.cells[3]).toBe('Không Có Thật');
      expect((await dosesOf(d)).map((x) => [x.dose_kind, x.external_id])).toEqual([['primary_1', 'OK-1']]);
      expect((await dosesOf(inDistrict)).map((x) => [x.dose_kind, x.external_id])).toEqual([['primary_1', 'OK-2']]);
      // The Excel error file has the same rows.
      const xlsx = await admin.get(`/api/vaccination/imports/${job.id}/errors.csv?format=xlsx`);
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets[0].rowCount).toBe(12);
      expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE province_code = '20' AND action = 'export' AND entity = 'import_job' AND entity_id = $1`, [String(job.id)])).toBe(2);
    });

    it('accepts an early dose with a reason and flags it', async () => {
      const job = await importFile(admin, 'som.csv', [HEADER, row('OK-3', d, 'AstraZeneca', 'NJ0456', '2', '10/09/2021', { reason: 'Đi công tác nước ngoài' })].join('\n'));
      expect(job).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 0 });
      expect((await dosesOf(d))[1]).toMatchObject({ dose_kind: 'primary_2', flagged: true });
      expect(job.message).toContain('đánh dấu');
    });

    it('reads the numbers of a mixed course in the series of the first product', async () => {
      await ctx.db.query(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received, received_on) VALUES ('20', 'janssen', 'JJ0001', 100, '2021-08-01') ON CONFLICT DO NOTHING`);
      const [m, n] = await ctx.db
        .query<P>(
          `SELECT id, cccd, natural_key, full_name, birth_date, commune_code, unit_path FROM person p
            WHERE province_code = '20' AND cccd IS NOT NULL AND birth_date BETWEEN '1950-01-01' AND '1995-12-31' AND id <> ALL($1::bigint[])
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
            ORDER BY id LIMIT 2`,
          [[a, b, c, d, out, inDistrict].map((x) => x.id)],
        )
        .then((r) => r.rows);
      // Janssen is one dose: Pfizer's "dose 2" after it is the first booster (Pfizer's own series would make it primary 2).
      const first = await importFile(admin, 'mix.csv', [HEADER, row('MX-2', m, 'Pfizer', 'FK7890', '2', '20/01/2022'), row('MX-1', m, 'Janssen', 'JJ0001', '1', '10/09/2021'), row('MX-3', n, 'AstraZeneca', 'NJ0123', '1', '01/08/2021')].join('\n'));
      expect(first).toMatchObject({ status: 'done', insertedRows: 3, errorRows: 0 });
      expect((await dosesOf(m)).map((x) => [x.product_code, x.dose_kind])).toEqual([['janssen', 'primary_1'], ['pfizer', 'booster_1']]);
      // Dose 1 already recorded (AstraZeneca): Pfizer "2" completes the series, "3" is the booster; "5" has no place in it.
      const later = await importFile(admin, 'mix2.csv', [HEADER, row('MX-4', n, 'Pfizer', 'FK7890', '2', '20/10/2021'), row('MX-5', n, 'Pfizer', 'FK7890', '3', '25/01/2022'), row('MX-6', n, 'Pfizer', 'FK7890', '4', '30/01/2022')].join('\n'));
      expect((await dosesOf(n)).map((x) => [x.product_code, x.dose_kind])).toEqual([['astrazeneca', 'primary_1'], ['pfizer', 'primary_2'], ['pfizer', 'booster_1']]);
      expect(later).toMatchObject({ status: 'done', insertedRows: 2, errorRows: 1 });
      expect((await errorRows(admin, later.id)).get(4)?.codes).toBeTruthy();
    });

    it('gives an imported dose the unit its site is named after, so it counts against that unit’s allocations', async () => {
      const [p] = await ctx.db
        .query<P & { commune_name: string }>(
          `SELECT p.id, p.cccd, p.natural_key, p.full_name, p.birth_date, p.commune_code, p.unit_path, c.name AS commune_name FROM person p
             JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
            WHERE p.province_code = '20' AND p.cccd IS NOT NULL AND p.birth_date BETWEEN '1950-01-01' AND '1995-12-31'
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
              AND (SELECT count(*) FROM admin_unit o WHERE o.province_code = '20' AND o.level = 'commune' AND o.name = c.name) = 1
            ORDER BY p.id DESC LIMIT 1`,
        )
        .then((r) => r.rows);
      const named = row('ST-1', p, 'AstraZeneca', 'NJ0123', '1', '01/08/2021').replace('Trạm Y tế xã', `Trạm Y tế ${p.commune_name}`);
      const unnamed = row('ST-2', p, 'AstraZeneca', 'NJ0456', '2', '01/11/2021').replace('Trạm Y tế xã', 'Điểm tiêm lưu động');
      const job = await importFile(admin, 'site.csv', [HEADER, named, unnamed].join('\n'));
      expect(job).toMatchObject({ status: 'done', insertedRows: 2, errorRows: 0 });
      const sites = (await ctx.db.query<{ external_id: string; site_unit_code: string | null; site_path: string | null }>(`SELECT external_id, site_unit_code, site_path FROM vaccine_dose WHERE province_code = '20' AND person_id = $1 ORDER BY given_on`, [p.id])).rows;
      const commune = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [p.commune_code])).rows[0];
      expect(sites).toEqual([
        { external_id: 'ST-1', site_unit_code: p.commune_code, site_path: commune.path },
        { external_id: 'ST-2', site_unit_code: null, site_path: null },
      ]);
    });

    it('refuses people outside the importer’s jurisdiction', async () => {
      const huyen = await ctx.as('huyen');
      const job = await importFile(huyen, 'huyen.csv', [HEADER, row('J-1', out, 'AstraZeneca', 'NJ0123', '1', '01/08/2021'), row('J-2', inDistrict, 'AstraZeneca', 'NJ0456', '2', '01/03/2022')].join('\n'));
      expect(job).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 1 });
      const errs = await errorRows(huyen, job.id);
      expect([...errs.keys()]).toEqual([2]);
      expect(errs.get(2)!.codes).toBe('person.outside_jurisdiction');
      expect(await dosesOf(out)).toEqual([]);
      // Pfizer then AstraZeneca: the primary series may mix them.
      expect((await dosesOf(inDistrict)).map((x) => [x.dose_kind, x.product_code])).toEqual([['primary_1', 'pfizer'], ['primary_2', 'astrazeneca']]);
      // The admin's jobs are not the district officer's to see.
      const adminJob = ((await admin.get('/api/vaccination/imports')).json().items as Job[]).find((j) => j.id !== job.id)!.id;
      const theirs = (await huyen.get('/api/vaccination/imports')).json().items.map((j: Job) => j.id);
      expect(theirs).toContain(job.id);
      expect(theirs).not.toContain(adminJob);
      expect((await huyen.get(`/api/vaccination/imports/${adminJob}`)).statusCode).toBe(404);
    });

    it('refuses a file without the needed columns, empty or not a table, before any job', async () => {
      const jobs = await count(`SELECT count(*)::int AS n FROM import_job`);
      const res = await upload(admin, 'cot.csv', 'Số CCCD,Họ và tên,Ngày tiêm\n001090000001,A,01/08/2021\n');
      expect(res.statusCode).toBe(400);
      const fields = res.json().error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
      expect(fields).toEqual(expect.arrayContaining(['product:missing_column', 'lot_number:missing_column', 'dose:missing_column']));
      const noPerson = await upload(admin, 'nguoi.csv', 'Tên vắc xin,Số lô,Mũi tiêm,Ngày tiêm\nPfizer,FK7890,1,01/08/2021\n');
      expect(noPerson.statusCode).toBe(400);
      expect(noPerson.json().error.fields.map((f: { code: string }) => f.code)).toContain('missing_identity');
      expect((await upload(admin, 'rong.csv', '')).statusCode).toBe(400);
      expect((await upload(admin, 'anh.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'image/png')).statusCode).toBe(415);
      expect(await count(`SELECT count(*)::int AS n FROM import_job`)).toBe(jobs);
    });

    it.runIf(kind === DB_KINDS[0])('answers 413 to a file over the upload limit, writing nothing', async () => {
      const jobs = await count(`SELECT count(*)::int AS n FROM import_job`);
      const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, 'a');
      Buffer.from(HEADER + '\n').copy(big);
      const res = await upload(admin, 'lon.csv', big);
      expect(res.statusCode).toBe(413);
      expect(await count(`SELECT count(*)::int AS n FROM import_job`)).toBe(jobs);
    });

    it('imports an Excel export with date and number cells', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Export');
      ws.addRow(['DANH SÁCH ĐỐI TƯỢNG ĐÃ TIÊM']); // a title above the header
      ws.addRow(HEADER.split(','));
      ws.addRow(['X-1', Number(c.cccd), '', c.full_name, new Date(c.birth_date + 'T00:00:00Z'), Number(c.commune_code), 'AstraZeneca', 'NJ0456', 2, new Date('2021-11-01T00:00:00Z'), 'Trạm Y tế', '', '']);
      const job = await importFile(admin, 'export.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(job, job.message ?? '').toMatchObject({ status: 'done', insertedRows: 1, errorRows: 0 });
      expect((await dosesOf(c)).map((x) => [x.dose_kind, x.given_on, x.external_id])).toEqual([
        ['primary_1', '2021-09-01', 'VN-6'],
        ['primary_2', '2021-11-01', 'X-1'],
      ]);
    });

    it('serves the template, which imports as it is (its example people are not in the registry)', async () => {
      const csv = await admin.get('/api/vaccination/imports/template.csv');
      expect(csv.statusCode).toBe(200);
      expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(HEADER);
      const xlsx = await admin.get('/api/vaccination/imports/template.csv?format=xlsx');
      expect(xlsx.statusCode).toBe(200);
      const job = await importFile(admin, 'mau.csv', csv.body);
      expect(job).toMatchObject({ status: 'done', totalRows: 3, insertedRows: 0, errorRows: 3 });
      expect([...(await errorRows(admin, job.id)).values()].map((e) => e.codes)).toEqual(['person.unknown', 'person.unknown', 'person.unknown']);
    });

    it('writes a slice row by row when a dose entered by hand meanwhile stops its COPY, reporting only the clash', async () => {
      const fresh = (
        await ctx.db.query<P>(
          `SELECT id, cccd, natural_key, full_name, birth_date, commune_code, unit_path FROM person p
            WHERE province_code = '20' AND cccd IS NOT NULL AND birth_date BETWEEN '1950-01-01' AND '1995-12-31'
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
            ORDER BY id DESC LIMIT 2`,
        )
      ).rows;
      const [x, y] = fresh;
      const lot = (await ctx.db.query<{ id: number }>(`SELECT id FROM vaccine_lot WHERE province_code = '20' AND lot_number = 'NJ0123'`)).rows[0].id;
      const dir = mkdtempSync(join(tmpdir(), 'chongdich-dose-clash-'));
      try {
        const path = join(dir, 'clash.csv');
        writeFileSync(path, [HEADER, row('CL-1', x, 'AstraZeneca', 'NJ0123', '1', '02/08/2021'), row('CL-2', y, 'AstraZeneca', 'NJ0123', '1', '03/08/2021'), row('CL-3', y, 'AstraZeneca', 'NJ0456', '2', '03/10/2021')].join('\r\n'));
        // Just before the slice's COPY, x's first dose is entered by hand (another day).
        let entered = false;
        const db: Db = {
          ...ctx.db,
          kind: ctx.db.kind,
          tx: (fn) =>
            ctx.db.tx((q) =>
              fn({
                ...q,
                exec: async (sql: string) => {
                  if (sql === 'SAVEPOINT dose_copy' && !entered) {
                    entered = true;
                    await q.query(
                      `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, source) VALUES ('20', $1, $2, $3, 'astrazeneca', $4, 'primary_1', '2021-08-01', 'entry')`,
                      [x.id, x.unit_path, x.commune_code, lot],
                    );
                  }
                  return q.exec(sql);
                },
              }),
            ),
        };
        const importer = { provinceCode: '20', jurisdictionPath: (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].path, userId: null, via: 'cli' as const };
        const checked = await checkDoseFile(path, 'clash.csv');
        const r = await runDoseImport(db, importer, await createDoseJob(ctx.db, importer, 'clash.csv', null), checked, { bulkMinRows: 1_000_000 });
        expect(entered).toBe(true);
        expect(r.status, r.message).toBe('done');
        expect([r.insertedRows, r.errorRows]).toEqual([2, 1]);
        expect(r.errorsCsv).toMatch(/\r\n2,Mũi tiêm,duplicate_kind,/);
        expect((await dosesOf(x)).map((d) => [d.given_on, d.source, d.external_id])).toEqual([['2021-08-01', 'entry', null]]);
        expect((await dosesOf(y)).map((d) => [d.dose_kind, d.external_id])).toEqual([['primary_1', 'CL-2'], ['primary_2', 'CL-3']]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('needs the vaccination.import permission', async () => {
      for (const u of ['xa', 'yte', 'tocovid']) {
        const cl = await ctx.as(u);
        expect((await upload(cl, 'x.csv', goodCsv)).statusCode).toBe(403);
        expect((await cl.get('/api/vaccination/imports')).statusCode).toBe(403);
      }
      expect((await upload(ctx.anonymous(), 'x.csv', goodCsv)).statusCode).toBe(401);
      const tiemchung = await ctx.as('tiemchung');
      expect((await tiemchung.get('/api/vaccination/imports')).statusCode).toBe(200);
    });
  });
}
