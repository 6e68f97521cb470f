// Check-ins (issue 6 figures), with the command that produced them:
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npx tsx bench/checkins.bench.ts
// 1. Ingest over HTTP: the app (this process) on PostgreSQL, autocannon from a second process
//    (bench/checkins-load.ts), each check-in committed before its 201; 60 s (BENCH_CHECKIN_SECONDS).
//    Target ≥ 5,000/s with p99 < 100 ms. Then the same on PGlite (a data directory), target ≥ 1,000/s.
// 2. Exposure matching for a case with 40 check-ins over 14 days against 50,000,000 stored check-ins
//    (28 day partitions generated with generate_series in the database chongdich_bench_checkins,
//    built once and reused; BENCH_CHECKIN_REBUILD=1 rebuilds). Target < 100 ms.
// 3. The retention purge of the oldest day (3,000,000 check-ins) while ingest runs: how long it
//    takes, and ingest's latency during it.
// BENCH_CHECKIN_PARTS=ingest,pglite,match,purge picks parts (default all). For ingest,
// BENCH_CHECKIN_CONNECTIONS sets the load's connections (100 on PostgreSQL, 50 on PGlite) and
// BENCH_CHECKIN_PROFILE=<file>.cpuprofile writes a CPU profile of the server during the load; the
// line before the figure gives the server's and the database backends' CPU and the statements' time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedDefaultPolicies } from '../src/server/modules/policies/service.ts';
import { ensureDays, purgeExpired } from '../src/server/modules/checkins/partitions.ts';
import { matchCase } from '../src/server/modules/checkins/exposures.ts';
import { ingestStats } from '../src/server/modules/checkins/ingest.ts';
import { matchVisits } from '../src/domain/checkins/exposure.ts';
import { addDays, vnDay } from '../src/domain/checkins/time.ts';
import { venueCode } from '../src/domain/checkins/venue.ts';

const SECONDS = Number(process.env.BENCH_CHECKIN_SECONDS ?? 60);
const PARTS = (process.env.BENCH_CHECKIN_PARTS ?? 'ingest,pglite,match,purge').split(',');
const adminUrl = process.env.BENCH_DATABASE_URL;
const TOTAL = Number(process.env.BENCH_CHECKIN_ROWS ?? 50_000_000);
const OLDEST_DAY_ROWS = 3_000_000;
const DAYS = 28;
const VENUES = 20_000;

async function admin<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query<T>(sql, params);
  } finally {
    await c.end();
  }
}

async function freshPg(name: string): Promise<{ db: Db; url: string }> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl!);
  u.pathname = '/' + name;
  return { db: await openDb({ databaseUrl: u.toString() }), url: u.toString() };
}

/** A province with one commune and `n` approved venues; returns their codes. */
async function seedProvince(db: Db, n: number): Promise<string[]> {
  await migrate(db);
  await db.query(`INSERT INTO province (province_code, name) VALUES ('20', 'Tỉnh Lạng Sơn') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO admin_unit (province_code, code, level, name, name_search, path, depth) VALUES ('20', '20', 'province', 'Tỉnh Lạng Sơn', 'tinh lang son', '20/', 0), ('20', '06000', 'commune', 'Phường Thử', 'phuong thu', '20/06000/', 1) ON CONFLICT DO NOTHING`,
  );
  await db.tx((q) => seedDefaultPolicies(q, '20'));
  await db.query(
    `INSERT INTO venue (province_code, code, name, kind, address, commune_code, unit_path, owner_name, owner_phone, status, request_id)
     SELECT '20', x, 'Địa điểm ' || i, 'shop', 'Số ' || i, '06000', '20/06000/', 'Chủ', '+84912000000', 'approved', 'bench-' || i FROM unnest($1::text[]) WITH ORDINALITY AS t(x, i)
     ON CONFLICT DO NOTHING`,
    [Array.from({ length: n }, (_, i) => venueCode('20', Uint8Array.from({ length: 8 }, (_, k) => (i * 7 + k * 13 + (i >> (k % 4))) & 255)))],
  );
  return (await db.query<{ code: string }>(`SELECT code FROM venue WHERE province_code = '20' ORDER BY id LIMIT 200`)).rows.map((r) => r.code);
}

async function startApp(db: Db) {
  process.env.CHECKIN_MAX_PER_ADDRESS = '1000000000';
  process.env.CHECKIN_PURGE = 'off';
  const app = await buildApp({ db, config: loadConfig({}), webDir: '/nonexistent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

interface Load {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  /** The load process's CPU, in cores. */
  loadCpu: number;
}

function load(url: string, seconds: number, connections: number, codes: string[]): Promise<Load> {
  return new Promise((res, rej) => {
    const child = spawn('npx', ['tsx', join(import.meta.dirname, 'checkins-load.ts'), url, String(seconds), String(connections), codes.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!)) : rej(new Error(`load exited ${code}: ${out}`))));
  });
}

/** Clock ticks (1/100 s) used so far by each PostgreSQL backend of this database (Linux /proc). */
function backendTicks(database: string): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(Number(pid), Number(f[11]) + Number(f[12])); // utime, stime
      } catch {
        /* the process ended */
      }
    }
  } catch {
    /* not Linux */
  }
  return out;
}

