// Durability of check-ins: a real server process (bin/chongdich.js serve) takes check-ins from many
// concurrent clients and is killed (SIGKILL, no shutdown) in the middle; after a restart every
// check-in it had acknowledged (201 or 200) is in the database, once. On PGlite (a data directory)
// and, with TEST_DATABASE_URL, on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/server/db/index.ts';
import { migrate } from '../../src/server/db/migrate.ts';

const repo = resolve(import.meta.dirname, '../..');
const kinds = process.env.TEST_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const CODE = '20CRASHTST';

async function seed(db: Db) {
  await migrate(db);
  await db.query(`INSERT INTO province (province_code, name) VALUES ('20', 'Tỉnh Lạng Sơn')`);
  await db.query(`INSERT INTO admin_unit (province_code, code, level, name, name_search, path, depth) VALUES ('20', '20', 'province', 'Tỉnh Lạng Sơn', 'tinh lang son', '20/', 0), ('20', '06000', 'commune', 'Phường Thử', 'phuong thu', '20/06000/', 1)`);
  await db.query(
    `INSERT INTO venue (province_code, code, name, kind, address, commune_code, unit_path, owner_name, owner_phone, status, request_id) VALUES ('20', $1, 'Chợ Thử', 'market', 'Số 1', '06000', '20/06000/', 'Chủ', '+84912000000', 'approved', 'crash')`,
    [CODE],
  );
}

function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const port = 4100 + Math.floor(Math.random() * 800);
  const child = spawn(process.execPath, [join(repo, 'bin/chongdich.js'), 'serve'], {
    cwd: repo,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', CHECKIN_MAX_PER_ADDRESS: '100000000', CHECKIN_PURGE: 'off' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  return new Promise((res, rej) => {
    const until = Date.now() + 120_000;
    const poll = async () => {
      if (child.exitCode !== null) return rej(new Error(`server exited: ${out}`));
      try {
        const r = await fetch(`${url}/readyz`);
        if (r.ok) return res({ child, url });
      } catch {
        /* not yet */
      }
      if (Date.now() > until) return rej(new Error(`server not ready: ${out}`));
      setTimeout(poll, 200);
    };
    void poll();
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.on('exit', () => res());
    process.kill(-child.pid!, 'SIGKILL');
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

for (const kind of kinds) {
  describe(`check-in durability on ${kind}`, () => {
    it('every acknowledged check-in is there after the server is killed mid-ingest and restarted', async () => {
      let env: NodeJS.ProcessEnv;
      let reopen: () => Promise<Db>;
      if (kind === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'chongdich-crash-'));
        cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
        const db = await openDb({ dataDir: dir });
        await seed(db);
        await db.close();
        env = { DATA_DIR: dir, DATABASE_URL: '' };
        reopen = () => openDb({ dataDir: dir });
      } else {
        const admin = process.env.TEST_DATABASE_URL!;
        const name = `chongdich_crash_${randomBytes(4).toString('hex')}`;
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`CREATE DATABASE ${name}`);
        await c.end();
        const u = new URL(admin);
        u.pathname = '/' + name;
        cleanups.push(async () => {
          const d = new pg.Client({ connectionString: admin });
          await d.connect();
          await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await d.end();
        });
        const db = await openDb({ databaseUrl: u.toString() });
        await seed(db);
        await db.close();
        env = { DATABASE_URL: u.toString() };
        reopen = () => openDb({ databaseUrl: u.toString() });
      }
      const { child, url } = await serve(env);
      cleanups.push(() => kill(child));
      const acked: string[] = [];
      let sent = 0;
      let stop = false;
      const client = async (n: number) => {
        for (let i = 0; !stop; i++) {
          const clientKey = `crash-${n}-${i}`;
          const phone = '09' + String(n * 100000 + i).padStart(8, '0');
          sent++;
          try {
            const r = await fetch(`${url}/api/checkins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ venueCode: CODE, clientKey, fullName: 'Khách Thử', phone }) });
            if (r.status === 201 || r.status === 200) acked.push(clientKey);
            else if (r.status !== 429) throw new Error(`unexpected ${r.status} ${await r.text()}`);
          } catch (e) {
            if (!stop && !(e instanceof TypeError)) throw e; // a TypeError is the connection dropping at the kill
          }
        }
      };
      const clients = Array.from({ length: 16 }, (_, n) => client(n));
      // Kill in the middle of the stream, once plenty has been acknowledged.
      while (acked.length < 800) await new Promise((r) => setTimeout(r, 20));
      await kill(child);
      stop = true;
      await Promise.all(clients);
      console.log(`${kind}: ${acked.length} acknowledged of ${sent} sent before the kill`);
      expect(acked.length).toBeGreaterThanOrEqual(800);
      expect(sent).toBeGreaterThan(acked.length); // some were in flight when it died
      // Restart: the server comes up on the same data; then the data is read back.
      const again = await serve(env);
      await kill(again.child);
      const db = await reopen();
      try {
        const r = await db.query<{ k: string }>(`SELECT client_key AS k FROM checkin.visit WHERE province_code = '20' AND client_key = ANY($1::text[])`, [acked]);
        const stored = new Set(r.rows.map((x) => x.k));
        const missing = acked.filter((k) => !stored.has(k));
        expect(missing).toEqual([]);
        expect(r.rows.length).toBe(new Set(acked).size);
      } finally {
        await db.close();
      }
    }, 300_000);
  });
}
