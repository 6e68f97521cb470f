// Backup and restore on every database, across engines (PGlite ⇄ PostgreSQL when TEST_DATABASE_URL
// is set), refusals that write nothing (non-empty target, corrupt or newer files), and the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { BackupError, backupDatabase, CsvRecordScanner, listTables, orderByForeignKeys, restoreDatabase, type BackupHeader } from '../../src/server/backup.ts';
import type { Db, Queryable } from '../../src/server/db/index.ts';
import { createUser } from '../../src/server/modules/users/service.ts';
import { createTestContext, signIn, type TestContext } from '../helpers/app.ts';
import { createTestDb, DB_KINDS, type DbKind } from '../helpers/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'chongdich-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What each engine's backup held, for the cross-engine restores at the end. */
const made: Partial<Record<DbKind, { file: string; counts: Record<string, number>; content: Record<string, string[]>; password: string }>> = {};

const CONTENT_TABLES = ['person', 'app_user', 'admin_unit', 'policy_version', 'audit_log', 'household', 'province'];

async function counts(q: Queryable): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await listTables(q)) {
    if (t.name === 'schema_migration') continue;
    out[t.name] = Number((await q.query<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`)).rows[0].n);
  }
  return out;
}

/** Every row of a table as JSON, sorted: equal across engines when the data is equal. */
async function content(q: Queryable, table: string): Promise<string[]> {
  const r = await q.query(`SELECT * FROM "${table}"`);
  return r.rows.map((row) => JSON.stringify(row)).sort();
}

async function allContent(q: Queryable) {
  return Object.fromEntries(await Promise.all(CONTENT_TABLES.map(async (t) => [t, await content(q, t)] as const)));
}

const TRICKY_ADDRESS = 'Thôn Nà Pàn, "xóm mới",\nngõ 3\\.\n\\.\r\nhết';

/** Rows whose text needs CSV quoting (quotes, commas, newlines, \., empty vs NULL), a policy version and an audit entry. */
async function addTrickyRows(db: Db) {
  const commune = (await db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = '20' AND level = 'commune' ORDER BY code LIMIT 1`)).rows[0];
  await db.query(
    `INSERT INTO person (province_code, natural_key, cccd, full_name, name_search, birth_date, sex, phone, commune_code, unit_path, address)
     VALUES ('20', 'backup-1', '020185000123', 'Hoàng Thị "Bé" Hoa', 'hoang thi be hoa', '1985-02-28', 'F', '+84912345678', $1, $2, $3),
            ('20', 'backup-2', NULL, 'Lý Văn Ba', 'ly van ba', NULL, 'M', NULL, $1, $2, '')`,
    [commune.code, commune.path, TRICKY_ADDRESS],
  );
  await db.query(
    `INSERT INTO policy_version (province_code, key, version, effective_from, value, source, note)
     VALUES ('20', 'backup_test', 1, '2021-05-01', $1, 'QĐ 123/QĐ-UBND, "khẩn"', $2)`,
    [JSON.stringify({ text: 'a "b", c\nd', list: [1, 2.5, null] }), 'dòng 1\ndòng 2'],
  );
  await db.query(`INSERT INTO audit_log (province_code, action, entity, entity_id, details) VALUES ('20', 'backup_test', 'person', 'x', '{"ghi chú": "có dấu"}')`);
}

function header(file: string): BackupHeader {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return JSON.parse(text.slice(0, text.indexOf('\n')));
}

/** A copy of a backup with its header changed. */
function withHeader(file: string, out: string, change: (h: BackupHeader) => unknown) {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const nl = text.indexOf('\n');
  writeFileSync(out, gzipSync(JSON.stringify(change(JSON.parse(text.slice(0, nl)))) + text.slice(nl)));
  return out;
}

const allZero = (c: Record<string, number>) => Object.values(c).every((n) => n === 0);

describe('CSV record scanner', () => {
  it('counts records at newlines outside quotes, across chunks', () => {
    const csv = '1,"a\n""b"",\n",x\n2,,\n3,"",""""\n';
    for (let cut = 0; cut <= csv.length; cut++) {
      const s = new CsvRecordScanner();
      const a = s.scan(Buffer.from(csv.slice(0, cut)), 0, Infinity).records;
      const b = s.scan(Buffer.from(csv.slice(cut)), 0, Infinity).records;
      expect(a + b).toBe(3);
    }
    const s = new CsvRecordScanner();
    expect(s.scan(Buffer.from(csv), 0, 2)).toEqual({ records: 2, end: csv.indexOf('3,') });
  });

  it('orders tables parents first, ignoring self-references', () => {
    expect(orderByForeignKeys(['c', 'b', 'a', 'd'], [{ child: 'a', parent: 'b' }, { child: 'b', parent: 'c' }, { child: 'd', parent: 'd' }])).toEqual(['c', 'd', 'b', 'a']);
  });
});

