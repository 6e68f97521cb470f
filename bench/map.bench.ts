// Province map page, first render: from navigating to /units/<province> until the SVG has one path
// per district (and the browser has painted), in Debian's Chromium on this machine. Each load uses
// a fresh browser context holding only the session cookie, so nothing comes from the HTTP cache:
// what a user sees the first time they open the map. Median of 5 loads; best and warm reloads too.
// Also printed: the boundaries payload and when its request started (the page head starts it, see
// web/public/early.js), to tell the waterfall from the server and the rendering.
// Needs the built web app (npm run build:web; rebuilt when older than web/). Machine load matters:
// the load average is printed with the figures.
//   npx tsx bench/map.bench.ts
//   BENCH_DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres npx tsx bench/map.bench.ts
// BENCH_MAP_LOADS (default 5), BENCH_DEMO_PROVINCE (default 20), BENCH_DEMO_SCALE (default the tests' 0.002;
// 1 builds the full province first, as a real deployment has it).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { startTestServer } from '../test/helpers/server.ts';
import { launchBrowser, newContext, signIn, type Browser } from '../test/browser/support.ts';

const LOADS = Number(process.env.BENCH_MAP_LOADS ?? 5);
const PROVINCE = process.env.BENCH_DEMO_PROVINCE ?? '20';
const SCALE = process.env.BENCH_DEMO_SCALE ? Number(process.env.BENCH_DEMO_SCALE) : undefined;
const TARGET_MS = 2000;

/** A fresh database on the PostgreSQL server of BENCH_DATABASE_URL, dropped by `drop()`. */
async function freshPostgres(url: string): Promise<{ db: Db; drop(): Promise<void> }> {
  const name = `chongdich_bench_map_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString() });
  return {
    db,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Records (in page time, ms since navigation start) the first paint after the map has `n` paths.
 * A string, not a function: tsx would wrap a function's inner closures in a helper the page lacks.
 */
const observeMap = (n: number) => `
  new MutationObserver((_, obs) => {
    if (document.querySelectorAll('[data-testid=choropleth] path.choropleth-path').length < ${n}) return;
    obs.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => (window.__mapRenderedAt = performance.now())));
  }).observe(document, { childList: true, subtree: true });`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const pgDb = process.env.BENCH_DATABASE_URL ? await freshPostgres(process.env.BENCH_DATABASE_URL) : null;
  const engine = pgDb ? 'postgres' : 'pglite';
  const server = await startTestServer({ provinceCode: PROVINCE, db: pgDb?.db, scale: SCALE });
  let browser: Browser | null = null;
  try {
    const { rows } = await server.db.query<{ code: string; n: number }>(
      `SELECT p.code, (SELECT count(*)::int FROM admin_boundary b JOIN admin_unit d ON d.province_code = b.province_code AND d.code = b.unit_code
                        WHERE d.province_code = p.province_code AND d.parent_code = p.code) AS n
         FROM admin_unit p WHERE p.province_code = $1 AND p.level = 'province'`,
      [PROVINCE],
    );
    const { code, n } = rows[0];
    browser = await launchBrowser();
    const { context: login } = await newContext(browser, server.url);
    const page = await login.newPage();
    await signIn(page, 'admin', server.password('admin'));
    const session = await login.storageState();
    await login.close();

    const cold: number[] = [];
    let mapBytes = 0;
    let mapApiMs = 0;
    const mapStarts: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const { context, problems } = await newContext(browser, server.url);
      await context.addCookies(session.cookies);
      const p = await context.newPage();
      await p.addInitScript(observeMap(n));
      await p.goto(`/units/${code}`);
      await p.waitForFunction(() => (window as unknown as { __mapRenderedAt?: number }).__mapRenderedAt, null, { timeout: 60_000 });
      cold.push(await p.evaluate(() => (window as unknown as { __mapRenderedAt: number }).__mapRenderedAt));
      const api = await p.evaluate(() => {
        const e = performance.getEntriesByType('resource').find((r) => /\/api\/units\/[^/]+\/map$/.test(r.name)) as PerformanceResourceTiming | undefined;
        return e ? { bytes: e.encodedBodySize || e.transferSize, ms: e.responseEnd - e.requestStart, start: e.startTime } : null;
      });
      if (api) [mapBytes, mapApiMs] = [api.bytes, mapApiMs + api.ms / LOADS];
      if (api) mapStarts.push(api.start);
      if (problems.length) throw new Error(problems.join('\n'));
      await context.close();
    }

    // Warm: the same tab reloading (HTTP cache and session in place).
    const { context } = await newContext(browser, server.url);
    await context.addCookies(session.cookies);
    const p = await context.newPage();
    await p.addInitScript(observeMap(n));
    await p.goto(`/units/${code}`);
    const warm: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      await p.reload();
      await p.waitForFunction(() => (window as unknown as { __mapRenderedAt?: number }).__mapRenderedAt, null, { timeout: 60_000 });
      warm.push(await p.evaluate(() => (window as unknown as { __mapRenderedAt: number }).__mapRenderedAt));
    }
    await context.close();

    const r = (x: number) => Math.round(x);
    console.log(`map page /units/${code} on ${engine} (${server.demo.people.toLocaleString('en')} people): ${n} district paths; cold loads ${cold.map(r).join(', ')} ms; warm reloads ${warm.map(r).join(', ')} ms`);
    console.log(`map API: ${(mapBytes / 1024 / 1024).toFixed(2)} MiB, ${r(mapApiMs)} ms from request to last byte (mean), request started at ${r(median(mapStarts))} ms (median)`);
    console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores)`);
    console.log(`FIGURE map_first_render_ms: ${r(median(cold))} ms (target ${TARGET_MS})`);
    console.log(`FIGURE map_first_render_best_ms: ${r(Math.min(...cold))} ms (target ${TARGET_MS})`);
    console.log(`FIGURE map_warm_render_ms: ${r(median(warm))} ms (target ${TARGET_MS})`);
  } finally {
    await browser?.close();
    await server.close();
    await pgDb?.drop();
  }
}

await main();