/**
 * CPU seconds of this database's backends while `run` runs, sampled every second (the pool opens and
 * closes connections: a backend that ends between two samples loses at most its last second), and the
 * share of the machine's CPU that was busy (all processes, /proc/stat).
 */
async function measureCpu<T>(database: string | null, run: () => Promise<T>): Promise<{ result: T; databaseSeconds: number; machineBusy: number }> {
  // Ticks at the start for the backends already there; a backend first seen later began during the run (from 0).
  const first = database ? backendTicks(database) : new Map<number, number>();
  const last = new Map(first);
  const sample = () => {
    if (!database) return;
    for (const [pid, ticks] of backendTicks(database)) {
      if (!first.has(pid)) first.set(pid, 0);
      last.set(pid, ticks);
    }
  };
  const stat = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: 0, total: 0 };
    }
  };
  const s0 = stat();
  const timer = setInterval(sample, 1000);
  try {
    const result = await run();
    sample();
    const s1 = stat();
    let ticks = 0;
    for (const [pid, t] of last) ticks += t - (first.get(pid) ?? 0);
    return { result, databaseSeconds: ticks / 100, machineBusy: s1.total > s0.total ? 1 - (s1.idle - s0.idle) / (s1.total - s0.total) : 0 };
  } finally {
    clearInterval(timer);
  }
}

function figure(name: string, value: string, note = '') {
  console.log(`FIGURE ${name}: ${value}${note ? ` (${note})` : ''}`);
}

async function ingest(kind: 'postgres' | 'pglite') {
  let db: Db;
  let cleanup = async () => {};
  if (kind === 'postgres') {
    process.env.DB_POOL_SIZE = process.env.DB_POOL_SIZE ?? '16';
    db = (await freshPg('chongdich_bench_ingest')).db;
    cleanup = async () => void (await admin(`DROP DATABASE IF EXISTS chongdich_bench_ingest WITH (FORCE)`));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-'));
    db = await openDb({ dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const codes = await seedProvince(db, 200);
  const { app, url } = await startApp(db);
  const probe = await fetch(`${url}/api/checkins`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ venueCode: codes[0], clientKey: "probe-1234", fullName: "Khách Thử", phone: "0912345678" }) });
  if (probe.status !== 201) throw new Error(`probe: ${probe.status} ${await probe.text()}`);
  await load(url, 5, 50, codes); // warm-up
  const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkin.visit`)).rows[0].n;
  const b0 = { ...ingestStats };
  // BENCH_CHECKIN_PROFILE=file.cpuprofile: a CPU profile of this (the server's) process during the load.
  const profile = process.env.BENCH_CHECKIN_PROFILE ? new Session() : null;
  if (profile) {
    profile.connect();
    await profile.post('Profiler.enable');
    await profile.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const connections = Number(process.env.BENCH_CHECKIN_CONNECTIONS ?? (kind === 'postgres' ? 100 : 50));
  const { result: r, databaseSeconds, machineBusy } = await measureCpu(kind === 'postgres' ? 'chongdich_bench_ingest' : null, () => load(url, SECONDS, connections, codes));
  const cpu = process.cpuUsage(cpu0);
  if (profile) {
    const { profile: p } = await profile.post('Profiler.stop');
    writeFileSync(process.env.BENCH_CHECKIN_PROFILE!, JSON.stringify(p));
    profile.disconnect();
  }
  const batches = ingestStats.batches - b0.batches;
  const batchRows = ingestStats.rows - b0.rows;
  console.log(`  ${batches} statements, ${((ingestStats.statementMs - b0.statementMs) / Math.max(batches, 1)).toFixed(1)} ms each on average, ${((ingestStats.statementMs - b0.statementMs) / (r.seconds * 1000)).toFixed(1)} statements in flight on average`);
  const after = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkin.visit`)).rows[0].n;
  console.log(kind, JSON.stringify(r), `stored ${after - before}`, `server CPU ${((cpu.user + cpu.system) / 1000 / (r.seconds * 1000) * 100).toFixed(0)} % of one core, ${((cpu.user + cpu.system) / Math.max(r.ok, 1)).toFixed(0)} µs per check-in`, kind === 'postgres' ? `PostgreSQL backends' CPU ${((databaseSeconds / r.seconds) * 100).toFixed(0)} % of one core` : '', `load process CPU ${(r.loadCpu * 100).toFixed(0)} % of one core; the machine's two cores ${(machineBusy * 100).toFixed(0)} % busy (all processes)`);
  figure(`check-in ingest over HTTP, ${kind}, ${connections} connections`, `${Math.round(r.perSecond)} accepted/s for ${r.seconds} s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms`, `${r.ok} acknowledged, ${after - before} stored, ${r.non2xx} non-2xx, ${r.errors} errors, ${(batchRows / Math.max(batches, 1)).toFixed(1)} check-ins per commit; target ${kind === 'postgres' ? '≥ 5,000/s, p99 < 100 ms' : '≥ 1,000/s'}`);
  await app.close();
  await db.close();
  await cleanup();
}

