// Command dashboard and daily report figures (issue 7) at Thanh Hóa scale, on a copy of the levels
// benchmark's database (576 units, 3.6 M people as the units' population, 120,000 cases over 60
// days, weekly coverage facts): through the services the routes call (no HTTP).
// 1. GET /api/dashboard for the province, a district and a commune (headline, curve, children with
//    levels, coverage and positivity, level changes) — target p95 < 150 ms.
// 2. The daily report of the province: data, Excel and PDF — target < 5 s.
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npx tsx bench/dashboard.bench.ts
// Run `npm run bench -- levels` first (it builds chongdich_bench_levels_38); this copies it to
// chongdich_bench_dashboard_38 once (BENCH_DASHBOARD_RECOPY=1 copies again).
import os from 'node:os';
import pg from 'pg';
import { openDb } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { todayInVietnam } from '../src/server/modules/imports/service.ts';
import { ensureFacts, addDays } from '../src/server/modules/levels/facts.ts';
import { dashboard, unitInScope } from '../src/server/modules/dashboard/service.ts';
import { reportData } from '../src/server/modules/reports/data.ts';
import { reportPdf, reportXlsx } from '../src/server/modules/reports/files.ts';

const adminUrl = process.env.BENCH_DATABASE_URL;
if (!adminUrl) throw new Error('BENCH_DATABASE_URL is required (PostgreSQL)');
const SRC = 'chongdich_bench_levels_38';
const DB = 'chongdich_bench_dashboard_38';
const PC = '38';
const today = todayInVietnam();
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}
const url = (name: string) => {
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  return u.toString();
};
const pctl = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)).rowCount;
if (!exists || process.env.BENCH_DASHBOARD_RECOPY) {
  if (exists) await admin(`DROP DATABASE ${DB}`);
  await admin(`CREATE DATABASE ${DB} TEMPLATE ${SRC}`);
}
const db = await openDb({ databaseUrl: url(DB) });
await migrate(db);
const province = (await db.query<{ path: string; code: string }>(`SELECT path, code FROM admin_unit WHERE province_code = $1 AND level = 'province'`, [PC])).rows[0];
const scope = { provinceCode: PC, path: province.path };
// The days of the window current first (what the first read of the day does), not measured here.
await db.tx((q) => ensureFacts(q, PC, addDays(today, -29), today, today));
const busiest = async (level: string) =>
  (await db.query<{ code: string }>(`SELECT f.unit_code AS code FROM level_fact f JOIN admin_unit u ON u.province_code = f.province_code AND u.code = f.unit_code WHERE f.province_code = $1 AND u.level = $2 AND f.day > $3::date - 7 GROUP BY 1 ORDER BY sum(f.community_cases) DESC LIMIT 1`, [PC, level, today])).rows[0].code;
const units = [province.code, await busiest('district'), await busiest('commune')];
console.log(`load average ${load()}`);
for (const code of units) {
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    await db.tx(async (q) => dashboard(q, scope, (await unitInScope(q, scope, code))!, today, today, 30));
    times.push(performance.now() - t0);
  }
  const u = await unitInScope(db, scope, code);
  console.log(`dashboard ${u!.level} ${u!.name}: median ${pctl(times, 50).toFixed(0)} ms, p95 ${pctl(times, 95).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (25 reads)`);
}
const rt: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const d = await db.tx(async (q) => reportData(q, scope, (await unitInScope(q, scope, province.code))!, today, today));
  const t1 = performance.now();
  const [x, p] = await Promise.all([reportXlsx(d), reportPdf(d)]);
  const t2 = performance.now();
  rt.push(t2 - t0);
  console.log(`daily report of the province: ${(t2 - t0).toFixed(0)} ms (data ${(t1 - t0).toFixed(0)} ms, files ${(t2 - t1).toFixed(0)} ms; Excel ${x.length} B, PDF ${p.length} B, ${d.children.length} districts)`);
}
console.log(`load average ${load()}`);
await db.close();
