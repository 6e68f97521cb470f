// The command dashboard through the web: the command staff open the province's dashboard, click a
// district on the map and then a commune in the table (drill-down), switch the map's layer, make the
// daily report and open the downloaded PDF (the province's name in it); a commune officer reads
// their commune's dashboard on a phone; a citizen opens the public page without signing in.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { DESKTOP, launchBrowser, newContext, overflowsHorizontally, PHONE, pointInside, screenshot, signIn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: true }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-dashboard-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(username: string | null, opts = DESKTOP): Promise<Page> {
  const c = await newContext(browser, server.url, { ...opts, acceptDownloads: true });
  problems.push(c.problems);
  const page = await c.context.newPage();
  pages.push(page);
  if (username) await signIn(page, username, server.password(username));
  return page;
}

describe('dashboard → unit → drill-down → daily report', () => {
  const district = () => server.demo.logins.find((l) => l.username === 'huyen')!.unitCode;
  const commune = () => server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
  const unitName = async (code: string) => (await server.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND code = $1`, [code])).rows[0].name;

  it('the command staff open the province, click a district on the map, then a commune in the table', async () => {
    const page = await open('chihuy');
    const t0 = Date.now();
    await page.goto('/dashboard');
    await page.getByTestId('tile-community').waitFor({ timeout: 120_000 });
    console.log(`dashboard first render (facts may be built on this first read): ${Date.now() - t0} ms`);
    const province = (await server.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].name;
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(province);
    await page.getByTestId('epi-curve').locator('svg').waitFor();
    const shape = `[data-testid="choropleth"] path[data-code="${district()}"]`;
    await page.locator(shape).waitFor();
    await screenshot(page, 'dashboard-province-desktop');
    // A later visit (facts current): the page, the figures and the map drawn.
    const t1 = Date.now();
    await page.reload();
    await page.getByTestId('tile-community').waitFor();
    await page.locator(shape).waitFor();
    await page.getByTestId('epi-curve').locator('svg').waitFor();
    const rendered = Date.now() - t1;
    console.log(`dashboard render with current facts: ${rendered} ms`);
    expect(rendered).toBeLessThan(15_000); // target 2.5 s (docs/dashboard.md); room for a loaded machine
    // The map's layer: cases per 100,000 (the URL keeps it).
    await page.getByTestId('layer-toggle').getByText('Ca/100.000').click();
    await page.waitForURL(/layer=cases/);
    await page.locator(shape).scrollIntoViewIfNeeded();
    const p = await pointInside(page, shape);
    await page.mouse.click(p.x, p.y);
    await page.waitForURL(new RegExp(`unit=${district()}`));
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(await unitName(district()));
    const row = page.locator(`[data-testid="dashboard-children"] tr[data-code="${commune()}"]`);
    await row.click();
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(await unitName(commune()));
    await page.getByTestId('dashboard-up').click();
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(await unitName(district()));
    expect(problems.flat()).toEqual([]);
  });

  it('the daily report is made, downloads, and the PDF opens with the province name', async () => {
    const page = await open('chihuy');
    await page.goto('/dashboard');
    await page.getByTestId('report-card').waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('report-generate').click()]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-ngay-\d{4}-\d{2}-\d{2}-\w+\.pdf$/);
    const pdf = readFileSync((await download.path())!);
    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
    let text = '';
    for (const it of (await (await doc.getPage(1)).getTextContent()).items) if ('str' in it) text += it.str + ' ';
    await doc.destroy();
    const province = (await server.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].name;
    expect(text.replace(/\s+/g, ' ')).toContain(`UBND ${province.toUpperCase()}`);
    expect(text).toContain('BÁO CÁO TÌNH HÌNH DỊCH COVID-19');
    // The archive lists it, with both files.
    await page.getByTestId('report-archive').getByTestId('report-pdf').first().waitFor();
    await screenshot(page, 'dashboard-report-desktop');
  });

  it('a commune officer reads their commune on a phone', async () => {
    const page = await open('xa', PHONE);
    await page.goto('/dashboard');
    await page.getByTestId('tile-community').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(await unitName(commune()));
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'dashboard-commune-phone');
    await page.getByTestId('report-card').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-commune-phone-report');
  });

  it('a citizen opens the public page without signing in, on a phone', async () => {
    const page = await open(null, PHONE);
    await page.goto('/cong-khai');
    const province = (await server.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].name;
    await expect.poll(() => page.getByTestId('public-unit').textContent(), { timeout: 120_000 }).toBe(province);
    await page.locator(`[data-testid="choropleth"] path[data-code="${district()}"]`).waitFor();
    expect(page.url()).toContain('/cong-khai');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'public-province-phone');
    await page.getByTestId('public-children').getByRole('button', { name: await unitName(district()) }).click();
    await expect.poll(() => page.getByTestId('public-unit').textContent()).toBe(await unitName(district()));
    await screenshot(page, 'public-district-phone');
  });
});
