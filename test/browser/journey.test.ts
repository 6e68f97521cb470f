// The province administrator's journey in Vietnamese: login → province map → district → its
// communes → search without diacritics → person → household; then the English switch and the
// administration pages (policies, audit log, users).
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { searchKey } from '../../src/domain/people/normalize.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { dmy, launchBrowser, newContext, pointInside, retry, screenshot, signIn, vn, type Browser, type Page } from './support.ts';

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

describe('province administrator, in Vietnamese', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url);
    problems = c.problems;
    page = await c.context.newPage();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('signs in on a Vietnamese login page', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await screenshot(page, 'login');
    await signIn(page, 'admin', server.password('admin'));
    await page.waitForURL((u) => u.pathname === '/units/20');
  });

  it('shows the province map with one path per district, coloured, with a legend and figures in Vietnamese format', async () => {
    const districts = await q<{ code: string; name: string }>(`SELECT code, name FROM admin_unit WHERE province_code = '20' AND level = 'district'`);
    expect(districts).toHaveLength(11);
    const paths = page.locator('[data-testid=choropleth] path.choropleth-path');
    await paths.first().waitFor();
    expect(await paths.count()).toBe(11);
    const codes = await paths.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')).sort());
    expect(codes).toEqual(districts.map((d) => d.code).sort());
    // Coloured by population: more than one colour on the map.
    const fills = new Set(await paths.evaluateAll((els) => els.map((e) => e.getAttribute('fill'))));
    expect(fills.size).toBeGreaterThan(1);

    await page.getByRole('heading', { level: 1, name: 'Tỉnh Lạng Sơn', exact: true }).waitFor();
    for (const label of ['Bản đồ', 'Tra cứu người dân', 'Nhập dữ liệu dân cư', 'Chính sách', 'Nhật ký truy cập', 'Người dùng']) {
      expect(await page.getByRole('navigation').getByText(label, { exact: true }).isVisible(), label).toBe(true);
    }
    expect(await page.getByText('Bản đồ dân cư').isVisible()).toBe(true);
    expect(await page.getByText('Lớp dữ liệu').isVisible()).toBe(true);

    const [province] = await q<{ population: number; households: number }>(`SELECT population, households FROM admin_unit WHERE province_code = '20' AND level = 'province'`);
    expect(province.population).toBeGreaterThan(1000);
    expect(await page.getByText(vn(province.population), { exact: true }).first().isVisible()).toBe(true);
    expect(vn(province.population)).toContain('.');

    const legend = await page.getByTestId('legend').textContent();
    expect(legend).toMatch(/\d/);
    // Children table sorted by population, largest first.
    const [top] = await q<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND level = 'district' ORDER BY population DESC, name LIMIT 1`);
    expect(await page.getByTestId('children-table').locator('tbody tr').first().textContent()).toContain(top.name);
    // The bar chart (lazy-loaded) draws one bar per district.
    await page.getByTestId('unit-chart').locator('svg').waitFor();
    await screenshot(page, 'map-province');
  });

  it('opened on a map page, asks for the session, the unit and its boundaries once each, while its code is still loading', async () => {
    await page.goto('/units/20');
    await page.locator('[data-testid=choropleth] path.choropleth-path').first().waitFor();
    const { entries, interactive } = await page.evaluate(() => ({
      entries: performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, start: e.startTime })),
      interactive: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive,
    }));
    const api = (path: string) => entries.filter((e) => e.path === path);
    for (const path of ['/api/auth/me', '/api/units/20', '/api/units/20/map']) {
      expect(api(path), path).toHaveLength(1);
      // Started by /early.js while the page was parsed: the app's own code runs only after that.
      expect(api(path)[0].start, path).toBeLessThan(interactive);
    }
  });

  it('downloads the districts table as an Excel file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải Excel' }).click()]);
    expect(download.suggestedFilename()).toBe('dan-so-20.xlsx');
    const wb = new ExcelJS.Workbook();
    const file = readFileSync((await download.path())!);
    await wb.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(3).value).toBe('Đơn vị');
    expect(ws.rowCount).toBe(12);
    const [top] = await q<{ name: string; population: number }>(`SELECT name, population FROM admin_unit WHERE province_code = '20' AND level = 'district' ORDER BY population DESC, name LIMIT 1`);
    expect(ws.getRow(2).getCell(3).value).toBe(top.name);
    expect(ws.getRow(2).getCell(4).value).toBe(top.population);
  });

  it('changes the layer and the colours follow', async () => {
    const paths = page.locator('[data-testid=choropleth] path.choropleth-path');
    const before = await paths.evaluateAll((els) => els.map((e) => e.getAttribute('fill')).join());
    await page.getByRole('combobox', { name: 'Lớp dữ liệu' }).click();
    await page.getByRole('option', { name: 'Mật độ (người/km²)' }).click();
    await page.waitForURL((u) => u.searchParams.get('layer') === 'density');
    await expect.poll(() => paths.evaluateAll((els) => els.map((e) => e.getAttribute('fill')).join())).not.toBe(before);
    expect(await page.getByTestId('children-table').getByText('Mật độ (người/km²)').isVisible()).toBe(true);
    await screenshot(page, 'map-density');
    await page.getByRole('combobox', { name: 'Lớp dữ liệu' }).click();
    await page.getByRole('option', { name: 'Dân số', exact: true }).click();
    await page.waitForURL((u) => !u.search.includes('layer'));
  });

  it('shows a tooltip on hover and drills down to a district on click', async () => {
    const [district] = await q<{ code: string; name: string; population: number }>(
      `SELECT code, name, population FROM admin_unit WHERE province_code = '20' AND level = 'district' ORDER BY population DESC LIMIT 1`,
    );
    const at = await pointInside(page, `path[data-code="${district.code}"]`);
    await page.mouse.move(at.x, at.y);
    const tip = page.getByRole('tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toContain(district.name);
    expect(await tip.textContent()).toContain(vn(district.population));
    await page.mouse.click(at.x, at.y);
    await page.waitForURL((u) => u.pathname === `/units/${district.code}`); // the chosen layer stays in the query
    await page.getByRole('heading', { level: 1, name: district.name, exact: true }).waitFor();

    const communes = await q<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND parent_code = $1`, [district.code]);
    expect(communes.length).toBeGreaterThan(3);
    const table = page.getByTestId('children-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(communes.length);
    const text = await table.textContent();
    for (const c of communes) expect(text).toContain(c.name);
    // Communes have no polygons: a note, the district outline, and the table.
    await page.getByText('Các đơn vị trực thuộc chưa có ranh giới').waitFor();
    expect(await page.getByTestId('choropleth').locator('path').count()).toBe(1);
    expect(await page.getByText('Xã, phường, thị trấn').first().isVisible()).toBe(true);
    await screenshot(page, 'map-district');

    // Breadcrumb back to the province.
    await page.getByRole('navigation', { name: 'breadcrumb' }).getByRole('link', { name: 'Tỉnh Lạng Sơn' }).click();
    await page.waitForURL((u) => u.pathname === '/units/20');
    await page.locator('[data-testid=choropleth] path.choropleth-path').first().waitFor();
  });

  it('finds people by name without diacritics, opens a person and their household', async () => {
    const [person] = await q<{ id: number; full_name: string; household_id: string; birth: string; members: number }>(
      `SELECT p.id, p.full_name, p.household_id, to_char(p.birth_date, 'YYYY-MM-DD') AS birth,
              (SELECT count(*)::int FROM person m WHERE m.province_code = p.province_code AND m.household_id = p.household_id) AS members
         FROM person p WHERE p.province_code = '20' AND p.full_name LIKE 'Nguyễn %' AND p.household_id IS NOT NULL
        ORDER BY members DESC, p.id LIMIT 1`,
    );
    expect(person, 'the demo population has people named Nguyễn').toBeDefined();
    expect(person.members).toBeGreaterThan(1);

    await page.getByRole('navigation').getByText('Tra cứu người dân').click();
    await page.waitForURL('**/people');
    await page.getByRole('heading', { name: 'Tra cứu người dân' }).waitFor();
    const box = page.getByRole('searchbox');
    await box.fill('nguyen');
    await page.waitForURL((u) => u.searchParams.get('q') === 'nguyen');
    await page.getByTestId('person-result').first().waitFor();
    const names = await page.getByTestId('person-result').locator('a').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n.startsWith('Nguyễn')).toBe(true);
    expect(await page.getByText('Tìm theo họ tên').isVisible()).toBe(true);

    const key = searchKey(person.full_name);
    expect(key).not.toBe(person.full_name.toLowerCase());
    await box.fill(key);
    await page.waitForURL((u) => u.searchParams.get('q') === key);
    const link = page.getByTestId('person-result').getByRole('link', { name: person.full_name, exact: true }).first();
    await link.waitFor();
    await screenshot(page, 'search');

    // The commune filter keeps the results to one commune.
    const [{ commune_name: communeName, district_name: districtName, n: inCommune }] = await q<{ commune_name: string; district_name: string; n: number }>(
      `SELECT u.name AS commune_name, d.name AS district_name, (SELECT count(*)::int FROM person x WHERE x.province_code = '20' AND x.commune_code = p.commune_code AND x.name_search LIKE 'nguyen%') AS n
         FROM person p JOIN admin_unit u ON u.province_code = p.province_code AND u.code = p.commune_code
         JOIN admin_unit d ON d.province_code = u.province_code AND d.code = u.parent_code WHERE p.id = $1`,
      [person.id],
    );
    await box.fill('nguyen');
    const communeBox = page.getByRole('combobox', { name: 'Xã, phường' });
    // Communes of a province can share a name ("Xã Tân Thành"): the option names the district too.
    const option = page.getByRole('option', { name: `${communeName}, ${districtName}`, exact: true });
    // The option list follows the typing (debounced server search) and may re-render under the click.
    await retry(async () => {
      if (!(await option.isVisible())) await communeBox.fill(searchKey(communeName).replace(/^(xa|phuong|thi tran) /, ''));
      await option.click({ timeout: 3000 });
      await page.waitForURL((u) => u.searchParams.has('commune') && u.searchParams.get('q') === 'nguyen', { timeout: 3000 });
    });
    await expect.poll(() => communeBox.inputValue()).toBe(`${communeName}, ${districtName}`);
    expect(inCommune).toBeGreaterThan(0);
    await expect.poll(async () => (await page.getByTestId('person-result').allTextContents()).every((row) => row.includes(communeName))).toBe(true);
    expect(await page.getByTestId('person-result').count()).toBeGreaterThan(0);
    await box.fill(key);
    await page.waitForURL((u) => u.searchParams.get('q') === key);
    await page.locator(`a[href="/people/${person.id}"]`).click();
    await page.waitForURL(`**/people/${person.id}`);
    await page.getByRole('heading', { level: 1, name: person.full_name, exact: true }).waitFor();
    expect(await page.getByText(dmy(person.birth), { exact: false }).first().isVisible()).toBe(true);
    const household = page.getByTestId('household');
    expect(await household.getByText('Hộ gia đình').isVisible()).toBe(true);
    expect(await household.getByText(`Thành viên trong hộ (${person.members})`).isVisible()).toBe(true);
    expect(await household.getByTestId('household-member').count()).toBe(person.members);
    await screenshot(page, 'person');

    // Household members link to each other.
    const other = household.getByTestId('household-member').getByRole('link').first();
    const otherName = await other.textContent();
    await other.click();
    await page.waitForURL((u) => u.pathname.startsWith('/people/') && u.pathname !== `/people/${person.id}`);
    await page.getByRole('heading', { level: 1, name: otherName! }).waitFor();
    expect(await page.getByTestId('household').getByText(person.full_name).isVisible()).toBe(true);
  });

  it('finds a person by CCCD and by phone number as people type them', async () => {
    const [p] = await q<{ id: number; full_name: string; cccd: string; phone: string }>(
      `SELECT id, full_name, cccd, phone FROM person WHERE province_code = '20' AND cccd IS NOT NULL AND phone IS NOT NULL ORDER BY id LIMIT 1`,
    );
    await page.goto(`/people?q=${p.cccd}`);
    await page.getByTestId('person-result').first().waitFor();
    expect(await page.getByText('Tìm theo số CCCD').isVisible()).toBe(true);
    expect(await page.getByTestId('person-result').first().textContent()).toContain(p.full_name);
    const local = '0' + p.phone.slice(3);
    await page.getByRole('searchbox').fill(`${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`);
    await page.getByText('Tìm theo số điện thoại').waitFor();
    expect(await page.getByTestId('person-result').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(p.full_name)]));
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});