for (const kind of DB_KINDS) {
  describe(`backup and restore on ${kind}`, () => {
    let ctx: TestContext;
    let target: Db;
    let file: string;
    let source: { counts: Record<string, number>; content: Record<string, string[]> };
    const adminPassword = () => ctx.demo.logins.find((l) => l.username === 'admin')!.password;

    beforeAll(async () => {
      ctx = await createTestContext(kind);
      await addTrickyRows(ctx.db);
      await ctx.as('admin'); // an audited login and a session
      target = await createTestDb(kind);
      file = join(dir, `${kind}.chongdich.gz`);
    });
    afterAll(async () => {
      await target?.close();
      await ctx?.close();
    });

    it('writes one gzip file: header line, tables parents first, no sessions', async () => {
      source = { counts: await counts(ctx.db), content: await allContent(ctx.db) };
      expect(source.counts.user_session).toBeGreaterThan(0);
      const steps = new Set<string>();
      const h = await backupDatabase(ctx.db, file, (step) => steps.add(step));
      expect(h).toEqual(header(file));
      expect(h).toMatchObject({ format: 'chongdich-backup', version: 1, engine: kind });
      expect(h.migrations).toContain('001_foundation');
      const names = h.tables.map((t) => t.name);
      expect(names).not.toContain('user_session');
      expect(names).not.toContain('schema_migration');
      expect(names.indexOf('province')).toBeLessThan(names.indexOf('admin_unit'));
      expect(names.indexOf('province')).toBeLessThan(names.indexOf('app_user'));
      for (const t of h.tables) expect(t.rows, t.name).toBe(source.counts[t.name]);
      expect(steps).toEqual(new Set(names));
      made[kind] = { file, ...source, password: adminPassword() };
    });

    it('refuses corrupt, truncated, foreign and newer files and writes nothing', async () => {
      const bytes = readFileSync(file);
      const bad = (name: string, data: Buffer | string) => {
        writeFileSync(join(dir, name), data);
        return join(dir, name);
      };
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(flipped.length / 2)] ^= 0xff;
      const cases: [string, RegExp][] = [
        [bad('truncated.gz', bytes.subarray(0, Math.floor(bytes.length * 0.6))), /cắt cụt/],
        [bad('flipped.gz', flipped), /hỏng/],
        [bad('plain.csv', 'cccd,ho_ten\n020185000123,An\n'), /không phải bản sao lưu chongdich/],
        [bad('other.gz', gzipSync('{"format":"something-else"}\n1,2\n')), /không phải bản sao lưu chongdich/],
        [bad('empty.gz', Buffer.alloc(0)), /không phải bản sao lưu chongdich/],
        [withHeader(file, join(dir, 'newer.gz'), (h) => ({ ...h, migrations: [...h.migrations, '999_future'] })), /phiên bản mới hơn.*999_future/],
        [withHeader(file, join(dir, 'v2.gz'), (h) => ({ ...h, version: 2 })), /phiên bản định dạng/],
        [withHeader(file, join(dir, 'norows.gz'), (h) => ({ ...h, tables: h.tables.map((t) => ({ ...t, rows: -1 })) })), /không phải bản sao lưu/],
        [withHeader(file, join(dir, 'unknown-table.gz'), (h) => ({ ...h, tables: [{ name: 'no_such_table', columns: ['x'], rows: 0 }, ...h.tables] })), /no_such_table/],
        [withHeader(file, join(dir, 'more-rows.gz'), (h) => ({ ...h, tables: h.tables.map((t) => (t.name === 'app_user' ? { ...t, rows: t.rows + 1 } : t)) })), /hỏng|cắt cụt/],
        [withHeader(file, join(dir, 'fewer-rows.gz'), (h) => ({ ...h, tables: h.tables.map((t) => (t.name === 'admin_unit' ? { ...t, rows: t.rows - 1 } : t)) })), /hỏng|cắt cụt/],
        [join(dir, 'missing.gz'), /không tìm thấy tệp/],
      ];
      for (const [f, message] of cases) {
        await expect(restoreDatabase(target, f), f).rejects.toThrow(BackupError);
        await expect(restoreDatabase(target, f), f).rejects.toThrow(message);
        expect(allZero(await counts(target)), f).toBe(true);
      }
    });

    it('restores into an empty database: the same rows and content, sessions left out', async () => {
      const h = await restoreDatabase(target, file);
      expect(h.tables.length).toBeGreaterThan(5);
      const after = await counts(target);
      expect(after).toEqual({ ...source.counts, user_session: 0 });
      expect(await allContent(target)).toEqual(source.content);
      const tricky = await target.query<{ natural_key: string; address: string | null; birth_date: string | null }>(
        `SELECT natural_key, address, birth_date FROM person WHERE natural_key LIKE 'backup-%' ORDER BY natural_key`,
      );
      expect(tricky.rows).toEqual([
        { natural_key: 'backup-1', address: TRICKY_ADDRESS, birth_date: '1985-02-28' },
        { natural_key: 'backup-2', address: '', birth_date: null },
      ]);
    });

    it('lets the demo users sign in on the restored database', async () => {
      const app = await buildApp({ db: target, config: ctx.config, webDir: '/nonexistent' });
      try {
        await app.ready();
        const admin = await signIn(app, 'admin', adminPassword());
        expect((await admin.get('/api/auth/me')).statusCode).toBe(200);
        const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'not-the-password' } });
        expect(wrong.statusCode).toBe(401);
      } finally {
        await app.close();
      }
    });

    it('gives rows inserted after the restore fresh ids', async () => {
      const max = async (t: string) => Number((await target.query<{ m: number }>(`SELECT max(id) AS m FROM ${t}`)).rows[0].m);
      const [maxPerson, maxUser, maxAudit] = [await max('person'), await max('app_user'), await max('audit_log')];
      const commune = (await target.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE level = 'commune' LIMIT 1`)).rows[0];
      const person = await target.query<{ id: number }>(
        `INSERT INTO person (province_code, natural_key, full_name, name_search, commune_code, unit_path) VALUES ('20', 'after-restore', 'Mới', 'moi', $1, $2) RETURNING id`,
        [commune.code, commune.path],
      );
      expect(person.rows[0].id).toBeGreaterThan(maxPerson);
      const userId = await target.tx((q) => createUser(q, '20', { username: 'sau_khoi_phuc', fullName: 'Sau khôi phục', password: 'mat-khau-dai-123', role: 'viewer', unitCode: commune.code }));
      expect(userId).toBeGreaterThan(maxUser);
      const audit = await target.query<{ id: number }>(`INSERT INTO audit_log (province_code, action, entity) VALUES ('20', 'x', 'y') RETURNING id`);
      expect(audit.rows[0].id).toBeGreaterThan(maxAudit);
    });

    it('refuses a database that holds data unless forced, and changes nothing', async () => {
      const before = await counts(target);
      const beforeContent = await allContent(target);
      await expect(restoreDatabase(target, file)).rejects.toThrow(/đã có dữ liệu.*--force/);
      // Forced with a damaged file: the replacement is one transaction, so the data stays.
      const bytes = readFileSync(file);
      writeFileSync(join(dir, 'cut.gz'), bytes.subarray(0, bytes.length - 20));
      await expect(restoreDatabase(target, join(dir, 'cut.gz'), { force: true })).rejects.toThrow(BackupError);
      expect(await counts(target)).toEqual(before);
      expect(await allContent(target)).toEqual(beforeContent);
    });

    it('with --force replaces all data with the backup (here in many small COPY batches)', async () => {
      const loaded = new Map<string, number>();
      await restoreDatabase(target, file, { force: true, batchBytes: 2000 }, (step, done) => loaded.set(step, (loaded.get(step) ?? 0) + (done > 0 ? 1 : 0)));
      expect(loaded.get('admin_unit')).toBeGreaterThan(2);
      expect(await counts(target)).toEqual({ ...source.counts, user_session: 0 });
      expect(await allContent(target)).toEqual(source.content);
      const user = await target.query(`SELECT 1 FROM app_user WHERE username = 'sau_khoi_phuc'`);
      expect(user.rows).toEqual([]);
    });
  });
}

if (DB_KINDS.includes('postgres')) {
  describe('restore across engines', () => {
    for (const [from, to] of [['pglite', 'postgres'], ['postgres', 'pglite']] as const) {
      it(`restores a ${from} backup into ${to}`, async () => {
        const src = made[from];
        expect(src, `the ${from} backup`).toBeDefined();
        const db = await createTestDb(to);
        try {
          await restoreDatabase(db, src!.file);
          expect(await counts(db)).toEqual({ ...src!.counts, user_session: 0 });
          expect(await allContent(db)).toEqual(src!.content);
          const person = await db.query<{ id: number }>(
            `INSERT INTO person (province_code, natural_key, full_name, name_search, commune_code, unit_path) VALUES ('20', 'cross', 'X', 'x', 'c', '20/') RETURNING id`,
          );
          expect(person.rows[0].id).toBeGreaterThan(Math.max(0, ...(await db.query<{ id: number }>(`SELECT id FROM person WHERE natural_key <> 'cross'`)).rows.map((r) => r.id)));
        } finally {
          await db.close();
        }
      });
    }
  });
}

describe('chongdich backup / restore commands', () => {
  it('restores into a new PGlite directory and backs it up again', () => {
    const src = made.pglite;
    expect(src, 'the pglite backup').toBeDefined();
    const env = { ...process.env, DATA_DIR: join(dir, 'cli-data'), DATABASE_URL: '' };
    const run = (...args: string[]) => spawnSync(process.execPath, [resolve('bin/chongdich.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
    const restored = run('restore', src!.file);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Đã khôi phục \d+ bảng/);
    expect(restored.stdout).toMatch(/admin_unit\s+[\d.]+/);
    const again = run('restore', src!.file);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/đã có dữ liệu/);
    const out = join(dir, 'cli-again.gz');
    const backedUp = run('backup', out);
    expect(backedUp.status, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toMatch(/Đã sao lưu \d+ bảng/);
    const rows = (h: BackupHeader) => Object.fromEntries(h.tables.map((t) => [t.name, t.rows]));
    expect(rows(header(out))).toEqual(rows(header(src!.file)));
  }, 240_000);
});
