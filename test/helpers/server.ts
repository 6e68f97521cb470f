// A real HTTP server for browser tests and the map benchmark: the app on an in-memory PGlite
// with the small demo province, serving the built web app from dist/web.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openDb, type Db } from '../../src/server/db/index.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { createDemo, type DemoResult } from '../../src/server/demo/index.ts';
import { SHARED_DATA, TEST_SCALE } from './app.ts';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname;
// TEST_WEB_DIST: a build directory of one's own, so that parallel runs do not rebuild each other's.
export const WEB_DIST = process.env.TEST_WEB_DIST ? resolve(process.env.TEST_WEB_DIST) : join(REPO_ROOT, 'dist/web');

export interface TestServer {
  url: string;
  app: FastifyInstance;
  db: Db;
  demo: DemoResult;
  password(username: string): string;
  close(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app when dist/web is missing or older than a file under web/. */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(REPO_ROOT, 'web'))) return;
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn', '--outDir', WEB_DIST, '--emptyOutDir'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

/** `db`: an open, empty database to use (e.g. PostgreSQL for a benchmark); default a fresh in-memory PGlite. */
export async function startTestServer(opts: { scale?: number; provinceCode?: string; db?: Db; demoTesting?: boolean; demoVaccination?: boolean } = {}): Promise<TestServer> {
  ensureWebBuilt();
  const scale = opts.scale ?? TEST_SCALE;
  const db = opts.db ?? (await openDb({ memory: true }));
  await migrate(db);
  const demo = await createDemo(db, { provinceCode: opts.provinceCode ?? '20', scale, sharedDataDir: SHARED_DATA, testing: opts.demoTesting, vaccination: opts.demoVaccination });
  const config = loadConfig({ sharedDataDir: SHARED_DATA, demoScale: scale, loginMaxFailures: 5, loginLockMinutes: 15 });
  const app = await buildApp({ db, config, webDir: WEB_DIST });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    demo,
    password: (u) => {
      const login = demo.logins.find((l) => l.username === u);
      if (!login) throw new Error(`no demo user ${u}`);
      return login.password;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
