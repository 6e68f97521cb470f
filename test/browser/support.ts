// Chromium (Debian's) driven by playwright-core, and the steps every journey shares.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

/**
 * A browser context that fails the test on any request leaving the server (no external tiles,
 * fonts or scripts) and collects page errors and CSP violations.
 */
export async function newContext(browser: Browser, baseURL: string, opts: Parameters<Browser['newContext']>[0] = DESKTOP) {
  const context = await browser.newContext({ ...opts, baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const problems: string[] = [];
  const origin = new URL(baseURL).origin;
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`external request: ${u}`);
  });
  context.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  context.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
  return { context, problems };
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByRole('textbox', { name: 'Mật khẩu' }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Screenshots for people to look at (tmp/screens); set SCREENS=0 to skip. */
export async function screenshot(page: Page, name: string) {
  if (process.env.SCREENS === '0') return;
  const dir = join(REPO_ROOT, 'tmp/screens');
  mkdirSync(dir, { recursive: true });
  // Phones: what fits on the screen, as the user sees it; desktops: the whole page.
  const phone = (page.viewportSize()?.width ?? 1000) < 500;
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: !phone });
}

export type { Browser, BrowserContext, Page };

/**
 * A point on screen where the element itself is hit (not a neighbour covering its bounding-box
 * centre): needed to click a concave district polygon the way a user would.
 */
export async function pointInside(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const p = await page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    for (let i = 1; i < 12; i++)
      for (let j = 1; j < 12; j++) {
        const x = r.left + (r.width * i) / 12;
        const y = r.top + (r.height * j) / 12;
        if (document.elementFromPoint(x, y) === el) return { x, y };
      }
    return null;
  });
  if (!p) throw new Error(`no visible point inside ${selector}`);
  return p;
}

/** True when the page scrolls sideways (something wider than the phone screen). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** Vietnamese number format as the page must show it (1.234.567). */
export const vn = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
/** 'YYYY-MM-DD' → dd/mm/yyyy */
export const dmy = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');

/**
 * Repeats a UI step until it succeeds: on a loaded 2-core machine a list can re-render between
 * "visible" and "click" (debounced searches, accordion animations), detaching what was clicked.
 */
export async function retry(step: () => Promise<void>, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