describe('administration pages', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url);
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'admin', server.password('admin'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('adds a policy version, with the value checked field by field', async () => {
    await page.getByRole('navigation').getByText('Chính sách').click();
    await page.getByRole('heading', { name: 'Chính sách theo thời gian' }).waitFor();
    const item = page.getByTestId('policy-testing.pool_max_size');
    const form = page.getByTestId('add-version-testing.pool_max_size');
    const addButton = item.getByRole('button', { name: 'Thêm phiên bản mới' });
    await retry(async () => {
      if (!(await addButton.isVisible())) await item.getByRole('button').first().click({ timeout: 3000 });
      await addButton.click({ timeout: 3000 });
      await form.waitFor({ timeout: 3000 });
    });
    await form.getByLabel('Hiệu lực từ').fill('01/03/2030');
    await form.getByLabel('Giá trị (JSON)').fill('{"lowRisk": 100, "highRisk": 5}');
    await form.getByLabel('Văn bản nguồn').fill('Công văn thử nghiệm số 1/2030');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText(/lowRisk: Giá trị quá lớn/).waitFor();
    await screenshot(page, 'policy-error');

    await form.getByLabel('Giá trị (JSON)').fill('{"lowRisk": 8, "highRisk": 4}');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu phiên bản 2').waitFor();
    await item.getByRole('row').filter({ hasText: '01/03/2030' }).getByText('Công văn thử nghiệm số 1/2030').waitFor();
    const rows = await q<{ n: number }>(`SELECT count(*)::int AS n FROM policy_version WHERE province_code = '20' AND key = 'testing.pool_max_size' AND effective_from = '2030-03-01'`);
    expect(rows[0].n).toBe(1);

    // A start that is not after the latest version is refused on the date field.
    await item.getByRole('button', { name: 'Thêm phiên bản mới' }).click();
    await form.getByLabel('Hiệu lực từ').fill('01/01/2029');
    await form.getByLabel('Văn bản nguồn').fill('Công văn thử nghiệm số 2/2029');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Ngày hiệu lực phải sau phiên bản mới nhất').waitFor();
    await screenshot(page, 'policies');
  });

  it('searches the audit log', async () => {
    await page.getByRole('navigation').getByText('Nhật ký truy cập').click();
    await page.getByRole('heading', { name: 'Nhật ký truy cập' }).waitFor();
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByRole('combobox', { name: 'Hành động' }).click();
    await page.getByRole('option', { name: 'Tạo mới' }).click();
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('action') === 'create' && u.searchParams.get('username') === 'admin');
    const [{ n }] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE province_code = '20' AND lower(username) = 'admin' AND action = 'create'`);
    expect(n).toBeGreaterThan(0);
    await page.getByTestId('audit-total').getByText(`${vn(n)} bản ghi`, { exact: true }).waitFor();
    const rows = page.getByTestId('audit-table').locator('tbody tr');
    expect(await rows.count()).toBe(Math.min(n, 50));
    expect(await rows.first().textContent()).toContain('Phiên bản chính sách');
    await screenshot(page, 'audit');
  });

  it('creates a user, with errors shown on the fields', async () => {
    await page.getByRole('navigation').getByText('Người dùng').click();
    await page.getByRole('heading', { name: 'Người dùng', level: 1 }).waitFor();
    await page.getByTestId('users-table').getByText('admin', { exact: true }).waitFor();
    const [commune] = await q<{ code: string; name: string; parent: string }>(
      `SELECT u.code, u.name, d.name AS parent FROM admin_unit u JOIN admin_unit d ON d.province_code = u.province_code AND d.code = u.parent_code
        WHERE u.province_code = '20' AND u.level = 'commune' ORDER BY u.code LIMIT 1`,
    );
    await page.getByLabel('Tên đăng nhập').fill('canbo.thu');
    await page.getByLabel('Họ và tên').fill('Cán Bộ Thử');
    await page.getByRole('textbox', { name: 'Mật khẩu (ít nhất 10 ký tự)' }).fill('ngan');
    await page.getByRole('combobox', { name: 'Địa bàn phụ trách' }).fill(searchKey(commune.name));
    await page.getByRole('option', { name: `${commune.name} (cấp xã), ${commune.parent}`, exact: true }).click();
    await page.getByRole('button', { name: 'Tạo người dùng' }).click();
    await page.getByText('Quá ngắn').waitFor();
    await page.getByRole('textbox', { name: 'Mật khẩu (ít nhất 10 ký tự)' }).fill('mat-khau-du-dai-2021');
    await page.getByRole('button', { name: 'Tạo người dùng' }).click();
    await page.getByText('Đã tạo người dùng canbo.thu').waitFor();
    await page.getByTestId('users-table').getByText('canbo.thu').waitFor();
    const [u] = await q<{ role: string; unit_code: string }>(`SELECT role, unit_code FROM app_user WHERE username = 'canbo.thu'`);
    expect(u).toEqual({ role: 'commune_officer', unit_code: commune.code });
    await screenshot(page, 'users');
  });

  it('goes back to the login page when the session ends, and returns where it was after signing in', async () => {
    await page.context().clearCookies();
    await page.getByRole('navigation').getByText('Tra cứu người dân').click();
    await page.getByRole('searchbox').fill('tran');
    await page.waitForURL('**/login');
    await page.getByText('Phiên làm việc đã hết hạn, vui lòng đăng nhập lại').waitFor();
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByRole('textbox', { name: 'Mật khẩu' }).fill(server.password('admin'));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => u.pathname === '/people' && u.searchParams.get('q') === 'tran');
    await page.getByRole('heading', { name: 'Tra cứu người dân' }).waitFor();
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});

describe('English switch', () => {
  it('changes the labels, is remembered, and server messages follow', async () => {
    const { context, problems } = await newContext(browser, server.url);
    const page = await context.newPage();
    await signIn(page, 'admin', server.password('admin'));
    await page.locator('[data-testid=choropleth] path.choropleth-path').first().waitFor();
    await page.locator('label').filter({ hasText: /^EN$/ }).first().click();
    await page.getByRole('navigation').getByText('Find people').waitFor();
    for (const label of ['Map', 'Import population', 'Policies', 'Audit log', 'Users']) expect(await page.getByRole('navigation').getByText(label, { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('Population map').isVisible()).toBe(true);
    expect(await page.getByText('Bản đồ dân cư').count()).toBe(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'map-english');

    await page.reload();
    await page.getByRole('navigation').getByText('Find people').waitFor();

    // Accept-Language follows the switch: the server's own messages come back in English.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong username or password').waitFor();

    await page.locator('label').filter({ hasText: /^VI$/ }).first().click();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
