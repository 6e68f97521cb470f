// A test app on a chosen database with a small demo province, and a signed-in client per user.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { createDemo, type DemoResult } from '../../src/server/demo/index.ts';
import type { Db } from '../../src/server/db/index.ts';
import { createTestDb, type DbKind } from './db.ts';

export const SHARED_DATA = process.env.SHARED_DATA_DIR ?? new URL('../../../shared/data', import.meta.url).pathname;
/** Lạng Sơn at 0.2 %: about 1,500 people, enough for every API test. */
export const TEST_SCALE = 0.002;

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  demo: DemoResult;
  config: Config;
  /** A signed-in client, one session per user for the whole context (logins are rate-limited). */
  as(username: string): Promise<Client>;
  /** A new session of its own. */
  signInFresh(username: string): Promise<Client>;
  anonymous(): Client;
  close(): Promise<void>;
}

export interface Client {
  csrf: string | null;
  cookie: string | null;
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function makeClient(app: FastifyInstance, cookie: string | null = null, csrf: string | null = null): Client {
  const c: Client = {
    csrf,
    cookie,
    request(opts) {
      const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
      if (c.cookie) headers.cookie = c.cookie;
      if (c.csrf && !('x-csrf-token' in headers)) headers['x-csrf-token'] = c.csrf;
      return app.inject({ ...opts, headers });
    },
    get: (url, headers) => c.request({ method: 'GET', url, headers }),
    post: (url, body, headers) => c.request({ method: 'POST', url, payload: body as InjectOptions['payload'], headers }),
    patch: (url, body, headers) => c.request({ method: 'PATCH', url, payload: body as InjectOptions['payload'], headers }),
  };
  return c;
}

export async function signIn(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((x) => x.name === 'cd_sid')!;
  return makeClient(app, `cd_sid=${setCookie.value}`, res.json().csrfToken);
}

export async function createTestContext(kind: DbKind, opts: { scale?: number; provinceCode?: string; demoTesting?: boolean; demoVaccination?: boolean } = {}): Promise<TestContext> {
  const db = await createTestDb(kind);
  const config = loadConfig({ sharedDataDir: SHARED_DATA, demoScale: opts.scale ?? TEST_SCALE, loginMaxFailures: 5, loginLockMinutes: 15 });
  const demo = await createDemo(db, { provinceCode: opts.provinceCode ?? '20', scale: opts.scale ?? TEST_SCALE, sharedDataDir: SHARED_DATA, testing: opts.demoTesting, vaccination: opts.demoVaccination });
  const app = await buildApp({ db, config, webDir: '/nonexistent' });
  await app.ready();
  const password = (u: string) => demo.logins.find((l) => l.username === u)!.password;
  const sessions = new Map<string, Promise<Client>>();
  return {
    app,
    db,
    demo,
    config,
    as(username) {
      if (!sessions.has(username)) sessions.set(username, signIn(app, username, password(username)));
      return sessions.get(username)!;
    },
    signInFresh: (username) => signIn(app, username, password(username)),
    anonymous: () => makeClient(app),
    async close() {
      await app.close();
      await db.close();
    },
  };
}
