// Person search at Thanh Hóa scale on PostgreSQL, through the real HTTP API: the full demo of
// province 38 (3.6 million people) in the database `chongdich_bench_38` on the server of
// BENCH_DATABASE_URL (built once, reused by later runs), then searches signed in as `admin`:
// full names without diacritics, partial names, given names, CCCDs and phone numbers sampled from the
// registry. Prints p50/p95/p99 per kind and overall.
//   BENCH_DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres npx tsx bench/search.bench.ts
// BENCH_SEARCH_REQUESTS (default 600) changes the number of timed requests; BENCH_SEARCH_REBUILD=1
// rebuilds the database.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createDemo } from '../src/server/demo/index.ts';
import { hashPassword } from '../src/server/modules/auth/service.ts';
import { createRng, shuffle } from '../src/domain/demo/random.ts';

const PROVINCE = '38';
const DB_NAME = `chongdich_bench_${PROVINCE}`;
const REQUESTS = Number(process.env.BENCH_SEARCH_REQUESTS ?? 600);
const TARGET_P95_MS = 50;
const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;

const adminUrl = process.env.BENCH_DATABASE_URL;
if (!adminUrl) {
  console.log('Person search benchmark skipped: it runs on PostgreSQL; set BENCH_DATABASE_URL (e.g. postgres://postgres:postgres@localhost:5432/postgres)');
  process.exit(0);
}

async function adminQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query<T>(sql, params);
  } finally {
    await c.end();
  }
}

/** The bench database with a complete demo (the demo users are its last step), built when missing. */
async function benchDb(): Promise<Db> {
  const url = new URL(adminUrl!);
  url.pathname = '/' + DB_NAME;
  const exists = (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rows.length > 0;
  if (exists && !process.env.BENCH_SEARCH_REBUILD) {
    const db = await openDb({ databaseUrl: url.toString() });
    const ready = await db
      .query(`SELECT 1 FROM app_user WHERE province_code = $1 AND username = 'admin'`, [PROVINCE])
      .then((r) => r.rows.length > 0)
      .catch(() => false);
    if (ready) {
      console.log(`Reusing database ${DB_NAME}`);
      return db;
    }
    await db.close();
  }
  if (exists) await adminQuery(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${DB_NAME}`);
  const db = await openDb({ databaseUrl: url.toString() });
  await migrate(db);
  const t0 = performance.now();
  let last = 0;
  const r = await createDemo(db, {
    provinceCode: PROVINCE,
    scale: 1,
    sharedDataDir: SHARED,
    onProgress: (step, done, total) => {
      if (performance.now() - last > 10_000 || done === total) {
        console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s  ${step} ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
        last = performance.now();
      }
    },
  });
  console.log(`Built ${r.provinceName}: ${r.people.toLocaleString('en')} people in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return db;
}

interface Query {
  kind: string;
  q: string;
}

/** Realistic queries from the registry itself. */
async function sampleQueries(db: Db, n: number): Promise<Query[]> {
  const rng = createRng(2021);
  // A random sample of rows across the whole table (pages chosen at random).
  const rows = (
    await db.query<{ name_search: string; cccd: string | null; phone: string | null }>(
      `SELECT name_search, cccd, phone FROM person TABLESAMPLE SYSTEM (0.2) REPEATABLE (2021) WHERE province_code = $1 LIMIT 4000`,
      [PROVINCE],
    )
  ).rows;
  shuffle(rng, rows);
  const words = (s: string) => s.split(' ');
  const take = (share: number) => Math.round(n * share);
  const out: Query[] = [];
  const add = (kind: string, list: string[], count: number) => list.slice(0, count).forEach((q) => out.push({ kind, q }));
  add('full name', rows.map((r) => r.name_search), take(0.25));
  add('family + middle', rows.slice(1000).map((r) => words(r.name_search).slice(0, 2).join(' ')), take(0.1));
  add('family + given', rows.slice(1500).map((r) => `${words(r.name_search)[0]} ${words(r.name_search).at(-1)}`), take(0.1));
  add('middle + given', rows.slice(2000).map((r) => words(r.name_search).slice(-2).join(' ')), take(0.1));
  add('given name', rows.slice(2500).map((r) => words(r.name_search).at(-1)!).filter((w) => w.length >= 2), take(0.1));
  add('cccd', rows.filter((r) => r.cccd).map((r) => r.cccd!), take(0.2));
  // Phones as people type them: 0912 345 678.
  add('phone', rows.filter((r) => r.phone).map((r) => '0' + r.phone!.slice(3).replace(/^(\d{3})(\d{3})/, '$1 $2 ')), n - out.length);
  return shuffle(rng, out);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const db = await benchDb();
  const password = randomBytes(12).toString('base64url');
  await db.query(`UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE province_code = $1 AND username = 'admin'`, [
    PROVINCE,
    await hashPassword(password),
  ]);
  const people = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = $1`, [PROVINCE])).rows[0].n;
  const queries = await sampleQueries(db, REQUESTS);

  const app = await buildApp({ db, config: loadConfig({ sharedDataDir: SHARED }), webDir: '/nonexistent' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cd_sid='))!.split(';')[0];

    const search = async (q: string) => {
      const t = performance.now();
      const res = await fetch(`${base}/api/people?q=${encodeURIComponent(q)}&limit=20`, { headers: { cookie } });
      const body = (await res.json()) as { items?: unknown[] };
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, results: body.items!.length };
    };

    for (const { q } of queries.slice(0, 30)) await search(q); // warm-up: connections, caches, JIT
    const timings: (Query & { ms: number; results: number })[] = [];
    for (const query of queries) timings.push({ ...query, ...(await search(query.q)) });

    console.log(`${timings.length} searches over ${people.toLocaleString('en')} people (Thanh Hóa), one client, through HTTP`);
    const report = (label: string, list: typeof timings) => {
      const ms = list.map((t) => t.ms).sort((a, b) => a - b);
      const found = list.filter((t) => t.results > 0).length;
      console.log(
        `  ${label.padEnd(16)} n=${String(list.length).padStart(4)}  p50 ${percentile(ms, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(ms, 95).toFixed(1).padStart(6)} ms  p99 ${percentile(ms, 99).toFixed(1).padStart(6)} ms  found ${Math.round((100 * found) / list.length)} %`,
      );
    };
    for (const kind of [...new Set(timings.map((t) => t.kind))]) report(kind, timings.filter((t) => t.kind === kind));
    report('all', timings);
    console.log('  slowest:', [...timings].sort((a, b) => b.ms - a.ms).slice(0, 8).map((t) => `"${t.q}" (${t.kind}) ${t.ms.toFixed(0)} ms`).join(', '));
    const all = timings.map((t) => t.ms).sort((a, b) => a - b);
    console.log(`FIGURE person_search_p50_ms: ${percentile(all, 50).toFixed(1)} ms`);
    console.log(`FIGURE person_search_p95_ms: ${percentile(all, 95).toFixed(1)} ms (target ${TARGET_P95_MS} ms)`);
    console.log(`FIGURE person_search_p99_ms: ${percentile(all, 99).toFixed(1)} ms`);
  } finally {
    await app.close();
    await db.close();
  }
}

await main();
