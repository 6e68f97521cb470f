// The supply journey through the web: the province registers a lot (and is warned about an
// expired one) → allocates doses of it to a district → the district officer, on a phone, passes
// part on to a commune and sees the deadline warning of the 7-day rule → a campaign for the
// district's adults shows its progress and the projection "will not finish before the deadline"
// on a phone and on a desktop.
import { refreshCoverage } from '../../src/server/modules/vaccination/coverageFacts.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { dmy, launchBrowser, newContext, overflowsHorizontally, PHONE, retry, screenshot, signIn, vn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];
const today = todayInVietnam();
const addDays = (iso: string, n: number) => new Date(Date.parse(iso + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false, demoVaccination: false }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-vacc-supply-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
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

async function choose(page: Page, label: string, typed: string, option: RegExp) {
  await retry(async () => {
    await page.getByRole('combobox', { name: label }).fill(typed);
    await page.getByRole('option', { name: option }).first().click({ timeout: 3000 });
  });
}

async function pick(page: Page, label: string, option: RegExp) {
  await retry(async () => {
    await page.getByRole('combobox', { name: label }).click();
    await page.getByRole('option', { name: option }).first().click({ timeout: 3000 });
  });
}

describe('vaccine supply: lot → district → commune → warning; campaign projection', () => {
  const login = (u: string) => server.demo.logins.find((l) => l.username === u)!;
  const short = (name: string) => name.replace(/^(Huyện|Thành phố|Thị xã|Phường|Xã|Thị trấn) /, '');

  it('the province registers a lot, is warned about an expired one, and allocates to a district', async () => {
    const page = await open('admin');
    await page.goto('/vaccination/lots');
    await page.getByRole('button', { name: 'Thêm lô' }).click();
    await pick(page, 'Vắc xin', /Pfizer-BioNTech \(Comirnaty\)/);
    await page.getByRole('textbox', { name: 'Số lô' }).fill('fk0108');
    await page.getByRole('textbox', { name: 'Số liều nhận' }).fill('1000');
    await page.getByRole('textbox', { name: 'Ngày nhận' }).fill(dmy(addDays(today, -20)));
    await page.getByRole('textbox', { name: 'Hạn dùng' }).fill(dmy(addDays(today, 120)));
    await page.getByRole('button', { name: 'Đăng ký lô' }).click();
    const row = page.getByTestId('lot').filter({ hasText: 'FK0108' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain(vn(1000));
    // The same lot again: refused with the reason.
    await page.getByRole('button', { name: 'Thêm lô' }).click();
    await pick(page, 'Vắc xin', /Pfizer-BioNTech \(Comirnaty\)/);
    await page.getByRole('textbox', { name: 'Số lô' }).fill('FK0108');
    await page.getByRole('textbox', { name: 'Số liều nhận' }).fill('10');
    await page.getByRole('button', { name: 'Đăng ký lô' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Lô này đã được đăng ký' }).count()).toBeGreaterThan(0);
    // An expired lot is registered with a warning.
    await page.getByRole('textbox', { name: 'Số lô' }).fill('HETHAN-1');
    await page.getByRole('textbox', { name: 'Hạn dùng' }).fill(dmy(addDays(today, -2)));
    await page.getByRole('button', { name: 'Đăng ký lô' }).click();
    await expect.poll(() => page.getByTestId('lot-warnings').innerText().catch(() => '')).toContain('quá hạn dùng');
    await screenshot(page, 'vacc-supply-lots-desktop');

    // Allocate 600 doses to the district, delivered 6 days ago: due tomorrow under the 7-day rule.
    await page.goto('/vaccination/allocations');
    await page.getByRole('button', { name: 'Phân bổ mới' }).click();
    await pick(page, 'Nguồn', /Kho tỉnh — Pfizer-BioNTech \(Comirnaty\) lô FK0108/);
    await choose(page, 'Huyện nhận', short(login('huyen').unitName), new RegExp(login('huyen').unitName));
    await page.getByRole('textbox', { name: 'Số liều' }).fill('600');
    await page.getByRole('textbox', { name: 'Ngày giao' }).fill(dmy(addDays(today, -6)));
    await page.getByRole('button', { name: 'Phân bổ', exact: true }).click();
    const alloc = page.getByTestId('allocation').filter({ hasText: login('huyen').unitName });
    await expect.poll(() => alloc.count()).toBe(1);
    expect(await alloc.innerText()).toContain('Sắp đến hạn');
    const rows = (await server.db.query<{ doses: number; parent_id: number | null }>(
      `SELECT a.doses, a.parent_id FROM vaccine_allocation a JOIN vaccine_lot l ON l.province_code = a.province_code AND l.id = a.lot_id WHERE a.province_code = '20' AND l.lot_number = 'FK0108'`,
    )).rows;
    expect(rows).toEqual([{ doses: 600, parent_id: null }]);
  });

  it('the district passes part on to a commune on a phone and sees the warning', async () => {
    const page = await open('huyen', true);
    await page.goto('/vaccination/allocations');
    await page.getByRole('button', { name: 'Phân bổ mới' }).click();
    await pick(page, 'Nguồn', /Phân bổ của .* lô FK0108 \(còn 600 liều\)/);
    await choose(page, 'Xã nhận', short(login('xa').unitName), new RegExp(login('xa').unitName));
    // More than the district holds: refused.
    await page.getByRole('textbox', { name: 'Số liều' }).fill('700');
    await page.getByRole('textbox', { name: 'Ngày giao' }).fill(dmy(addDays(today, -5)));
    await page.getByRole('button', { name: 'Phân bổ', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Vượt quá số liều huyện còn giữ' }).count()).toBeGreaterThan(0);
    await page.getByRole('textbox', { name: 'Số liều' }).fill('400');
    await page.getByRole('button', { name: 'Phân bổ', exact: true }).click();
    await expect.poll(() => page.getByTestId('allocation').filter({ hasText: login('xa').unitName }).count()).toBe(1);
    // The warnings: the district's delivery is due tomorrow, the commune's in two days.
    const warnings = page.getByTestId('warning');
    await expect.poll(() => warnings.count()).toBe(2);
    expect(await warnings.first().innerText()).toMatch(/Còn 1 ngày đến hạn/);
    expect(await page.getByTestId('supply-chart').locator('svg').count()).toBe(1);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'vacc-supply-allocations-phone');
  });

  it('a campaign for the district shows its progress and that it will not finish before the deadline', async () => {
    const district = login('huyen');
    const districtPath = (await server.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = '20' AND code = $1`, [district.unitCode])).rows[0].path;
    // Two boosters a day for the last week among the district's adults.
    const adults = (
      await server.db.query<{ id: number; unit_path: string; commune_code: string }>(
        `SELECT id, unit_path, commune_code FROM person WHERE province_code = '20' AND unit_path LIKE $1 || '%' AND birth_date <= $2 ORDER BY id LIMIT 14`,
        [districtPath, `${Number(today.slice(0, 4)) - 19}-01-01`],
      )
    ).rows;
    const lotId = (await server.db.query<{ id: number }>(`SELECT id FROM vaccine_lot WHERE province_code = '20' AND lot_number = 'FK0108'`)).rows[0].id;
    for (const [i, p] of adults.entries())
      await server.db.query(
        `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_path) VALUES ('20', $1, $2, $3, 'pfizer', $4, 'booster_1', $5, $2)
         ON CONFLICT DO NOTHING`,
        [p.id, p.unit_path, p.commune_code, lotId, addDays(today, -Math.floor(i / 2))],
      );
    // As every dose write does: the coverage facts (which the campaign reads) of their communes.
    await server.db.tx((q) => refreshCoverage(q, '20', adults.map((p) => p.commune_code), addDays(today, -7)));

    const page = await open('huyen');
    await page.goto('/vaccination/campaigns');
    await page.getByRole('button', { name: 'Chiến dịch mới' }).click();
    await page.getByRole('textbox', { name: 'Tên chiến dịch' }).fill('Mũi nhắc lại cho người từ 18 tuổi');
    await choose(page, 'Địa bàn', short(district.unitName), new RegExp(district.unitName));
    await page.getByRole('textbox', { name: 'Ngày bắt đầu' }).fill(dmy(addDays(today, -10)));
    await page.getByRole('textbox', { name: 'Hạn hoàn thành' }).fill(dmy(addDays(today, -11)));
    await page.getByRole('button', { name: 'Tạo chiến dịch' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Hạn hoàn thành trước ngày bắt đầu' }).count()).toBeGreaterThan(0);
    await page.getByRole('textbox', { name: 'Hạn hoàn thành' }).fill(dmy(addDays(today, 20)));
    await page.getByRole('button', { name: 'Tạo chiến dịch' }).click();
    const projection = page.getByTestId('projection');
    await expect.poll(() => projection.getAttribute('data-state').catch(() => null)).toBe('will_not_finish');
    expect(await projection.innerText()).toMatch(/Không kịp hạn: với tốc độ [\d,.]+ người\/ngày \(7 ngày gần nhất\)/);
    expect(await projection.innerText()).toContain(`sau hạn ${dmy(addDays(today, 20))}`);
    expect(await page.getByTestId('campaign-chart').locator('svg').count()).toBe(1);
    await screenshot(page, 'vacc-supply-campaign-desktop');

    // The commune officer on a phone: the district's campaign, measured on the commune.
    const phone = await open('xa', true);
    await phone.goto('/vaccination/campaigns');
    const card = phone.getByTestId('campaign').filter({ hasText: 'Mũi nhắc lại cho người từ 18 tuổi' });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.innerText()).toContain(login('xa').unitName);
    await card.click();
    await expect.poll(() => phone.getByTestId('projection').count()).toBe(1);
    expect(await phone.getByText(`Tiến độ của ${login('xa').unitName}`).count()).toBe(1);
    expect(await overflowsHorizontally(phone)).toBe(false);
    await screenshot(phone, 'vacc-supply-campaign-phone');
    // A commune officer does not manage: no button to start a campaign.
    expect(await phone.getByRole('button', { name: 'Chiến dịch mới' }).count()).toBe(0);
    expect(problems.flat()).toEqual([]);
  });
});
