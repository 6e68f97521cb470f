// In the field: a commune officer sees only their commune; staff on a 390 px phone can use
// every page, and the search → person → household journey works by touch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchBrowser, newContext, overflowsHorizontally, PHONE, pointInside, screenshot, signIn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
}

describe('commune officer', () => {
  let page: Page;
  let problems: string[];
  let commune: { code: string; name: string };

  beforeAll(async () => {
    const login = server.demo.logins.find((l) => l.username === 'xa')!;
    commune = { code: login.unitCode, name: login.unitName };
    const c = await newContext(browser, server.url);
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'xa', server.password('xa'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('lands on their commune, with no way up the tree and only the menu items of the role', async () => {
    await page.waitForURL(`**/units/${commune.code}`);
    await page.getByRole('heading', { level: 1, name: commune.name, exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: 'breadcrumb' }).count()).toBe(0);
    const nav = page.getByRole('navigation').first();
    for (const label of ['Bản đồ', 'Tra cứu người dân', 'Chính sách']) expect(await nav.getByText(label, { exact: true }).isVisible(), label).toBe(true);
    for (const label of ['Nhập dữ liệu dân cư', 'Nhật ký truy cập', 'Người dùng']) expect(await nav.getByText(label, { exact: true }).count(), label).toBe(0);

    const villages = await q<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND parent_code = $1`, [commune.code]);
    if (villages.length) {
      const table = page.getByTestId('children-table');
      await table.waitFor();
      expect(await table.locator('tbody tr').count()).toBe(villages.length);
    }
    await screenshot(page, 'commune-officer');
  });

  it('adds a village to the commune', async () => {
    await page.getByRole('combobox', { name: 'Loại' }).click();
    await page.getByRole('option', { name: 'Bản', exact: true }).click();
    await page.getByRole('textbox', { name: 'Tên thôn/tổ' }).fill('Khuổi Thử');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByText('Đã thêm').waitFor();
    await page.getByTestId('children-table').getByText('Khuổi Thử').waitFor();
    const rows = await q<{ name: string; type: string }>(`SELECT name, type FROM admin_unit WHERE province_code = '20' AND parent_code = $1 AND name LIKE '%Khuổi Thử%'`, [commune.code]);
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('Bản');
  });

  it('cannot open the province, another commune, the import page or another commune’s person', async () => {
    await page.goto('/units/20');
    await page.getByText('nằm ngoài địa bàn bạn phụ trách').waitFor();
    const [other] = await q<{ id: number; code: string }>(
      `SELECT p.id, p.commune_code AS code FROM person p WHERE p.province_code = '20' AND p.commune_code <> $1 ORDER BY p.id LIMIT 1`,
      [commune.code],
    );
    await page.goto(`/units/${other.code}`);
    await page.getByText('nằm ngoài địa bàn bạn phụ trách').waitFor();
    await page.goto(`/people/${other.id}`);
    await page.getByText('Không tìm thấy người này hoặc người này nằm ngoài địa bàn bạn phụ trách.').waitFor();
    await page.goto('/imports');
    await page.getByText('Không tìm thấy trang này').waitFor();
  });

  it('finds only people of the commune', async () => {
    const [common] = await q<{ word: string; n: number }>(
      `SELECT split_part(name_search, ' ', 1) AS word, count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code = $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
      [commune.code],
    );
    expect(common.n).toBeGreaterThan(0);
    const [elsewhere] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code <> $1 AND name_search LIKE $2 || ' %'`, [commune.code, common.word]);
    expect(elsewhere.n, 'people of that name live elsewhere too').toBeGreaterThan(0);

    await page.goto(`/people?q=${encodeURIComponent(common.word)}`);
    await page.getByTestId('person-result').first().waitFor();
    expect(await page.getByRole('combobox', { name: 'Xã, phường' }).count()).toBe(0);
    const rows = await page.getByTestId('person-result').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(Math.min(common.n, 50));
    for (const r of rows) expect(r).toContain(commune.name);
    await screenshot(page, 'commune-officer-search');
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});

describe('on a phone (390 × 844)', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url, PHONE);
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'admin', server.password('admin'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('shows the map at phone width; a first tap shows a district, a second opens it', async () => {
    const paths = page.locator('[data-testid=choropleth] path.choropleth-path');
    await paths.first().waitFor();
    expect(await paths.count()).toBe(11);
    expect(await overflowsHorizontally(page)).toBe(false);
    const box = await page.getByTestId('choropleth').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.width).toBeLessThanOrEqual(390);

    const [district] = await q<{ code: string; name: string }>(`SELECT code, name FROM admin_unit WHERE province_code = '20' AND level = 'district' ORDER BY population DESC LIMIT 1`);
    const at = await pointInside(page, `path[data-code="${district.code}"]`);
    await page.touchscreen.tap(at.x, at.y);
    const tip = page.getByRole('tooltip');
    await tip.getByText('Chạm lần nữa để mở').waitFor();
    expect(await tip.textContent()).toContain(district.name);
    expect(page.url()).toMatch(/\/units\/20$/);
    await screenshot(page, 'phone-map-tap');
    await page.touchscreen.tap(at.x, at.y);
    await page.waitForURL((u) => u.pathname === `/units/${district.code}`);
    await page.getByRole('heading', { level: 1, name: district.name }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
  });

  it('searches from the collapsed menu, opens a person and the household', async () => {
    const nav = page.getByRole('navigation').first();
    // Collapsed: the menu sits off-screen until the burger opens it.
    const offScreen = async () => { const b = await nav.boundingBox(); return !b || b.x + b.width <= 0; };
    expect(await offScreen()).toBe(true);
    await page.getByRole('button', { name: 'Mở/đóng menu' }).tap();
    await expect.poll(offScreen).toBe(false);
    await nav.getByText('Tra cứu người dân').tap();
    await page.getByRole('heading', { name: 'Tra cứu người dân' }).waitFor();
    await page.getByRole('searchbox').fill('nguyen van');
    const cards = page.getByTestId('person-result');
    await cards.first().waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    const first = cards.first();
    const name = (await first.locator('p').first().textContent())!;
    expect(name.startsWith('Nguyễn Văn')).toBe(true);
    await screenshot(page, 'phone-search');
    await first.tap();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByTestId('household').waitFor();
    expect(await page.getByTestId('household-member').count()).toBeGreaterThan(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'phone-person');
  });

  it('every page fits the phone screen', async () => {
    for (const [path, heading] of [
      ['/imports', 'Nhập dữ liệu dân cư'],
      ['/policies', 'Chính sách theo thời gian'],
      ['/audit', 'Nhật ký truy cập'],
      ['/users', 'Người dùng'],
      ['/units/20?layer=density', 'Tỉnh Lạng Sơn'],
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflowsHorizontally(page), path).toBe(false);
      await screenshot(page, `phone${path.replace(/[^a-z0-9]+/gi, '-')}`);
    }
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
