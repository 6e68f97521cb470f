// Population registry import over HTTP on every database: good and bad CSV/XLSX files, idempotent
// re-import, jurisdiction, permissions, CSRF and the downloadable error file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { DB_KINDS } from '../helpers/db.ts';
import { SHARED_DATA, createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { importAdminUnits } from '../../src/server/modules/units/service.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cccdPrefix } from '../../src/domain/people/normalize.ts';
import { checkPeopleFile, createPeopleJob, runPeopleImport, type Importer } from '../../src/server/modules/imports/service.ts';
import { MAX_UPLOAD_BYTES, buildApp } from '../../src/server/app.ts';
import { deferIndexes } from '../../src/server/modules/imports/store.ts';

const HEADER = 'Số CCCD,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Thôn,Mã hộ,Địa chỉ';

function multipart(filename: string, content: Buffer | string, type = 'text/csv', field = 'file') {
  const boundary = '----chongdich' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

function upload(c: Client, filename: string, content: Buffer | string, opts: { type?: string; headers?: Record<string, string>; field?: string } = {}) {
  const m = multipart(filename, content, opts.type, opts.field);
  return c.request({ method: 'POST', url: '/api/imports/people', payload: m.payload, headers: { ...m.headers, ...opts.headers } });
}

interface Job {
  id: number;
  status: string;
  totalRows: number;
  processedRows: number;
  insertedRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
  message: string | null;
  filename: string | null;
}

async function waitForJob(c: Client, id: number): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const res = await c.get(`/api/imports/${id}`);
    expect(res.statusCode).toBe(200);
    const job = res.json() as Job;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} still running`);
}

async function importFile(c: Client, filename: string, content: Buffer | string, type?: string): Promise<Job> {
  const res = await upload(c, filename, content, { type });
  expect(res.statusCode, res.body).toBe(202);
  return waitForJob(c, res.json().jobId);
}

async function errorRows(c: Client, id: number): Promise<string[][]> {
  const res = await c.get(`/api/imports/${id}/errors.csv`);
  expect(res.statusCode).toBe(200);
  return parseCsv(res.body, { bom: true, relax_column_count: true }) as string[][];
}

// Registered in Cà Mau (096): the demo population never uses that code, so these never collide with it.
const cccd = (year: number, sex: 'M' | 'F', serial: number) => cccdPrefix('96', year, sex) + String(serial).padStart(6, '0');

for (const kind of DB_KINDS) {
  describe(`people import (${kind})`, () => {
    let ctx: TestContext;
    let admin: Client;
    let communeA: { code: string; path: string }; // inside the district officer's district
    let communeB: { code: string; path: string }; // another district
    let goodCsv: string;

    const count = async (sql: string, params: unknown[] = []) => Number((await ctx.db.query<{ n: number }>(sql, params)).rows[0].n);

    beforeAll(async () => {
      ctx = await createTestContext(kind);
      admin = await ctx.as('admin');
      const district = ctx.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
      const communes = (await ctx.db.query<{ code: string; path: string; parent_code: string }>(
        `SELECT code, path, parent_code FROM admin_unit WHERE province_code = '20' AND level = 'commune' ORDER BY code`,
      )).rows;
      communeA = communes.find((c) => c.parent_code === district)!;
      communeB = communes.find((c) => c.parent_code !== district)!;
      // A village under commune A, to be found by its name.
      await ctx.db.query(
        `INSERT INTO admin_unit (province_code, code, parent_code, level, type, name, name_search, path, depth) VALUES ('20', 'TEST-V1', $1, 'village', 'Thôn', 'Nà Pàn', 'na pan', $2, 4)`,
        [communeA.code, communeA.path + 'TEST-V1/'],
      );
      goodCsv = [
        HEADER,
        `${cccd(1985, 'M', 1)},Nguyễn Văn An,02/03/1985,Nam,0912 345 678,${communeA.code},Thôn Nà Pàn,HK-1,"Số 1, Lê Lợi"`,
        `${cccd(1988, 'F', 2)},Trần Thị Bình,1988-07-15,Nữ,,${communeA.code},,HK-1,`,
        `,Nguyễn Văn Cường,01/06/2015,Nam,,${communeA.code},,HK-1,`,
        `${cccd(1950, 'F', 3)},Hoàng Thị Dung,20/11/1950,nữ,0987654321,${communeB.code},,HK-2,Thôn Bản Làn`,
      ].join('\r\n');
    });
    afterAll(async () => ctx?.close());

    it('imports a good CSV and updates the registry, households and unit statistics', async () => {
      const job = await importFile(admin, 'dan-cu.csv', goodCsv);
      expect(job).toMatchObject({ status: 'done', filename: 'dan-cu.csv', totalRows: 4, processedRows: 4, insertedRows: 4, updatedRows: 0, unchangedRows: 0, errorRows: 0 });
      const an = (await ctx.db.query<Record<string, string>>(`SELECT * FROM person WHERE province_code = '20' AND cccd = $1`, [cccd(1985, 'M', 1)])).rows[0];
      expect(an).toMatchObject({ full_name: 'Nguyễn Văn An', name_search: 'nguyen van an', birth_date: '1985-03-02', sex: 'M', phone: '+84912345678', village_code: 'TEST-V1', unit_path: communeA.path + 'TEST-V1/', household_id: 'HK-1', address: 'Số 1, Lê Lợi' });
      const child = (await ctx.db.query<Record<string, string>>(`SELECT natural_key, cccd FROM person WHERE province_code = '20' AND household_id = 'HK-1' AND full_name = 'Nguyễn Văn Cường'`)).rows[0];
      expect(child).toEqual({ natural_key: 'h:HK-1|nguyen van cuong|2015-06-01', cccd: null });
      expect(await count(`SELECT count(*)::int AS n FROM household WHERE province_code = '20' AND household_id IN ('HK-1', 'HK-2')`)).toBe(2);
      expect(await count(`SELECT population AS n FROM admin_unit WHERE province_code = '20' AND code = $1`, [communeA.code])).toBeGreaterThanOrEqual(3);
      const auditRow = (await ctx.db.query<{ username: string; details: { inserted: number; insertedRows: number; via: string } }>(
        `SELECT username, details FROM audit_log WHERE province_code = '20' AND action = 'import' AND entity = 'person' AND entity_id = $1`,
        [String(job.id)],
      )).rows[0];
      expect(auditRow.username).toBe('admin');
      expect(auditRow.details).toMatchObject({ via: 'web', insertedRows: 4 });
      const list = await admin.get('/api/imports');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((j: Job) => j.id)).toContain(job.id);
    });

    it('changes nothing when the same file is imported again, and updates only a changed row', async () => {
      const again = await importFile(admin, 'dan-cu.csv', goodCsv);
      expect(again).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 4, errorRows: 0 });
      const changed = await importFile(admin, 'dan-cu-2.csv', goodCsv.replace('0912 345 678', '0912 000 111'));
      expect(changed).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 1, unchangedRows: 3, errorRows: 0 });
      const phone = (await ctx.db.query<{ phone: string }>(`SELECT phone FROM person WHERE province_code = '20' AND cccd = $1`, [cccd(1985, 'M', 1)])).rows[0].phone;
      expect(phone).toBe('+84912000111');
    });

    it('reports every bad row with its row number and imports the good ones', async () => {
      const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      const lines = [
        HEADER, // row 1
        `${cccd(1990, 'M', 10)},Lò Văn Em,01/01/1990,Nam,,${communeA.code},,HK-3,`, // 2 ok
        `12345,Lò Văn Phong,01/01/1990,Nam,,${communeA.code},,HK-3,`, // 3 cccd.format
        `999090000011,Lò Văn Giang,01/01/1990,Nam,,${communeA.code},,HK-3,`, // 4 cccd.province
        `${cccd(1990, 'F', 12)},Lò Văn Hải,01/01/1990,Nam,,${communeA.code},,HK-3,`, // 5 cccd.century_sex
        `${cccd(1991, 'M', 13)},Lò Văn Ích,31/02/1991,Nam,,${communeA.code},,HK-3,`, // 6 birth_date.invalid
        `,Lò Thị Kim,${future},Nữ,,${communeA.code},,HK-3,`, // 7 birth_date.future
        `${cccd(1992, 'M', 14)},Lò Văn Lâm,01/01/1992,Nam,,99999,,HK-3,`, // 8 commune.unknown
        `${cccd(1990, 'M', 10)},Lò Văn Em,01/01/1990,Nam,,${communeA.code},,HK-3,`, // 9 duplicate of row 2
        `${cccd(1993, 'M', 15)},Lò Văn Minh,01/01/1993,X,12345,${communeA.code},,HK-3,`, // 10 sex.invalid + phone.invalid
        `${cccd(1994, 'M', 16)},,01/01/1994,Nam,,${communeA.code},,HK-3,`, // 11 full_name.required
        `${cccd(1995, 'M', 17)},Lò Văn Nam,01/01/1995,Nam,,${communeA.code},Thôn Không Có,HK-3,`, // 12 village.unknown
        '', // 13 blank: skipped
        `${cccd(1996, 'F', 18)},Lò Thị Oanh,1996-05-05,Nữ,0345678901,${communeA.code},,HK-3,`, // 14 ok
      ];
      const job = await importFile(admin, 'loi.csv', lines.join('\n'));
      expect(job).toMatchObject({ status: 'done', insertedRows: 2, updatedRows: 0, errorRows: 10 });
      const rows = await errorRows(admin, job.id);
      expect(rows[0].slice(0, 4)).toEqual(['Dòng', 'Cột', 'Mã lỗi', 'Lỗi']);
      expect(rows[0].slice(4)).toEqual(HEADER.split(','));
      const byRow = Object.fromEntries(rows.slice(1).map((r) => [r[0], r[2]]));
      expect(byRow).toEqual({
        '3': 'cccd.format',
        '4': 'cccd.province',
        '5': 'cccd.century_sex',
        '6': 'birth_date.invalid',
        '7': 'birth_date.future',
        '8': 'commune.unknown',
        '9': 'duplicate_in_file',
        '10': 'sex.invalid; phone.invalid',
        '11': 'full_name.required',
        '12': 'village.unknown',
      });
      const dup = rows.find((r) => r[0] === '9')!;
      expect(dup[3]).toBe('Trùng người với dòng 2');
      expect(dup.slice(4, 6)).toEqual([cccd(1990, 'M', 10), 'Lò Văn Em']); // original values follow
      expect(await count(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND household_id = 'HK-3'`)).toBe(2);
    });

    it('refuses a CCCD that another registry record already holds', async () => {
      // A record written under another key (e.g. by a different source) keeps its CCCD.
      await ctx.db.query(
        `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, birth_date, sex, commune_code, unit_path)
         VALUES ('20', 'other-source:1', $1, 'Vi Văn Xuân', 'vi van xuan', '1960-01-01', 'M', $2, $3)`,
        [cccd(1960, 'M', 60), communeA.code, communeA.path],
      );
      const job = await importFile(admin, 'trung-cccd.csv', [
        HEADER,
        `${cccd(1961, 'M', 61)},Vi Văn Yên,01/01/1961,Nam,,${communeA.code},,HK-9,`,
        `${cccd(1960, 'M', 60)},Vi Văn Xuân,01/01/1960,Nam,,${communeA.code},,HK-9,`,
      ].join('\n'));
      expect(job).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 1 });
      expect((await errorRows(admin, job.id)).slice(1).map((r) => [r[0], r[2]])).toEqual([['3', 'cccd.conflict']]);
      expect(await count(`SELECT count(*)::int AS n FROM person WHERE cccd = $1`, [cccd(1960, 'M', 60)])).toBe(1);
    });

    it('finishes a file with no valid row, reporting all of them', async () => {
      const job = await importFile(admin, 'toan-loi.csv', [HEADER, `1,A,01/01/1990,Nam,,${communeA.code},,H,`, `2,"=HYPERLINK(""http://x"")",01/01/1990,Nam,,${communeA.code},,H,`].join('\n'));
      expect(job).toMatchObject({ status: 'done', processedRows: 2, insertedRows: 0, errorRows: 2 });
      const rows = await errorRows(admin, job.id);
      expect(rows.length).toBe(3);
      // A value a spreadsheet would run as a formula is neutralised in the error file.
      expect(rows[2].slice(2, 6)).toEqual(['full_name.invalid; cccd.format', expect.any(String), '2', `'=HYPERLINK("http://x")`]);
    });

    it('accepts a ;-separated CSV with BOM and English headers', async () => {
      const csv = '\uFEFFcccd;full_name;birth_date;sex;phone;commune_code;village;household_id;address\n' + `${cccd(1970, 'M', 30)};Vi Văn Quý;1970-01-01;M;;${communeA.code};;HK-4;"Số 5; ngõ 2"\n`;
      const job = await importFile(admin, 'english.csv', csv);
      expect(job).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 0 });
      expect((await ctx.db.query<{ address: string }>(`SELECT address FROM person WHERE province_code = '20' AND cccd = $1`, [cccd(1970, 'M', 30)])).rows[0].address).toBe('Số 5; ngõ 2');
    });

    it('imports an Excel file with date, number and text cells', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Dân cư');
      ws.addRow(['DANH SÁCH NHÂN KHẨU XÃ']); // a title and a blank row above the header
      ws.addRow([]);
      ws.addRow(['STT', 'Số CCCD', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số điện thoại', 'Mã xã', 'Thôn', 'Mã hộ', 'Địa chỉ']);
      ws.addRow([1, Number(cccd(1980, 'F', 40)), 'Lương Thị Rạng', new Date(Date.UTC(1980, 4, 17)), 'Nữ', 912345670, Number(communeA.code), 'TEST-V1', 'HK-5', 'Nà Pàn']);
      ws.addRow([2, cccd(1982, 'M', 41), 'Lương Văn Sáng', '17/05/1982', 'Nam', '0912345671', communeA.code, '', 'HK-5', '']);
      ws.addRow([3, cccd(1983, 'M', 42), 'Lương Văn Tư', '30/02/1983', 'Nam', '', communeA.code, '', 'HK-5', '']);
      ws.getCell('D4').numFmt = 'dd/mm/yyyy';
      const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
      const job = await importFile(admin, 'dan-cu.xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(job).toMatchObject({ status: 'done', processedRows: 3, insertedRows: 2, errorRows: 1 });
      const p = (await ctx.db.query<Record<string, string>>(`SELECT birth_date, phone, commune_code, village_code FROM person WHERE province_code = '20' AND cccd = $1`, [cccd(1980, 'F', 40)])).rows[0];
      expect(p).toEqual({ birth_date: '1980-05-17', phone: '+84912345670', commune_code: communeA.code, village_code: 'TEST-V1' });
      const rows = await errorRows(admin, job.id);
      expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual([['6', 'birth_date.invalid']]);

      const again = await importFile(admin, 'dan-cu.xlsx', xlsx, 'application/octet-stream');
      expect(again).toMatchObject({ insertedRows: 0, unchangedRows: 2, errorRows: 1 });
    });

    it('serves the error file as CSV with BOM and as Excel', async () => {
      const job = await importFile(admin, 'loi-2.csv', [HEADER, `12345,Lò Văn Phong,01/01/1990,Nam,,${communeA.code},,HK-3,`].join('\n'));
      const csv = await admin.get(`/api/imports/${job.id}/errors.csv`);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(csv.body).toContain('Số CCCD phải gồm đúng 12 chữ số');

      const x = await admin.get(`/api/imports/${job.id}/errors.csv?format=xlsx`);
      expect(x.statusCode).toBe(200);
      expect(x.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(x.headers['content-disposition']).toMatch(/\.xlsx"$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      expect(ws.getRow(1).getCell(3).value).toBe('Mã lỗi');
      expect(ws.getRow(2).getCell(1).value).toBe('2');
      expect(ws.getRow(2).getCell(3).value).toBe('cccd.format');
      expect(ws.getRow(2).getCell(6).value).toBe('Lò Văn Phong');

      expect((await admin.get(`/api/imports/999999/errors.csv`)).statusCode).toBe(404);
      expect((await admin.get(`/api/imports/999999`)).statusCode).toBe(404);
    });

    it('refuses files without the required columns, empty or not a table, writing nothing', async () => {
      const jobs = await count(`SELECT count(*)::int AS n FROM import_job`);
      const people = await count(`SELECT count(*)::int AS n FROM person`);
      const missing = await upload(admin, 'thieu-cot.csv', `Họ và tên,Ngày sinh,Mã xã\nAn,01/01/1990,${communeA.code}\n`);
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`).sort()).toEqual(
        ['cccd:missing_column', 'household_id:missing_column', 'sex:missing_column'],
      );
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
      expect((await upload(admin, 'anh.csv', png, { type: 'image/png' })).statusCode).toBe(415);
      expect((await upload(admin, 'rong.csv', '')).statusCode).toBe(400);
      expect([400, 415]).toContain((await upload(admin, 'sai.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]))).statusCode);
      expect((await upload(admin, 'latin1.csv', Buffer.from('Số CCCD,Họ và tên\n', 'latin1'))).statusCode).toBe(400);
      expect((await upload(admin, 'x.csv', goodCsv, { field: 'other' })).statusCode).toBe(400);
      const notMultipart = await admin.request({ method: 'POST', url: '/api/imports/people', payload: { file: 'x' } });
      expect(notMultipart.statusCode).toBe(415);
      expect(await count(`SELECT count(*)::int AS n FROM import_job`)).toBe(jobs);
      expect(await count(`SELECT count(*)::int AS n FROM person`)).toBe(people);
    });

    it("reports communes outside the importer's jurisdiction as unknown, and hides others' jobs", async () => {
      const huyen = await ctx.as('huyen');
      const csv = [
        HEADER,
        `${cccd(1975, 'M', 50)},Hà Văn Thành,01/01/1975,Nam,,${communeA.code},,HK-6,`,
        `${cccd(1976, 'M', 51)},Hà Văn Út,01/01/1976,Nam,,${communeB.code},,HK-7,`,
      ].join('\n');
      const job = await importFile(huyen, 'huyen.csv', csv);
      expect(job).toMatchObject({ status: 'done', insertedRows: 1, errorRows: 1 });
      expect((await errorRows(huyen, job.id)).slice(1).map((r) => [r[0], r[2]])).toEqual([['3', 'commune.unknown']]);
      expect(await count(`SELECT count(*)::int AS n FROM person WHERE cccd = $1`, [cccd(1976, 'M', 51)])).toBe(0);
      // A person already registered outside the district is not moved into it.
      const moved = await importFile(huyen, 'huyen-2.csv', [HEADER, `${cccd(1950, 'F', 3)},Hoàng Thị Dung,20/11/1950,Nữ,,${communeA.code},,HK-8,`].join('\n'));
      expect(moved).toMatchObject({ insertedRows: 0, updatedRows: 0, errorRows: 1 });
      expect((await errorRows(huyen, moved.id)).slice(1).map((r) => r[2])).toEqual(['person.outside_jurisdiction']);
      // Nor is a household registered outside it.
      const hh = await importFile(huyen, 'huyen-3.csv', [HEADER, `${cccd(1977, 'M', 52)},Hà Văn Vinh,01/01/1977,Nam,,${communeA.code},,HK-2,`].join('\n'));
      expect(hh).toMatchObject({ insertedRows: 0, errorRows: 1 });
      expect((await errorRows(huyen, hh.id)).slice(1).map((r) => r[2])).toEqual(['household.outside_jurisdiction']);
      expect((await ctx.db.query<{ commune_code: string }>(`SELECT commune_code FROM person WHERE cccd = $1`, [cccd(1950, 'F', 3)])).rows[0].commune_code).toBe(communeB.code);
      // The province administrator's jobs are not the district's.
      const adminJob = (await admin.get('/api/imports')).json().items.find((j: Job) => j.filename === 'dan-cu.csv').id;
      expect((await huyen.get(`/api/imports/${adminJob}`)).statusCode).toBe(404);
      expect((await huyen.get('/api/imports')).json().items.map((j: Job) => j.id)).toEqual([hh.id, moved.id, job.id]);
      // …but the province sees the district's.
      expect((await admin.get(`/api/imports/${job.id}`)).statusCode).toBe(200);
    });

    it('writes a file in many chunks (side by side on PostgreSQL) with the same result, and caps the stored errors', async () => {
      const lines = [HEADER];
      for (let i = 0; i < 40; i++) {
        const hh = `HK-C${Math.floor(i / 4)}`; // households spread over chunk boundaries
        lines.push(`${cccd(1960 + i, i % 2 ? 'F' : 'M', 100 + i)},Đinh Văn Chung,01/02/${1960 + i},${i % 2 ? 'Nữ' : 'Nam'},,${communeA.code},,${hh},Xóm ${i}`);
        if (i % 10 === 9) lines.push(`${cccd(1960 + i, i % 2 ? 'F' : 'M', 100 + i)},Đinh Văn Chung,01/02/${1960 + i},${i % 2 ? 'Nữ' : 'Nam'},,${communeA.code},,${hh},`); // duplicate
        if (i % 13 === 0) lines.push(`sai,Đinh Văn Chung,01/02/1990,Nam,,${communeA.code},,${hh},`);
      }
      const dir = mkdtempSync(join(tmpdir(), 'chongdich-import-test-'));
      try {
        const path = join(dir, 'chunks.csv');
        writeFileSync(path, lines.join('\n'));
        const importer: Importer = { provinceCode: '20', jurisdictionPath: '20/', userId: null, via: 'cli', req: null };
        const checked = await checkPeopleFile(path);
        const progress: number[] = [];
        const run = async () =>
          runPeopleImport(ctx.db, importer, await createPeopleJob(ctx.db, importer, 'chunks.csv', null), checked, {
            chunkSize: 3,
            maxStoredErrors: 5,
            onProgress: (done) => progress.push(done),
          });
        const r = await run();
        expect(r).toMatchObject({ status: 'done', processedRows: 48, insertedRows: 40, updatedRows: 0, unchangedRows: 0, errorRows: 8, householdsInserted: 10 });
        expect(r.message).toContain('tệp lỗi chỉ gồm 5 dòng lỗi đầu tiên');
        expect(r.errorsCsv!.trim().split('\r\n')).toHaveLength(6);
        expect(progress.at(-1)).toBe(48);
        expect(await count(`SELECT count(*)::int AS n FROM person WHERE household_id LIKE 'HK-C%'`)).toBe(40);
        const job = (await admin.get(`/api/imports/${r.jobId}`)).json() as Job;
        expect(job).toMatchObject({ status: 'done', totalRows: 48, processedRows: 48, insertedRows: 40, errorRows: 8 });
        expect(await run()).toMatchObject({ insertedRows: 0, updatedRows: 0, unchangedRows: 40, errorRows: 8, householdsInserted: 0 });
        const cli = (await ctx.db.query<{ username: string | null; details: { via: string } }>(
          `SELECT username, details FROM audit_log WHERE action = 'import' AND entity_id = $1`,
          [String(r.jobId)],
        )).rows[0];
        expect(cli).toMatchObject({ username: null, details: { via: 'cli' } });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('loads a file bigger than the registry with the secondary indexes put off, then builds them again as they were', async () => {
      const indexes = async () =>
        (await ctx.db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'person' ORDER BY indexname`)).rows;
      const before = await indexes();
      expect(before.map((i) => i.indexname)).toContain('person_name_trgm');
      const registered = await count(`SELECT count(*)::int AS n FROM person`);
      const lines = [HEADER];
      for (let i = 0; i < registered + 300; i++) {
        lines.push(`${cccd(1980 + (i % 20), i % 2 ? 'F' : 'M', 200_000 + i)},Nông Văn Khối,15/0${1 + (i % 9)}/${1980 + (i % 20)},${i % 2 ? 'Nữ' : 'Nam'},,${communeA.code},,HK-BULK-${Math.floor(i / 3)},Bản Khối`);
      }
      lines.push(`${cccd(1960, 'M', 60)},Vi Văn Xuân,01/01/1960,Nam,,${communeA.code},,HK-9,`); // CCCD held by another record: refused while loading
      const dir = mkdtempSync(join(tmpdir(), 'chongdich-import-test-'));
      try {
        const path = join(dir, 'bulk.csv');
        writeFileSync(path, lines.join('\n'));
        const importer: Importer = { provinceCode: '20', jurisdictionPath: '20/', userId: null, via: 'cli', req: null };
        const checked = await checkPeopleFile(path);
        const seen: Promise<number>[] = [];
        const r = await runPeopleImport(ctx.db, importer, await createPeopleJob(ctx.db, importer, 'bulk.csv', null), checked, {
          chunkSize: 500,
          bulkMinRows: 100,
          worker: true, // as for a large file: read in a worker thread
          // Between chunks: the trigram index is not there, its definition is kept.
          onProgress: () => void seen.push(count(`SELECT count(*)::int AS n FROM deferred_index WHERE index_name = 'person_name_trgm'`)),
        });
        expect(r).toMatchObject({ status: 'done', insertedRows: registered + 300, errorRows: 1 });
        expect(r.errorsCsv).toContain('cccd.conflict');
        expect(r.errorsCsv).toContain('Vi Văn Xuân'); // the refused row's cells, read from the file again
        expect((await Promise.all(seen)).some((n) => n === 1)).toBe(true);
        expect(await indexes()).toEqual(before);
        expect(await count(`SELECT count(*)::int AS n FROM deferred_index`)).toBe(0);
        const found = (await admin.get('/api/people?q=nong van khoi&limit=5')).json();
        expect(found.items).toHaveLength(5);
        // Importing it again changes nothing (the registry is now bigger than the file: indexes stay).
        const again = await runPeopleImport(ctx.db, importer, await createPeopleJob(ctx.db, importer, 'bulk.csv', null), checked, { chunkSize: 500, bulkMinRows: 100 });
        expect(again).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: registered + 300, errorRows: 1 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('copies people and households straight in for a province with nobody registered yet, with the same result', async () => {
      await importAdminUnits(ctx.db, JSON.parse(readFileSync(join(SHARED_DATA, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), '38');
      const [commune] = (await ctx.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '38' AND level = 'commune' ORDER BY code LIMIT 1`)).rows;
      const lines = [HEADER];
      for (let i = 0; i < 30; i++) {
        // Households of four spread over chunks of three; the first member has no address.
        lines.push(`${cccd(1970 + i, 'M', 300 + i)},Lê Văn Thanh,01/01/${1970 + i},Nam,,${commune.code},,TH-${Math.floor(i / 4)},${i % 4 ? `Xóm ${Math.floor(i / 4)}` : ''}`);
        if (i === 7) lines.push(`${cccd(1970 + i, 'M', 300 + i)},Lê Văn Thanh,01/01/${1970 + i},Nam,,${commune.code},,TH-1,`); // duplicate
      }
      const dir = mkdtempSync(join(tmpdir(), 'chongdich-import-test-'));
      try {
        const path = join(dir, 'thanh-hoa.csv');
        writeFileSync(path, lines.join('\n'));
        const importer: Importer = { provinceCode: '38', jurisdictionPath: '38/', userId: null, via: 'cli', req: null };
        const checked = await checkPeopleFile(path);
        const run = async (worker = false) => runPeopleImport(ctx.db, importer, await createPeopleJob(ctx.db, importer, 'thanh-hoa.csv', null), checked, { chunkSize: 3, worker });
        const first = await run(true);
        expect(first).toMatchObject({ status: 'done', processedRows: 31, insertedRows: 30, errorRows: 1, householdsInserted: 8 });
        expect(first.errorsCsv).toContain('Trùng người với dòng 9');
        const households = (await ctx.db.query<{ household_id: string; address: string }>(`SELECT household_id, address FROM household WHERE province_code = '38' ORDER BY household_id`)).rows;
        expect(households.map((h) => [h.household_id, h.address])).toEqual([...Array(8).keys()].map((k) => [`TH-${k}`, `Xóm ${k}`]).sort());
        expect(await count(`SELECT population AS n FROM admin_unit WHERE province_code = '38' AND code = $1`, [commune.code])).toBe(30);
        expect(await run()).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 30, errorRows: 1, householdsInserted: 0 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('fails a file whose quote is never closed, read in a worker thread as in this one', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chongdich-import-test-'));
      try {
        const path = join(dir, 'hong.csv');
        // Past the first megabyte (the part read when the file is checked), a quote opens and never closes.
        const note = 'x'.repeat(60_000);
        const good = Array.from({ length: 20 }, (_, i) => `${cccd(1979, 'M', 90 + i)},Hà Văn Quang,01/01/1979,Nam,,${communeA.code},,HK-Q,,${note}`);
        writeFileSync(path, [HEADER + ',Ghi chú', ...good, `${cccd(1979, 'M', 199)},Hà Văn Quảng,01/01/1979,Nam,,${communeA.code},,HK-Q,"Số 3,`].join('\n'));
        const importer: Importer = { provinceCode: '20', jurisdictionPath: '20/', userId: null, via: 'cli', req: null };
        const checked = await checkPeopleFile(path);
        for (const worker of [true, false]) {
          const r = await runPeopleImport(ctx.db, importer, await createPeopleJob(ctx.db, importer, 'hong.csv', null), checked, { worker, chunkSize: 1 });
          expect(r.status).toBe('failed');
          expect(r.message).toMatch(/^Nhập dữ liệu thất bại .*quote .* never closed/);
          expect((await admin.get(`/api/imports/${r.jobId}`)).json()).toMatchObject({ status: 'failed' });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('builds at the next start the indexes an interrupted bulk load left out', async () => {
      const before = (await ctx.db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'person' ORDER BY indexname`)).rows;
      const deferred = await deferIndexes(ctx.db, 'person');
      expect(deferred).toEqual(expect.arrayContaining(['person_name_trgm', 'person_phone']));
      expect(deferred).not.toContain('person_cccd'); // unique: never put off
      expect(await count(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'person' AND indexname = 'person_phone'`)).toBe(0);
      const app = await buildApp({ db: ctx.db, config: ctx.config, webDir: '/nonexistent' });
      await app.ready();
      await app.close();
      expect((await ctx.db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'person' ORDER BY indexname`)).rows).toEqual(before);
      expect(await count(`SELECT count(*)::int AS n FROM deferred_index`)).toBe(0);
    });

    // One database is enough to see the upload limit (it is the same code path on both).
    it.runIf(kind === DB_KINDS[0])('answers 413 to a file over the upload limit, writing nothing', async () => {
      const jobs = await count(`SELECT count(*)::int AS n FROM import_job`);
      const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, 'a');
      Buffer.from(HEADER + '\n').copy(big);
      const res = await upload(admin, 'lon.csv', big);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
      expect(await count(`SELECT count(*)::int AS n FROM import_job`)).toBe(jobs);
    });

    it('needs the people.import permission and the CSRF token', async () => {
      for (const u of ['xa', 'yte']) {
        const c = await ctx.as(u);
        expect((await upload(c, 'x.csv', goodCsv)).statusCode).toBe(403);
        expect((await c.get('/api/imports')).statusCode).toBe(403);
      }
      expect((await upload(ctx.anonymous(), 'x.csv', goodCsv)).statusCode).toBe(401);
      const noCsrf = await upload(admin, 'x.csv', goodCsv, { headers: { 'x-csrf-token': '' } });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json().error.code).toBe('csrf');
    });
  });
}
