// People import throughput: a generated registry CSV of valid rows for Lạng Sơn (1,000,000 rows
// by default, BENCH_ROWS to change) imported through the import service (no HTTP) into a fresh
// PGlite, or a fresh database on the PostgreSQL server of BENCH_DATABASE_URL.
//   npx tsx bench/import-people.bench.ts
//   BENCH_ROWS=100000 BENCH_DATABASE_URL=postgres://postgres:postgres@localhost/postgres npx tsx bench/import-people.bench.ts
// BENCH_CHUNK sets the rows per transaction; BENCH_REIMPORT=1 also times importing the same file again (every row unchanged).
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { importAdminUnits } from '../src/server/modules/units/service.ts';
import { checkPeopleFile, createPeopleJob, runPeopleImport, type Importer } from '../src/server/modules/imports/service.ts';
import { cccdPrefix } from '../src/domain/people/normalize.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PROVINCE = '20';
const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const TARGETS = { pglite: 15_000, postgres: 50_000 };
const MEMORY_TARGET_MIB = 1024;

/** Small deterministic PRNG (mulberry32): the same file every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Hoàng', 'Vi', 'Lương', 'Nông', 'Lăng', 'Hà', 'Lộc', 'Chu', 'Đinh', 'Vũ', 'Đặng', 'Bùi', 'Lý', 'Triệu', 'Mã'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Xuân', 'Thành'];
const MIDDLE_F = ['Thị', 'Thu', 'Ngọc', 'Thanh', 'Hồng', 'Minh'];
const GIVEN_M = ['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Khánh', 'Long', 'Nam', 'Phong', 'Quân', 'Sơn', 'Thắng', 'Tuấn', 'Việt'];
const GIVEN_F = ['Anh', 'Chi', 'Dung', 'Hà', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Phương', 'Thảo', 'Trang', 'Vân', 'Yến'];
const STREETS = ['Lê Lợi', 'Trần Đăng Ninh', 'Bà Triệu', 'Hùng Vương', 'Quốc lộ 1A', 'Ba Sơn', 'Tam Thanh'];

function communeCodes(): string[] {
  const doc = JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8'));
  const p = doc.data.find((x: { level1_id: string }) => x.level1_id === PROVINCE);
  return p.level2s.flatMap((d: { level3s: { level3_id: string }[] }) => d.level3s.map((c) => c.level3_id));
}

/** A registry of `rows` valid people in households of about 3.5, every CCCD unique. */
export async function generateCsv(path: string, rows: number) {
  const communes = communeCodes();
  const rand = rng(2021);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const out = createWriteStream(path);
  out.write('Số CCCD,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Thôn,Mã hộ,Địa chỉ\n');
  let household = 0;
  let left = 0;
  let commune = communes[0];
  let address = '';
  let buf = '';
  for (let i = 0; i < rows; i++) {
    if (left === 0) {
      household++;
      left = 1 + Math.floor(rand() * 6);
      commune = pick(communes);
      address = `"Số ${1 + Math.floor(rand() * 200)}, ${pick(STREETS)}"`;
    }
    left--;
    const female = rand() < 0.5;
    const year = 1930 + Math.floor(rand() * 91);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const name = `${pick(FAMILY)} ${pick(female ? MIDDLE_F : MIDDLE_M)} ${pick(female ? GIVEN_F : GIVEN_M)}`;
    // Under 14s rarely have a CCCD: keyed by household + name + birth date instead.
    const cccd = year > 2007 ? '' : cccdPrefix(PROVINCE, year, female ? 'F' : 'M') + String(i % 1_000_000).padStart(6, '0');
    const phone = year < 2007 && rand() < 0.8 ? '09' + String(Math.floor(rand() * 1e8)).padStart(8, '0') : '';
    buf += `${cccd},${name},${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year},${female ? 'Nữ' : 'Nam'},${phone},${commune},,HH${household},${address}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving database `name` (and their parallel
 * workers), when the server runs on this machine: sampled from /proc while the import runs, since a
 * backend's time is gone once it exits. Null when the server is elsewhere. Other databases on the
 * same server (other work on the machine) do not count.
 */
function serverCpu(name: string) {
  const seen = new Map<number, number>();
  const sample = () => {
    let procs: string[];
    try {
      procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    const found: [number, string, number][] = [];
    const leaders = new Set<number>();
    for (const p of procs) {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        if (!cmd.startsWith('postgres:')) continue;
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        found.push([Number(p), cmd, (Number(f[11]) + Number(f[12])) / 100]);
        if (cmd.includes(` ${name} `)) leaders.add(Number(p));
      } catch {
        /* gone meanwhile */
      }
    }
    for (const [pid, cmd, cpu] of found) {
      const m = /parallel worker for PID (\d+)/.exec(cmd);
      if (leaders.has(pid) || (m && leaders.has(Number(m[1])))) seen.set(pid, Math.max(seen.get(pid) ?? 0, cpu));
    }
  };
  const timer = setInterval(sample, 100);
  return {
    seconds(): number | null {
      sample();
      return seen.size ? [...seen.values()].reduce((a, b) => a + b, 0) : null;
    },
    stop: () => clearInterval(timer),
  };
}

async function freshDb(): Promise<{ db: Db; kind: 'pglite' | 'postgres'; name: string | null; drop: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-pglite-'));
    const db = await openDb({ dataDir: dir });
    return { db, kind: 'pglite', name: null, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `chongdich_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString() });
  return { db, kind: 'postgres', name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function timedImport(db: Db, path: string, importer: Importer, server: ReturnType<typeof serverCpu> | null) {
  const checked = await checkPeopleFile(path);
  const server0 = server?.seconds() ?? null;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const jobId = await createPeopleJob(db, importer, 'bench.csv', null);
  const r = await runPeopleImport(db, importer, jobId, checked, { chunkSize: process.env.BENCH_CHUNK ? Number(process.env.BENCH_CHUNK) : undefined });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const server1 = server?.seconds() ?? null;
  const serverSeconds = server0 !== null && server1 !== null ? server1 - server0 : null;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  if (r.status !== 'done') throw new Error(r.message);
  return { r, seconds, cpuSeconds, serverSeconds, peak };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-import-'));
  const csv = join(dir, 'people.csv');
  const { db, kind, name, drop } = await freshDb();
  const server = name ? serverCpu(name) : null;
  try {
    let t = performance.now();
    await generateCsv(csv, ROWS);
    console.log(`generated ${ROWS.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await migrate(db);
    await importAdminUnits(db, JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), PROVINCE);
    const importer: Importer = { provinceCode: PROVINCE, jurisdictionPath: `${PROVINCE}/`, userId: null, via: 'cli', req: null };
    global.gc?.();
    const baseline = process.memoryUsage.rss();

    const load0 = os.loadavg()[0];
    const first = await timedImport(db, csv, importer, server);
    const { r } = first;
    // CPU time of this process (on PGlite: all the work) and of the database's backends tells how
    // much of the wall time was the machine being busy elsewhere (2 cores: the work cannot take
    // less than half their sum).
    const serverCpuText = first.serverSeconds !== null ? `, database backends CPU ${first.serverSeconds.toFixed(1)} s` : '';
    console.log(
      `${kind}: ${r.insertedRows} inserted, ${r.updatedRows} updated, ${r.unchangedRows} unchanged, ${r.errorRows} errors in ${first.seconds.toFixed(1)} s ` +
        `(process CPU ${first.cpuSeconds.toFixed(1)} s${serverCpuText}; load average ${load0.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after, ${os.cpus().length} cores)`,
    );
    if (r.insertedRows !== ROWS) throw new Error(`expected ${ROWS} new people, got ${r.insertedRows} (errors: ${r.errorsCsv?.slice(0, 500)})`);
    const rate = Math.round(ROWS / first.seconds);
    const mib = Math.round((first.peak - baseline) / 1024 / 1024);
    console.log(`FIGURE import_people_rows_per_s_${kind}: ${rate} rows/s (target ${TARGETS[kind]})`);
    console.log(`FIGURE import_people_peak_rss_mib_${kind}: ${mib} MiB (target < ${MEMORY_TARGET_MIB})`);

    if (process.env.BENCH_REIMPORT) {
      t = performance.now();
      const again = await timedImport(db, csv, importer, server);
      if (again.r.unchangedRows !== ROWS) throw new Error(`re-import changed rows: ${again.r.message}`);
      console.log(`FIGURE import_people_reimport_rows_per_s_${kind}: ${Math.round(ROWS / again.seconds)} rows/s (no target)`);
    }
  } finally {
    server?.stop();
    await db.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Runs when executed, not when imported (the generator is reused by tools).
if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