/** The 50-million-row database: 28 day partitions ending today, the oldest with 3,000,000 rows; indexes built after the rows. */
async function bigDb(): Promise<Db> {
  const name = 'chongdich_bench_checkins';
  const u = new URL(adminUrl!);
  u.pathname = '/' + name;
  const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rows.length > 0;
  if (exists && !process.env.BENCH_CHECKIN_REBUILD) {
    const db = await openDb({ databaseUrl: u.toString() });
    const n = await db.query<{ n: number }>(`SELECT coalesce(sum(reltuples), 0)::bigint AS n FROM pg_class WHERE relname LIKE 'visit_2%'`).catch(() => ({ rows: [{ n: 0 }] }));
    if (Number(n.rows[0].n) >= TOTAL * 0.9) return db; // a purge run drops the oldest day (3 of 50 million)
    await db.close();
  }
  const { db } = await freshPg(name);
  await seedProvince(db, 10);
  await db.query(
    `INSERT INTO venue (province_code, code, name, kind, address, commune_code, unit_path, owner_name, owner_phone, status, request_id)
     SELECT '20', '20' || substr(translate(upper(md5(g::text)), '01IO', '2345'), 1, 8), 'Địa điểm ' || g, 'shop', 'Số ' || g, '06000', '20/06000/', 'Chủ', '+84912000000', 'approved', 'big-' || g
       FROM generate_series(1, $1) g ON CONFLICT DO NOTHING`,
    [VENUES],
  );
  const today = vnDay(new Date());
  const first = addDays(today, -(DAYS - 1));
  await ensureDays(db, first, addDays(today, 1));
  await db.exec(`DROP INDEX checkin.visit_client_key; DROP INDEX checkin.visit_venue_at; DROP INDEX checkin.visit_subject_at;`);
  const perDay = Math.floor((TOTAL - OLDEST_DAY_ROWS) / (DAYS - 1));
  const t0 = performance.now();
  const venueIds = (await db.query<{ min: number; max: number }>(`SELECT min(id)::int AS min, max(id)::int AS max FROM venue`)).rows[0];
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(first, d);
    const n = d === 0 ? OLDEST_DAY_ROWS : perDay;
    // 3 million people, 20,000 venues, between 6:00 and 20:00.
    await db.query(
      `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, cccd, method, client_key)
       SELECT '20', ($1::text || ' 06:00:00+07')::timestamptz + make_interval(secs => (g * 7919) % 50400), $2::int + (g * 104729) % ($3::int - $2::int + 1),
              'p+849' || lpad(((g * 2654435761) % 3000000)::text, 8, '0'), 'Khách', '+849' || lpad(((g * 2654435761) % 3000000)::text, 8, '0'), NULL, 'demo', 'big-' || $4 || '-' || g
         FROM generate_series(1, $5::bigint) g`,
      [day, venueIds.min, venueIds.max, d, n],
    );
    console.log(`  day ${d + 1}/${DAYS} (${day}): ${n} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log('  indexes…');
  await db.exec(`CREATE UNIQUE INDEX visit_client_key ON checkin.visit (province_code, client_key, at)`);
  await db.exec(`CREATE INDEX visit_venue_at ON checkin.visit (province_code, venue_id, at)`);
  await db.exec(`CREATE INDEX visit_subject_at ON checkin.visit (province_code, subject, at)`);
  await db.exec(`ANALYZE checkin.visit`);
  console.log(`  built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return db;
}

async function match(db: Db) {
  const total = Number((await db.query<{ n: number }>(`SELECT sum(reltuples)::bigint AS n FROM pg_class WHERE relname LIKE 'visit_2%' AND relkind = 'r'`)).rows[0].n);
  const today = vnDay(new Date());
  const venues = (await db.query<{ min: number; max: number }>(`SELECT min(id)::int AS min, max(id)::int AS max FROM venue`)).rows[0];
  const times: number[] = [];
  let rows = 0;
  let suggestions = 0;
  for (let c = 0; c < 21; c++) {
    const phone = `+8480${String(1_000_000 + c).padStart(7, '0')}`;
    const person = await db.query<{ id: number }>(
      `INSERT INTO person (province_code, natural_key, full_name, name_search, phone, commune_code, unit_path) VALUES ('20', $1, 'Ca Bệnh', 'ca benh', $2, '06000', '20/06000/')
       ON CONFLICT (province_code, natural_key) DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [`bench-case-${c}`, phone],
    );
    // 40 check-ins over the 14 days before the report date, at random venues, daytime.
    await db.query(
      `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, method, client_key)
       SELECT '20', ($1::date - (k % 14))::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '7 hours' + make_interval(mins => (k * 137 + $4::int * 11) % 720),
              $2::int + (k * 7907 + $4::int * 104729) % ($3::int - $2::int + 1), 'p' || $5, 'Ca Bệnh', $5, 'demo', 'case-' || $4::int || '-' || k
         FROM generate_series(1, 40) k ON CONFLICT DO NOTHING`,
      [addDays(today, -1), venues.min, venues.max, c, phone],
    );
    const t0 = performance.now();
    // Onset 13 days before: all 40 check-ins fall in the transmission window.
    const m = await matchCase(db, '20', { id: 1, personId: Number(person.rows[0].id), onsetDate: addDays(today, -13), sampleDate: null, reportDate: addDays(today, -1) });
    const s = matchVisits(m.caseVisits, m.others, m.minutes, m.subjects);
    const ms = performance.now() - t0;
    if (c > 0) times.push(ms); // the first warms the cache
    rows += m.others.length;
    suggestions += s.length;
    if (c === 0) console.log(`  first (cold) match: ${ms.toFixed(1)} ms, ${m.caseVisits.length} case check-ins, ${m.others.length} rows, ${s.length} people`);
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  figure(
    'exposure matching, one case with 40 check-ins over 14 days',
    `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${times[times.length - 1].toFixed(1)} ms`,
    `${times.length} cases against ${Math.round(total / 1e6)} million stored check-ins, ${Math.round(rows / 21)} co-located visits and ${Math.round(suggestions / 21)} people per case; target < 100 ms`,
  );
}

async function purge(db: Db) {
  const parts = await db.query<{ n: string }>(`SELECT relname AS n FROM pg_class WHERE relname LIKE 'visit_2%' AND relkind = 'r' ORDER BY relname LIMIT 1`);
  const oldest = parts.rows[0].n;
  const rows = Number((await db.query<{ n: number }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = $1`, [oldest])).rows[0].n);
  const day = `${oldest.slice(6, 10)}-${oldest.slice(10, 12)}-${oldest.slice(12, 14)}`;
  const today = vnDay(new Date());
  // Retention such that exactly the oldest day is past it.
  const days = Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000);
  await db.query(`UPDATE policy_version SET value = $1 WHERE province_code = '20' AND key = 'checkins.retention_days'`, [JSON.stringify({ days })]);
  const codes = (await db.query<{ code: string }>(`SELECT code FROM venue ORDER BY id LIMIT 200`)).rows.map((r) => r.code);
  const { app, url } = await startApp(db);
  const quiet = await load(url, 10, 50, codes);
  let purgeMs = 0;
  let dropped: string[] = [];
  const during = load(url, 20, 50, codes);
  await new Promise((r) => setTimeout(r, 8000));
  const t0 = performance.now();
  const r = await purgeExpired(db);
  purgeMs = performance.now() - t0;
  dropped = r.droppedPartitions;
  const busy = await during;
  console.log('quiet', JSON.stringify(quiet), 'during purge', JSON.stringify(busy), 'dropped', dropped);
  figure(
    `retention purge of one day (${(rows / 1e6).toFixed(1)} million check-ins)`,
    `${purgeMs.toFixed(0)} ms to drop ${dropped.join(', ')}`,
    `ingest meanwhile: ${Math.round(busy.perSecond)}/s, p99 ${busy.p99} ms, max ${busy.max} ms, ${busy.non2xx} non-2xx (without the purge: ${Math.round(quiet.perSecond)}/s, p99 ${quiet.p99} ms, max ${quiet.max} ms)`,
  );
  await app.close();
}

if (PARTS.includes('ingest') && adminUrl) await ingest('postgres');
if (PARTS.includes('pglite')) await ingest('pglite');
if ((PARTS.includes('match') || PARTS.includes('purge')) && adminUrl) {
  const db = await bigDb();
  if (PARTS.includes('match')) await match(db);
  if (PARTS.includes('purge')) await purge(db);
  await db.close();
}
if (!adminUrl) console.log('PostgreSQL parts skipped: set BENCH_DATABASE_URL');
process.exit(0);
