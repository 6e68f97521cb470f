// Duplicate people on every database: candidates by CCCD, phone, name and birth date; merging
// moves cases, exposures and orders to the kept record; contradicting records are refused; a
// re-import of the registry file updates the kept record instead of recreating the merged one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type Client, type TestContext } from '../helpers/app.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';

const today = todayInVietnam();

/** Uploads a registry CSV through the API and waits for the import job to finish. */
async function importCsv(c: Client, csv: string) {
  const boundary = '----chongdich' + Math.random().toString(16).slice(2);
  const payload = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dan-cu.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
  const res = await c.request({ method: 'POST', url: '/api/imports/people', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  expect(res.statusCode, res.body).toBe(202);
  for (let i = 0; i < 600; i++) {
    const job = (await c.get(`/api/imports/${res.json().jobId}`)).json();
    if (job.status !== 'running') return job as { status: string; insertedRows: number; updatedRows: number; unchangedRows: number; errorRows: number };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import still running');
}

for (const kind of DB_KINDS) {
  describe(`duplicate people on ${kind}`, () => {
    let ctx: TestContext;
    let ids: { an: number; anAgain: number; other: number; contact: number; far: number };
    beforeAll(async () => {
      ctx = await createTestContext(kind);
      const commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      const [{ path }] = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [commune])).rows;
      const [far] = (await ctx.db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = '20' AND level = 'commune' AND code <> $1 ORDER BY code LIMIT 1`, [commune])).rows;
      const insert = async (key: string, cccd: string | null, name: string, search: string, birth: string, sex: string, phone: string | null, c = commune, p = path) =>
        Number(
          (
            await ctx.db.query<{ id: number }>(
              `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, birth_date, sex, phone, commune_code, unit_path, address)
               VALUES ('20', $1, $2, $3, $4, $5, $6, $7, $8, $9, 'Thôn Thử') RETURNING id`,
              [key, cccd, name, search, birth, sex, phone, c, p],
            )
          ).rows[0].id,
        );
      ids = {
        an: await insert('020099000001', '020099000001', 'Hoàng Văn Thử', 'hoang van thu', '1980-05-05', 'M', null),
        anAgain: await insert('t:hoang van thu|1980-05-05', null, 'Hoàng Văn Thử', 'hoang van thu', '1980-05-05', 'M', '+84912999001'),
        other: await insert('020099000002', '020099000002', 'Hoàng Văn Thử', 'hoang van thu', '1980-05-05', 'M', null),
        contact: await insert('020099000003', '020099000003', 'Lý Thị Gần', 'ly thi gan', '1990-01-01', 'F', null),
        far: await insert('020099000004', '020099000004', 'Hoàng Văn Thử', 'hoang van thu', '1980-05-05', 'M', null, far.code, far.path),
      };
    });
    afterAll(async () => ctx?.close());

    it('lists records that may be the same person, with the reasons and contradictions, inside the jurisdiction', async () => {
      const xa = await ctx.as('xa');
      const res = await xa.get(`/api/people/${ids.an}/duplicates`);
      expect(res.statusCode).toBe(200);
      const found = res.json() as { person: { id: number }; reasons: string[]; conflicts: string[] }[];
      expect(found.map((d) => [d.person.id, d.reasons, d.conflicts])).toEqual([
        [ids.anAgain, ['name_birth'], []],
        [ids.other, ['name_birth'], ['different_cccd']],
      ]);
      expect((await (await ctx.as('admin')).get(`/api/people/${ids.an}/duplicates`)).json().map((d: { person: { id: number } }) => d.person.id)).toContain(ids.far);
    });

    it('merges the duplicate: its case and exposures move, blanks are filled, the record is gone and audited', async () => {
      const xa = await ctx.as('xa');
      const c = await xa.post('/api/cases', {
        personId: ids.anAgain,
        reportDate: today,
        detectedIn: 'community',
        reportedVia: 'lab',
        evidence: { pcrPositive: true },
        contacts: [{ personId: ids.contact, exposureDate: today, setting: 'household', proximity: 'physical' }],
      });
      expect(c.statusCode, c.body).toBe(201);
      const res = await xa.post('/api/people/merge', { keepId: ids.an, mergeId: ids.anAgain, reason: 'Cùng một người, khai báo hai lần' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().moved).toMatchObject({ cases: 1 });
      expect(res.json().person).toMatchObject({ id: ids.an, cccd: '020099000001', phone: '+84912999001' });
      const kase = (await xa.get(`/api/cases/${c.json().id}`)).json();
      expect(kase.case.personId).toBe(ids.an);
      expect(kase.contacts[0]).toMatchObject({ personId: ids.contact, sourcePersonId: ids.an });
      expect((await xa.get(`/api/people/${ids.anAgain}`)).statusCode).toBe(404);
      const audited = await ctx.db.query<{ details: { merged: number } }>(`SELECT details FROM audit_log WHERE entity = 'person' AND entity_id = $1 AND action = 'update'`, [String(ids.an)]);
      expect(audited.rows[0].details.merged).toBe(ids.anAgain);
    });

    it('moves the merged record\'s doses (the same dose kept once) and refuses two different doses of one kind', async () => {
      const xa = await ctx.as('xa');
      const commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      const [{ path }] = (await ctx.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [commune])).rows;
      const person = async (key: string, name: string, search: string) =>
        Number((await ctx.db.query<{ id: number }>(
          `INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, sex, commune_code, unit_path) VALUES ('20', $1, $2, $3, '1975-03-03', 'F', $4, $5) RETURNING id`,
          [key, name, search, commune, path],
        )).rows[0].id);
      const lot = Number((await ctx.db.query<{ id: number }>(
        `INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', 'astrazeneca', 'MERGE-01', 100) ON CONFLICT (province_code, product_code, lot_number) DO UPDATE SET doses_received = 100 RETURNING id`,
      )).rows[0].id);
      const dose = (personId: number, kind: string, on: string) =>
        ctx.db.query(`INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on) VALUES ('20', $1, $2, $3, 'astrazeneca', $4, $5, $6)`, [personId, path, commune, lot, kind, on]);
      const keep = await person('t:mai thi gop|1975-03-03', 'Mai Thị Góp', 'mai thi gop');
      const drop = await person('t:mai thi gop|1975-03-03|2', 'Mai Thị Góp', 'mai thi gop');
      await dose(keep, 'primary_1', '2021-08-02');
      await dose(drop, 'primary_1', '2021-08-02');
      await dose(drop, 'primary_2', '2021-10-25');
      const res = await xa.post('/api/people/merge', { keepId: keep, mergeId: drop, reason: 'Hai bản ghi của một người' });
      expect(res.statusCode, res.body).toBe(200);
      const doses = (await ctx.db.query<{ kind: string }>(`SELECT dose_kind AS kind FROM vaccine_dose WHERE province_code = '20' AND person_id = $1 ORDER BY dose_kind`, [keep])).rows;
      expect(doses.map((d) => d.kind)).toEqual(['primary_1', 'primary_2']);
      // Two records with a different first dose: which one is true is for an officer to settle first.
      const a = await person('t:mai thi hai|1975-03-03', 'Mai Thị Hai', 'mai thi hai');
      const b = await person('t:mai thi hai|1975-03-03|2', 'Mai Thị Hai', 'mai thi hai');
      await dose(a, 'primary_1', '2021-08-02');
      await dose(b, 'primary_1', '2021-09-09');
      const refused = await xa.post('/api/people/merge', { keepId: a, mergeId: b, reason: 'Hai bản ghi của một người' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.fields[0]).toMatchObject({ field: 'mergeId', code: 'different_doses', message: 'primary_1' });
      expect((await ctx.db.query(`SELECT 1 FROM person WHERE province_code = '20' AND id = $1`, [b])).rows).toHaveLength(1);
    });

    it('keeps a merged record merged when the registry file it came from is imported again', async () => {
      const admin = await ctx.as('admin');
      const xa = await ctx.as('xa');
      const commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      const header = 'Số CCCD,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Thôn,Mã hộ,Địa chỉ';
      // The same man registered twice: with his CCCD in one household, without it (but with a phone) in another.
      const withCccd = `020075000777,Lục Văn Gộp,04/03/1975,Nam,,${commune},,HH-GOP-1,`;
      const withPhone = `,Lục Văn Gộp,04/03/1975,Nam,0912888001,${commune},,HH-GOP-2,`;
      const child = `,Lục Thị Nhỏ,01/06/2016,Nữ,,${commune},,HH-GOP-1,`;
      const file = [header, withCccd, withPhone, child].join('\n');
      expect(await importCsv(admin, file)).toMatchObject({ status: 'done', insertedRows: 3, errorRows: 0 });
      const people = async () =>
        (await ctx.db.query<{ id: number; natural_key: string; cccd: string | null; phone: string | null; household_id: string; address: string | null }>(
          `SELECT id, natural_key, cccd, phone, household_id, address FROM person WHERE province_code = '20' AND name_search = 'luc van gop' ORDER BY id`,
        )).rows.map((p) => ({ ...p, id: Number(p.id) }));
      const [keep, drop] = await people();
      const merged = await xa.post('/api/people/merge', { keepId: keep.id, mergeId: drop.id, reason: 'Cùng một người, đăng ký ở hai hộ' });
      expect(merged.statusCode, merged.body).toBe(200);
      const alias = await ctx.db.query<{ natural_key: string; person_id: number }>(`SELECT natural_key, person_id FROM person_alias WHERE province_code = '20' AND person_id = $1`, [keep.id]);
      expect(alias.rows.map((a) => [a.natural_key, Number(a.person_id)])).toEqual([['h:HH-GOP-2|luc van gop|1975-03-04', keep.id]]);
      const afterMerge = await people();
      expect(afterMerge).toEqual([{ ...keep, phone: '+84912888001' }]);

      // The same file again: nobody is recreated, nothing changes (the kept row's blank phone does not erase the merged one).
      expect(await importCsv(admin, file)).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 3, errorRows: 0 });
      expect(await people()).toEqual(afterMerge);

      // A newer file: the removed record's row fills what the kept person still lacks, the kept row sets what it gives.
      const newer = [
        header,
        `020075000777,Lục Văn Gộp,04/03/1975,Nam,0912888002,${commune},,HH-GOP-1,`,
        `,Lục Văn Gộp,04/03/1975,Nam,0912888001,${commune},,HH-GOP-2,"Số 9, Thôn Gộp"`,
        child,
      ].join('\n');
      // Two rows changed one person: counted once, on the first of them.
      expect(await importCsv(admin, newer)).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 1, unchangedRows: 2, errorRows: 0 });
      expect(await people()).toEqual([{ ...keep, phone: '+84912888002', address: 'Số 9, Thôn Gộp' }]);

      // Merged again into a third record: the aliases follow, and the file still recreates no one.
      const third = Number(
        (
          await ctx.db.query<{ id: number }>(
            `INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, sex, commune_code, unit_path)
             SELECT '20', 't:luc van gop|1975-03-04', 'Lục Văn Gộp', 'luc van gop', '1975-03-04', 'M', code, path FROM admin_unit WHERE province_code = '20' AND code = $1 RETURNING id`,
            [commune],
          )
        ).rows[0].id,
      );
      expect((await xa.post('/api/people/merge', { keepId: third, mergeId: keep.id, reason: 'Lại trùng' })).statusCode).toBe(200);
      const aliases = await ctx.db.query<{ natural_key: string; person_id: number }>(`SELECT natural_key, person_id FROM person_alias WHERE province_code = '20' AND person_id = $1 ORDER BY natural_key`, [third]);
      expect(aliases.rows.map((a) => a.natural_key)).toEqual(['020075000777', 'h:HH-GOP-2|luc van gop|1975-03-04']);
      expect(await importCsv(admin, newer)).toMatchObject({ status: 'done', insertedRows: 0, updatedRows: 0, unchangedRows: 3, errorRows: 0 });
      expect((await people()).map((p) => [p.id, p.cccd, p.phone])).toEqual([[third, '020075000777', '+84912888002']]);
    });

    it('refuses contradicting records, itself, people outside the jurisdiction and roles without the right', async () => {
      const xa = await ctx.as('xa');
      const before = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person`)).rows[0].n;
      const diff = await xa.post('/api/people/merge', { keepId: ids.an, mergeId: ids.other, reason: 'Thử gộp' });
      expect(diff.statusCode).toBe(409);
      expect(diff.json().error.fields[0].code).toBe('different_cccd');
      expect((await xa.post('/api/people/merge', { keepId: ids.an, mergeId: ids.an, reason: 'Thử gộp' })).statusCode).toBe(400);
      expect((await xa.post('/api/people/merge', { keepId: ids.an, mergeId: ids.far, reason: 'Thử gộp' })).statusCode).toBe(404);
      expect((await (await ctx.as('xem')).post('/api/people/merge', { keepId: ids.an, mergeId: ids.other, reason: 'Thử gộp' })).statusCode).toBe(403);
      expect((await xa.post('/api/people/merge', { keepId: ids.an, mergeId: ids.other })).statusCode).toBe(400);
      expect((await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person`)).rows[0].n).toBe(before);
    });
  });
}
