// Epidemic levels through the web: the command staff open the levels page, the province map shows
// a district in red, a click on it opens the explanation and they confirm level 4; the district
// officer opens a red commune (cases entered by hand for it) from the table — the demo's shared
// data has no commune boundaries, so the district's map is its outline — reads the explanation
// (matrix cell highlighted, manual input marked, ruleset version) and confirms level 4; the
// commune officer reads the same explanation on a phone, without the decision form.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { saveManual } from '../../src/server/modules/levels/service.ts';
import { rebuildFacts } from '../../src/server/modules/levels/facts.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { readFileSync } from 'node:fs';
import { DESKTOP, launchBrowser, newContext, overflowsHorizontally, PHONE, pointInside, screenshot, signIn, type Browser, type Page } from './support.ts';
import { expectProvinceRendered, renderPdf } from './pdfView.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];
const today = todayInVietnam();
const RED = 'rgb(224, 49, 49)';

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-levels-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(username: string, phone = false): Promise<Page> {
  const c = await newContext(browser, server.url, phone ? PHONE : undefined);
  problems.push(c.problems);
  const page = await c.context.newPage();
  pages.push(page);
  await signIn(page, username, server.password(username));
  return page;
}

describe('levels: map → red unit → explanation → confirm', () => {
  let second: { code: string; name: string };
  const commune = () => server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
  const district = () => server.demo.logins.find((l) => l.username === 'huyen')!.unitCode;

  beforeAll(async () => {
    // The commune's health station reports an outbreak by hand (the registry has few cases at test scale).
    await server.db.tx(async (q) => {
      // Neither has entered its capacity (the demo's register entries taken out): capacity counts as low.
      await q.query(`DELETE FROM level_capacity WHERE province_code = '20' AND unit_code = ANY($1::text[])`, [[commune(), district()]]);
      const admin = (await q.query<{ id: number }>(`SELECT id::int FROM app_user WHERE username = 'xa'`)).rows[0];
      await saveManual(q, '20', commune(), { day: today, communityCases: 60 }, admin.id);
      await saveManual(q, '20', district(), { day: today, communityCases: 5000 }, admin.id);
      await rebuildFacts(q, '20', today, today);
    });
  });

  it('the command staff see a district in red on the province map, open it and confirm level 4', async () => {
    const page = await open('chihuy');
    await page.goto('/levels');
    // The first read of the day builds the province's facts for the window (slow on a loaded machine).
    await page.getByRole('heading', { name: 'Cấp độ dịch', level: 2 }).waitFor({ timeout: 120_000 });
    const shape = page.locator(`[data-testid="choropleth"] path[data-code="${district()}"]`);
    await shape.waitFor();
    await expect.poll(() => shape.evaluate((el) => getComputedStyle(el).fill)).toBe(RED);
    await screenshot(page, 'levels-province-desktop');
    const p = await pointInside(page, `[data-testid="choropleth"] path[data-code="${district()}"]`);
    await page.mouse.click(p.x, p.y);
    const expl = page.getByTestId('level-explanation');
    await expl.waitFor();
    await expect.poll(() => expl.getByTestId('explanation-proposed').getAttribute('data-level')).toBe('4');
    await page.getByTestId('level-decide-submit').click();
    await page.getByText('Đã lưu: cấp 4 có hiệu lực ngay').waitFor();
    await expect.poll(() => expl.getByTestId('explanation-official').getAttribute('data-level')).toBe('4');
    const d = await server.db.query<{ level: number; decided_username: string }>(`SELECT level, decided_username FROM level_decision WHERE province_code = '20' AND unit_code = $1`, [district()]);
    expect(d.rows).toEqual([{ level: 4, decided_username: 'chihuy' }]);
  });

  it('a district officer opens the red commune, reads its explanation and confirms level 4', async () => {
    const page = await open('huyen');
    await page.goto('/levels');
    await page.getByRole('heading', { name: 'Cấp độ dịch', level: 2 }).waitFor();
    // The table lists it first (highest level), red, not yet decided.
    const row = page.locator(`[data-testid="levels-table"] tr[data-code="${commune()}"]`);
    await row.getByText('chưa quyết định').waitFor();
    expect(await page.locator('[data-testid="levels-table"] tbody tr').first().getAttribute('data-code')).toBe(commune());
    expect(await row.locator('[data-level]').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(RED);
    await screenshot(page, 'levels-district-desktop');
    await row.getByTestId('levels-open').click();
    const expl = page.getByTestId('level-explanation');
    await expl.waitFor();
    await expect.poll(() => expl.getByTestId('explanation-proposed').getAttribute('data-level')).toBe('4');
    // The matrix cell of the proposal is highlighted: transmission 4, capacity low (nothing entered).
    const hit = page.locator('[data-testid="level-matrix"] td[data-hit]');
    await expect.poll(() => hit.textContent()).toBe('4');
    expect(await page.locator('[data-testid="level-matrix"] tbody tr').nth(3).locator('td').nth(2).getAttribute('data-hit')).not.toBeNull();
    // The cases entered by hand are marked as such; the ruleset and its version are named.
    expect(await page.locator('[data-testid="level-inputs"] tr[data-input="communityCases"] [data-source]').getAttribute('data-source')).toBe('manual');
    await expl.getByText(/Bộ tiêu chí: Quyết định 218\/QĐ-BYT · phiên bản 3/).waitFor();
    await expl.getByTestId('level-measures').waitFor();
    await screenshot(page, 'levels-explanation-desktop');
    await page.getByTestId('level-decide-submit').click();
    await page.getByText('Đã lưu: cấp 4 có hiệu lực ngay').waitFor();
    await expect.poll(() => expl.getByTestId('explanation-official').getAttribute('data-level')).toBe('4');
    const d = await server.db.query<{ level: number; kind: string; decided_username: string }>(`SELECT level, kind, decided_username FROM level_decision WHERE province_code = '20' AND unit_code = $1`, [commune()]);
    expect(d.rows).toEqual([{ level: 4, kind: 'confirm', decided_username: 'huyen' }]);
    await expl.getByTestId('level-history').getByText('huyen').waitFor();
    // Back on the table: the official level is shown, the row is no longer "not decided".
    await page.getByRole('button', { name: 'Đóng', exact: true }).click();
    await expect.poll(() => row.locator('[data-level]').nth(1).getAttribute('data-level')).toBe('4');
    expect(await row.getByText('chưa quyết định').count()).toBe(0);
  });

  it('the commune officer reads the explanation on a phone, without the decision form', async () => {
    const page = await open('xa', true);
    await page.goto(`/levels?unit=${commune()}&open=${commune()}`);
    const expl = page.getByTestId('level-explanation');
    await expl.waitFor();
    await expect.poll(() => expl.getByTestId('explanation-official').getAttribute('data-level')).toBe('4');
    expect(await page.getByTestId('level-decide').count()).toBe(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'levels-explanation-phone');
    // The inputs tab: figures by hand and the capacity register.
    await page.getByRole('tab', { name: 'Nhập số liệu' }).click();
    await page.getByTestId('manual-form').waitFor();
    await page.getByTestId('capacity-form').waitFor();
    await screenshot(page, 'levels-inputs-phone');
    await page.getByRole('button', { name: 'Đóng', exact: true }).click();
    await page.getByTestId('level-explanation').waitFor({ state: 'detached' });
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('levels-table').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'levels-commune-phone');
    expect(problems.flat()).toEqual([]);
  });
  it("the issue's journey: dashboard → a red commune → its explanation → confirm → the daily report opens in Chromium with the province name", async () => {
    // A second commune of the district reports an outbreak (entered now, so the tables above were not changed by it).
    await server.db.tx(async (q) => {
      const xa = (await q.query<{ id: number }>(`SELECT id::int FROM app_user WHERE username = 'huyen'`)).rows[0];
      second = (await q.query<{ code: string; name: string }>(`SELECT code, name FROM admin_unit WHERE province_code = '20' AND parent_code = $1 AND code <> $2 ORDER BY code LIMIT 1`, [district(), commune()])).rows[0];
      await saveManual(q, '20', second.code, { day: today, communityCases: 80 }, xa.id);
      await rebuildFacts(q, '20', today, today);
    });
    const c = await newContext(browser, server.url, { ...DESKTOP, acceptDownloads: true });
    problems.push(c.problems);
    const page = await c.context.newPage();
    pages.push(page);
    await signIn(page, 'chihuy', server.password('chihuy'));
    await page.goto('/dashboard');
    await page.getByTestId('tile-community').waitFor({ timeout: 120_000 });
    // The district is red on the dashboard's map (its level, decided in the first test): a click drills down.
    const shape = `[data-testid="choropleth"] path[data-code="${district()}"]`;
    await expect.poll(() => page.locator(shape).evaluate((el) => getComputedStyle(el).fill)).toBe(RED);
    await page.locator(shape).scrollIntoViewIfNeeded();
    const p = await pointInside(page, shape);
    await page.mouse.click(p.x, p.y);
    await page.waitForURL(new RegExp(`unit=${district()}`));
    // The red commune in the district's table, not decided yet: open it.
    const row = page.locator(`[data-testid="dashboard-children"] tr[data-code="${second.code}"]`);
    await expect.poll(() => row.locator('[data-level]').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(RED);
    await row.click();
    await expect.poll(() => page.getByTestId('dashboard-unit').textContent()).toBe(second.name);
    // Its level badge opens the explanation on the levels page; the command staff confirm it.
    await page.locator(`a[href*="open=${second.code}"]`).click();
    const expl = page.getByTestId('level-explanation');
    await expl.waitFor();
    await expect.poll(() => expl.getByTestId('explanation-proposed').getAttribute('data-level')).toBe('4');
    await page.getByTestId('level-decide-submit').click();
    await page.getByText('Đã lưu: cấp 4 có hiệu lực ngay').waitFor();
    const d = await server.db.query<{ level: number; decided_username: string }>(`SELECT level, decided_username FROM level_decision WHERE province_code = '20' AND unit_code = $1`, [second.code]);
    expect(d.rows).toEqual([{ level: 4, decided_username: 'chihuy' }]);
    // The daily report of the province: downloaded, opened with pdf.js, the province's name drawn, the decision listed.
    await page.goto('/dashboard');
    await page.getByTestId('report-card').waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('report-generate').click()]);
    const view = await renderPdf(browser, server.url, readFileSync((await download.path())!), 'levels-journey-report');
    pages.push(view.page);
    problems.push(view.problems);
    const province = (await server.db.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND level = 'province'`)).rows[0].name;
    await expectProvinceRendered(view, province);
    const all = (await view.page.locator('.textLayer').allTextContents()).join(' ');
    expect(all).toContain(second.name);
    expect(problems.flat()).toEqual([]);
  });
});
