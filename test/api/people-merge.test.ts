// Duplicate people on every database: candidates by CCCD, phone, name and birth date; merging
// moves cases, exposures and orders to the kept record; contradicting records are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';

const today = todayInVietnam();

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
