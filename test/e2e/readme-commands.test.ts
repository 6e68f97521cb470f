// The two README commands on a fresh clone: `npm start` serves the demo province with the printed
// logins, and `npm test` runs tests. The clone reuses this checkout's node_modules (CI itself proves
// `npm ci` on a fresh clone); it is of HEAD, so uncommitted work is not part of it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const shared = process.env.SHARED_DATA_DIR ?? resolve(repo, '../shared/data');

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        res(out);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`exited ${code} before ${pattern}; output:\n${out}`));
    });
  });
}

function stop(child: ChildProcess | undefined) {
  return new Promise<void>((res) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return res();
    child.on('exit', () => res());
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      res(); // the process group is already gone
    }
  });
}

describe('README commands on a fresh clone', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEMO_SCALE: '0.002', SHARED_DATA_DIR: shared, DATABASE_URL: '', LOG_LEVEL: 'warn' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chongdich-clone-'));
    const r = spawnSync('git', ['clone', '--quiet', repo, join(dir, 'main')]);
    expect(r.status).toBe(0);
    symlinkSync(join(repo, 'node_modules'), join(dir, 'main', 'node_modules'));
  });
  afterAll(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm start builds the web app, creates the demo and serves it with working demo logins', async () => {
    const cwd = join(dir, 'main');
    server = spawn('npm', ['start'], { cwd, env, detached: true });
    const out = await waitForLine(server, /admin\s+\S+\s+province_admin/, 540_000);
    expect(out).toMatch(new RegExp(`http://127.0.0.1:${port}`));
    expect(existsSync(join(cwd, 'dist/web/index.html'))).toBe(true);
    const password = /admin\s+(\S+)\s+province_admin/.exec(out)![1];
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toMatch(/<div id="root">/);
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const root = await fetch(`http://127.0.0.1:${port}/api/units/root`, { headers: { cookie } });
    expect(await root.json()).toMatchObject({ code: '20', name: 'Tỉnh Lạng Sơn' });
    const people = await fetch(`http://127.0.0.1:${port}/api/units/20`, { headers: { cookie } });
    expect((await people.json()).unit.population).toBeGreaterThan(1000);
    await stop(server);

    // A second start keeps the data and prints the same logins without rebuilding the demo.
    server = spawn('npm', ['start'], { cwd, env, detached: true });
    const again = await waitForLine(server, /admin\s+\S+\s+province_admin/, 120_000);
    expect(again).not.toMatch(/^Demo /m);
    expect(again).toContain(password);
    await stop(server);
  });

  it('npm test runs the tests and reports a summary line', () => {
    const r = spawnSync('npm', ['test', '--', '--project', 'unit'], { cwd: join(dir, 'main'), env, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tests: [1-9]\d* passed, 0 failed/);
  });
});
