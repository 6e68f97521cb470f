// Declarations and checkpoints through the web, on phones: a citizen declares an arrival from a
// level-4 area on the public page → the commune's community team finds the testing task on its
// phone, and the commune officer sees the declaration; a checkpoint officer looks a driver up and
// sees the valid negative test found by CCCD (no retest), records the passage, sees it counted.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { cccdPrefix } from '../../src/domain/people/normalize.ts';
import { DESKTOP, launchBrowser, newContext, overflowsHorizontally, PHONE, retry, screenshot, signIn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-checkpoints-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
}

async function open(username: string | null, viewport: typeof PHONE | typeof DESKTOP = PHONE): Promise<Page> {
  const c = await newContext(browser, server.url, viewport);
  problems.push(c.problems);
  const page = await c.context.newPage();
  pages.push(page);
  if (username) await signIn(page, username, server.password(username));
  return page;
}

async function choose(page: Page, label: RegExp, typed: string, option: RegExp) {
  await retry(async () => {
    await page.getByRole('combobox', { name: label }).fill(typed);
    await page.getByRole('option', { name: option }).first().click({ timeout: 3000 });
  });
}

describe('declarations and checkpoints on a phone', () => {
  const name = 'Hoàng Thị Mai';
  const cccd = cccdPrefix('079', 1994, 'F') + '246810';
  let communeName: string;

  it('a citizen declares an arrival from Hồ Chí Minh City on the public page, without an account', async () => {
    const commune = server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
    communeName = (await q<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND code = $1`, [commune]))[0].name;
    const page = await open(null);
    await page.goto('/khai-bao-y-te?tinh=20');
    await page.getByRole('heading', { name: /Khai báo y tế — Tỉnh Lạng Sơn/ }).waitFor();
    const form = page.getByTestId('declare-form');
    // Sending it empty says what is missing, and sends nothing.
    await form.getByRole('button', { name: 'Gửi tờ khai' }).click();
    await page.getByText('Số CCCD gồm 12 chữ số').waitFor();
    expect(await q(`SELECT 1 FROM health_declaration WHERE full_name = $1`, [name])).toHaveLength(0);
    await form.getByRole('textbox', { name: /Họ và tên/ }).fill(name);
    await form.getByRole('textbox', { name: /Ngày sinh/ }).fill('15/08/1994');
    await form.getByText('Nữ', { exact: true }).click();
    await form.getByRole('textbox', { name: /Số CCCD/ }).fill(cccd);
    await form.getByRole('textbox', { name: /Số điện thoại/ }).fill('0905 123 456');
    await form.getByRole('textbox', { name: /Nơi ở hiện nay/ }).fill('45 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh');
    await choose(page, /^Đi từ/, 'Hồ Chí', /Hồ Chí Minh/);
    await choose(page, /^Xã\/phường nơi đến/, communeName.replace(/^(Xã|Phường|Thị trấn)\s+/, ''), new RegExp(communeName));
    await form.getByRole('textbox', { name: /Địa chỉ lưu trú/ }).fill('Nhà mẹ đẻ');
    await form.getByLabel('Không có triệu chứng nào').check();
    await form.getByLabel(/Tôi cam kết/).check();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'declare-form-phone');
    await form.getByRole('button', { name: 'Gửi tờ khai' }).click();
    const done = page.getByTestId('declare-done');
    await done.waitFor();
    expect(await done.getAttribute('data-risk')).toBe('high_risk_area');
    await page.getByTestId('declare-next-test_arrival').getByText(/lấy mẫu xét nghiệm/).waitFor();
    await screenshot(page, 'declare-done-phone');
    const rows = await q<{ risk: string; phone: string; destination_commune_code: string }>(`SELECT risk, phone, destination_commune_code FROM health_declaration WHERE full_name = $1`, [name]);
    expect(rows).toEqual([{ risk: 'high_risk_area', phone: '+84905123456', destination_commune_code: commune }]);
    // The next time on this phone, the identity is filled in.
    await page.getByRole('button', { name: 'Khai báo cho người khác' }).click();
    await page.reload();
    await page.getByText('Thông tin cá nhân lần trước đã được điền sẵn trên máy này.').waitFor();
    expect(await page.getByRole('textbox', { name: /Họ và tên/ }).inputValue()).toBe(name);
  });

  it('a traveller names the district of another province and a contact with a case; the team gets a check of the contact', async () => {
    const commune = server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
    const traveller = 'Lý Văn Quang';
    const page = await open(null);
    await page.goto('/khai-bao-y-te?tinh=20');
    const form = page.getByTestId('declare-form');
    await form.waitFor();
    await form.getByRole('textbox', { name: /Họ và tên/ }).fill(traveller);
    await form.getByRole('textbox', { name: /Ngày sinh/ }).fill('02/01/1988');
    await form.getByText('Nam', { exact: true }).click();
    await form.getByRole('textbox', { name: /Số CCCD/ }).fill(cccdPrefix('001', 1988, 'M') + '112233');
    await form.getByRole('textbox', { name: /Số điện thoại/ }).fill('0905 777 888');
    await form.getByRole('textbox', { name: /Nơi ở hiện nay/ }).fill('8 Phan Đình Phùng, Ba Đình, Hà Nội');
    await choose(page, /^Đi từ/, 'Hà Nội', /^Hà Nội$/);
    // Hà Nội's districts come from the server once the province is chosen.
    await choose(page, /^Quận\/huyện/, 'Ba Đình', /Quận Ba Đình/);
    await page.getByRole('combobox', { name: /^Quận\/huyện/ }).scrollIntoViewIfNeeded();
    await screenshot(page, 'declare-district-phone');
    const desk = await open(null, DESKTOP);
    await desk.goto('/khai-bao-y-te?tinh=20');
    await desk.getByTestId('declare-form').waitFor();
    await choose(desk, /^Đi từ/, 'Hà Nội', /^Hà Nội$/);
    await choose(desk, /^Quận\/huyện/, 'Hoàn Kiếm', /Quận Hoàn Kiếm/);
    await screenshot(desk, 'declare-district-desktop');
    await choose(page, /^Xã\/phường nơi đến/, communeName.replace(/^(Xã|Phường|Thị trấn)\s+/, ''), new RegExp(communeName));
    await form.getByLabel('Không có triệu chứng nào').check();
    await form.getByLabel('Người bệnh hoặc nghi mắc COVID-19').check();
    await form.getByLabel(/Tôi cam kết/).check();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'declare-district-contact-phone');
    await form.getByRole('button', { name: 'Gửi tờ khai' }).click();
    await page.getByTestId('declare-done').waitFor();
    await page.getByTestId('declare-next-check_declared_contact').getByText(/tổ COVID cộng đồng sẽ gọi/).waitFor();
    await screenshot(page, 'declare-contact-done-phone');
    const rows = await q<{ from_name: string; effects: string[]; contacts: string[] }>(`SELECT places->0->>'name' AS from_name, effects, contacts FROM health_declaration WHERE full_name = $1`, [traveller]);
    expect(rows).toEqual([{ from_name: 'Quận Ba Đình, Thành phố Hà Nội', effects: ['check_declared_contact'], contacts: ['case'] }]);
    expect((await q<{ n: number }>(`SELECT count(*)::int AS n FROM task WHERE kind = 'check_declared_contact' AND commune_code = $1 AND detail->>'fullName' = $2`, [commune, traveller]))[0].n).toBe(1);
    const team = await open('tocovid');
    await team.goto('/tasks');
    const card = team.getByTestId('task-card').filter({ hasText: traveller });
    await card.getByText('Xác minh tiếp xúc đã khai báo').waitFor();
    await card.getByText(/báo nhóm truy vết để xác định F1/).waitFor();
    expect(await overflowsHorizontally(team)).toBe(false);
    await screenshot(team, 'declare-contact-task-phone');
  });

  it("the commune's community team finds the testing task on its phone; the commune officer sees the declaration", async () => {
    const team = await open('tocovid');
    await team.goto('/tasks');
    const card = team.getByTestId('task-card').filter({ hasText: name });
    await card.getByText('Xét nghiệm người về từ vùng dịch').waitFor();
    await card.getByText(/lấy mẫu xét nghiệm/).waitFor();
    expect(await overflowsHorizontally(team)).toBe(false);
    await screenshot(team, 'declare-task-phone');

    const officer = await open('xa');
    await officer.goto('/declarations');
    await officer.getByRole('heading', { name: 'Tờ khai y tế', level: 1 }).waitFor();
    const mine = officer.getByTestId('declaration-card').filter({ hasText: name });
    await mine.getByText('Vùng dịch').waitFor();
    await mine.getByText('Xét nghiệm').waitFor();
    expect(await overflowsHorizontally(officer)).toBe(false);
    await screenshot(officer, 'declarations-phone');
    const desk = await open('xa', DESKTOP);
    await desk.goto('/declarations');
    await desk.getByTestId('declarations-table').getByText(name).waitFor();
    await screenshot(desk, 'declarations-desktop');
    expect((await q<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE username = 'xa' AND entity = 'health_declaration'`))[0].n).toBeGreaterThan(0);
  });

  it('a checkpoint officer looks up a driver, sees the valid negative test, and records the passage', async () => {
    const driver = cccdPrefix('001', 1983, 'M') + '135790';
    // The driver was tested at the gate yesterday evening by a health worker (rapid test, through the API).
    const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chot', password: server.password('chot') } });
    const cookie = `cd_sid=${login.cookies.find((c) => c.name === 'cd_sid')!.value}`;
    const rt = await server.app.inject({
      method: 'POST',
      url: '/api/testing/rapid-tests',
      headers: { cookie, 'x-csrf-token': login.json().csrfToken },
      payload: { person: { fullName: 'Đỗ Văn Hùng', cccd: driver }, vehiclePlate: '29C-456.78', outcome: 'negative', readAt: new Date(Date.now() - 18 * 3_600_000).toISOString(), idempotencyKey: 'browser-rapid-0001' },
    });
    expect(rt.statusCode, rt.body).toBe(201);

    const page = await open('chot');
    await page.goto('/checkpoints');
    await page.getByRole('heading', { name: 'Chốt kiểm soát', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: 'Số CCCD' }).fill(driver);
    await page.getByRole('textbox', { name: 'Biển số xe' }).fill('29c45678');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const card = page.getByTestId('cp-lookup');
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('valid_negative');
    await card.getByText('Âm tính còn hiệu lực').waitFor();
    await page.getByTestId('cp-valid-until').waitFor();
    await page.getByTestId('cp-advice').getByText('Đề xuất: cho qua').waitFor();
    expect(await page.getByTestId('cp-decision-allowed').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('textbox', { name: /Họ và tên/ }).inputValue()).toBe('Đỗ Văn Hùng');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkpoint-lookup-phone');
    // Testing them again is refused by the server too.
    await page.getByTestId('cp-decision-tested').click();
    await page.getByTestId('cp-save').click();
    await page.getByText('Người này có kết quả âm tính còn hiệu lực: không cần xét nghiệm lại').waitFor();
    await page.getByTestId('cp-decision-allowed').click();
    await page.getByTestId('cp-save').click();
    await page.getByTestId('cp-saved').getByText('Đã ghi: Đỗ Văn Hùng — Cho qua').waitFor();
    const rows = await q<{ test_status: string; decision: string; vehicle_plate: string; direction: string }>(`SELECT test_status, decision, vehicle_plate, direction FROM checkpoint_passage WHERE cccd = $1`, [driver]);
    expect(rows).toEqual([{ test_status: 'valid_negative', decision: 'allowed', vehicle_plate: '29C45678', direction: 'in' }]);

    const desk = await open('chihuy', DESKTOP);
    await desk.goto('/checkpoints');
    await desk.getByRole('tab', { name: 'Thống kê' }).click();
    await desk.getByTestId('cp-chart').waitFor();
    await desk.getByTestId('cp-stats-table').getByText('Cửa khẩu quốc tế Hữu Nghị').waitFor();
    await screenshot(desk, 'checkpoints-stats-desktop');
    for (const p of problems) expect(p).toEqual([]);
  });
});
