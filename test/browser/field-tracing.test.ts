// Tracing in the field: a community COVID team member works their tasks on a 375 px phone (call,
// take, mark done with a note); a commune officer sees the quarantine orders with their printable
// decision, registers a facility, records a check, and creates, reads and extends a zone.
// The data is made through the API here, so the test does not depend on the demo outbreak.
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { signIn as apiSignIn, type Client } from '../helpers/app.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { dmy, launchBrowser, newContext, overflowsHorizontally, retry, screenshot, signIn, DESKTOP, type Browser, type Page } from './support.ts';

const SMALL_PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const today = todayInVietnam();

let server: TestServer;
let browser: Browser;
let xaApi: Client;
let commune: { code: string; name: string };
/** The case, its two contacts (the first quarantined at home) and the order. */
let people: { case: number; called: number; late: number };
let names: Record<number, string>;
let orderId: number;

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const login = server.demo.logins.find((l) => l.username === 'xa')!;
  commune = { code: login.unitCode, name: login.unitName };
  xaApi = await apiSignIn(server.app, 'xa', server.password('xa'));

  // People of the officer's commune with a phone and no case, contact or order yet.
  const free = await q<{ id: number; full_name: string }>(
    `SELECT p.id, p.full_name FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.phone IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = p.province_code AND o.person_id = p.id)
      ORDER BY p.id LIMIT 3`,
    [commune.code],
  );
  expect(free).toHaveLength(3);
  people = { case: Number(free[0].id), called: Number(free[1].id), late: Number(free[2].id) };
  names = Object.fromEntries(free.map((p) => [Number(p.id), p.full_name]));

  const exposure = addDays(today, -1);
  const c = await xaApi.post('/api/cases', {
    personId: people.case,
    reportDate: today,
    sampleDate: exposure,
    detectedIn: 'community',
    reportedVia: 'lab',
    evidence: { pcrPositive: true },
    contacts: [
      { personId: people.called, exposureDate: exposure, setting: 'household', proximity: 'physical' },
      { personId: people.late, exposureDate: exposure, setting: 'workplace', proximity: 'within_2m', durationMinutes: 30 },
    ],
  });
  expect(c.statusCode, c.body).toBe(201);
  const o = await xaApi.post('/api/quarantine-orders', { personId: people.called, kind: 'quarantine' });
  expect(o.statusCode, o.body).toBe(201);
  orderId = o.json().id;
  // One task already late, as the field sees them after a busy day.
  await server.db.query(`UPDATE task SET due_at = now() - interval '3 hours' WHERE person_id = $1 AND kind = 'call_contact'`, [people.late]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('community COVID team on a 375 px phone', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url, SMALL_PHONE);
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'tocovid', server.password('tocovid'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  const card = (name: string, what: string) => page.getByTestId('task-card').filter({ hasText: name }).filter({ hasText: what });

  it('sees the open tasks of the commune as cards with a call button, the late one in red', async () => {
    await page.goto('/tasks');
    await page.getByRole('heading', { level: 1, name: 'Nhiệm vụ' }).waitFor();
    const call = card(names[people.called], 'Gọi điện cho người tiếp xúc (F1)');
    await call.waitFor();
    await card(names[people.called], 'Giao quyết định cách ly').waitFor();
    const href = await call.getByTestId('task-call').getAttribute('href');
    expect(href).toMatch(/^tel:\+?\d{9,12}$/);
    // The team has no access to case files: no link to the decision PDF.
    expect(await page.getByText('Quyết định (PDF)').count()).toBe(0);
    // Test sampling belongs to health workers, not to the team.
    expect(await page.getByText('Lấy mẫu xét nghiệm').count()).toBe(0);

    const late = card(names[people.late], 'Gọi điện cho người tiếp xúc (F1)');
    expect(await late.getByTestId('task-due').textContent()).toMatch(/^Quá hạn 3 giờ · hạn \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(await late.getByText('Quá hạn', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByTestId('overdue-count').textContent()).toMatch(/^[1-9]\d*$/);
    expect(await page.getByTestId('task-counts').textContent()).toMatch(/việc cần làm · [1-9]\d* việc quá hạn/);

    // Touch targets: buttons at least 44 px high.
    for (const name of ['Gọi', 'Nhận việc', 'Xong']) {
      const box = await call.getByRole(name === 'Gọi' ? 'link' : 'button', { name: name === 'Gọi' ? /^Gọi/ : name, exact: name !== 'Gọi' }).boundingBox();
      expect(box!.height, name).toBeGreaterThanOrEqual(44);
    }
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'tasks-phone');
    await late.scrollIntoViewIfNeeded();
    await screenshot(page, 'tasks-phone-late');
  });

  it('takes a task, then completes it with a note and finds it under "Đã xong"', async () => {
    const call = card(names[people.called], 'Gọi điện cho người tiếp xúc (F1)');
    await call.getByRole('button', { name: 'Nhận việc' }).click();
    await page.getByText(`Đã nhận việc: ${names[people.called]}`).waitFor();
    await call.getByText('Bạn đã nhận việc này').waitFor();
    expect(await call.getByRole('button', { name: 'Nhận việc' }).count()).toBe(0);

    await call.getByRole('button', { name: 'Xong', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Hoàn thành nhiệm vụ' });
    await dialog.waitFor();
    await dialog.getByLabel('Ghi chú').fill('Đã gọi, không sốt, hướng dẫn tự cách ly tại nhà');
    await screenshot(page, 'tasks-phone-complete');
    await dialog.getByRole('button', { name: 'Xác nhận xong' }).click();
    await page.getByText(`Đã xong việc: ${names[people.called]}`).waitFor();
    await call.waitFor({ state: 'detached' });

    await page.getByText('Đã xong', { exact: true }).first().click();
    const done = card(names[people.called], 'Gọi điện cho người tiếp xúc (F1)');
    await done.waitFor();
    await done.getByText('Đã gọi, không sốt, hướng dẫn tự cách ly tại nhà').waitFor();
    expect(await done.getByRole('button', { name: 'Xong', exact: true }).count()).toBe(0);
    const [row] = await q<{ status: string; note: string }>(`SELECT status, note FROM task WHERE person_id = $1 AND kind = 'call_contact'`, [people.called]);
    expect(row).toEqual({ status: 'done', note: 'Đã gọi, không sốt, hướng dẫn tự cách ly tại nhà' });
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'tasks-phone-done');

    await page.getByText('Quá hạn', { exact: true }).first().click();
    await card(names[people.late], 'Gọi điện cho người tiếp xúc (F1)').waitFor();
    expect(await card(names[people.called], 'Giao quyết định cách ly').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('commune officer on a desktop', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url, { ...DESKTOP, acceptDownloads: true });
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'xa', server.password('xa'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('lists the quarantine order with its dates and a decision PDF that answers application/pdf', async () => {
    await page.goto('/quarantine');
    await page.getByRole('heading', { level: 1, name: 'Cách ly' }).waitFor();
    const row = page.getByTestId('order').filter({ hasText: names[people.called] });
    await row.waitFor();
    const [o] = await q<{ start: string; end: string; monitor: string; testDays: number[] }>(
      `SELECT start_date::text AS start, end_date::text AS end, monitor_until::text AS monitor, test_days AS "testDays" FROM quarantine_order WHERE id = $1`,
      [orderId],
    );
    // The policy in force and the person's vaccination in the registry decide the days (7 unvaccinated, 5 protected).
    expect(o.testDays.length).toBeGreaterThan(0);
    const text = await row.textContent();
    expect(text).toContain('Cách ly F1');
    expect(text).toContain('Tại nhà');
    expect(text).toContain(`${dmy(o.start)} – ${dmy(o.end)}`);
    expect(text).toContain(dmy(o.monitor));
    for (const d of o.testDays) expect(text).toContain(`Ngày thứ ${d}`);
    expect(text).toContain('Chưa kiểm tra');
    const href = await row.getByTestId('decision-pdf').getAttribute('href');
    expect(href).toBe(`/api/quarantine-orders/${orderId}/decision.pdf`);
    expect(await row.getByTestId('decision-pdf').getAttribute('target')).toBe('_blank');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The person's name leads to their page.
    expect(await row.getByRole('link', { name: names[people.called] }).getAttribute('href')).toBe(`/people/${people.called}`);
  });

  it('records today’s check and refuses an early release without a reason, on the reason field', async () => {
    const row = page.getByTestId('order').filter({ hasText: names[people.called] });
    await row.getByRole('button', { name: 'Ghi nhận kiểm tra hôm nay' }).click();
    const check = page.getByRole('dialog', { name: 'Kiểm tra hôm nay' });
    await check.getByLabel('Có triệu chứng').check();
    await check.getByLabel('Ghi chú').fill('Ho nhẹ, không sốt');
    await check.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(`Đã ghi nhận ${names[people.called]}: Có triệu chứng`).waitFor();
    await row.getByTestId('today-check').filter({ hasText: 'Có triệu chứng' }).waitFor();

    await row.getByRole('button', { name: 'Kết thúc cách ly' }).click();
    const release = page.getByRole('dialog', { name: 'Kết thúc cách ly' });
    await release.getByText(/phải ghi rõ lý do/).waitFor();
    await release.getByRole('button', { name: 'Kết thúc cách ly' }).click();
    await release.getByText('Kết thúc sớm hơn quyết định phải ghi lý do').waitFor();
    // The message belongs to the reason field (aria-describedby), not to a general alert.
    const described = await release.getByLabel('Lý do, ghi chú').getAttribute('aria-describedby');
    expect(described).toBeTruthy();
    expect(await page.locator(`[id="${described!.split(' ').find((id) => id.includes('error'))}"]`).textContent()).toBe('Kết thúc sớm hơn quyết định phải ghi lý do');
    await screenshot(page, 'quarantine-release-error');
    await release.getByRole('button', { name: 'Hủy' }).click();
    await release.waitFor({ state: 'detached' });
    const [still] = await q<{ status: string }>(`SELECT status FROM quarantine_order WHERE id = $1`, [orderId]);
    expect(still.status).toBe('active');
  });

  it('registers a facility: a bad capacity is shown on its field, then a good one is listed with its occupancy', async () => {
    await page.getByRole('button', { name: 'Đăng ký cơ sở cách ly' }).click();
    const form = page.getByTestId('facility-form');
    await form.getByLabel('Tên cơ sở').fill('Khu cách ly Trường THCS Thử Nghiệm');
    // The officer's own commune is already chosen.
    await retry(async () => expect((await form.getByRole('combobox', { name: 'Xã, phường' }).inputValue()).startsWith(commune.name)).toBe(true));
    await form.getByLabel('Sức chứa (người)').fill('0');
    await form.getByRole('button', { name: 'Đăng ký' }).click();
    await form.getByText('Phải từ 1 trở lên').waitFor();
    const described = await form.getByLabel('Sức chứa (người)').getAttribute('aria-describedby');
    expect(described).toContain('error');
    expect(await q(`SELECT 1 FROM quarantine_facility WHERE name = 'Khu cách ly Trường THCS Thử Nghiệm'`)).toHaveLength(0);
    await screenshot(page, 'quarantine-facility-error');

    await form.getByLabel('Sức chứa (người)').fill('30');
    await form.getByRole('button', { name: 'Đăng ký' }).click();
    await page.getByText('Đã đăng ký cơ sở Khu cách ly Trường THCS Thử Nghiệm').waitFor();
    const facility = page.getByTestId('facility').filter({ hasText: 'Khu cách ly Trường THCS Thử Nghiệm' });
    await facility.waitFor();
    expect(await facility.getByTestId('occupancy').textContent()).toBe('0 / 30 người');
    await facility.getByText('Còn 30 chỗ').waitFor();
    const [f] = await q<{ capacity: number; commune_code: string }>(`SELECT capacity, commune_code FROM quarantine_facility WHERE name = 'Khu cách ly Trường THCS Thử Nghiệm'`);
    expect(f).toEqual({ capacity: 30, commune_code: commune.code });
    await screenshot(page, 'quarantine-desktop');
  });

  it('exports the orders to Excel', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải Excel' }).click()]);
    expect(download.suggestedFilename()).toBe(`cach-ly-dang-cach-ly-${today}.xlsx`);
    const wb = new ExcelJS.Workbook();
    const file = readFileSync((await download.path())!);
    await wb.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(2).value).toBe('Họ và tên');
    const names2 = ws.getColumn(2).values.slice(2);
    expect(names2).toContain(names[people.called]);
  });

  it('creates a zone of the commune and shows its planned lift date as dd/mm/yyyy', async () => {
    await page.goto('/zones');
    await page.getByRole('heading', { level: 1, name: 'Khoanh vùng, phong tỏa' }).waitFor();
    await page.getByRole('button', { name: 'Khoanh vùng mới' }).click();
    const form = page.getByTestId('zone-form');
    await form.getByLabel('Tên vùng').fill('Phong tỏa thử nghiệm');
    await form.getByText('Phong tỏa', { exact: true }).click();
    // Nothing picked: the form says so on the units field.
    await form.getByRole('button', { name: 'Khoanh vùng', exact: true }).click();
    await form.getByText('Chọn ít nhất một xã hoặc thôn').waitFor();
    await form.getByTestId('unit-quick-picks').getByText(`${commune.name} (toàn bộ)`).click();
    await form.getByTestId('picked-units').getByText(commune.name).waitFor();
    expect(await form.getByLabel('Ngày bắt đầu').inputValue()).toBe(dmy(today));
    await form.getByLabel('Lý do').fill('Ca F0 trong cộng đồng');
    await screenshot(page, 'zones-form');
    await form.getByRole('button', { name: 'Khoanh vùng', exact: true }).click();
    await page.getByText(/^Đã tạo Phong tỏa thử nghiệm, dự kiến gỡ ngày/).waitFor();
    const [z] = await q<{ id: number; planned: string }>(`SELECT id, planned_lift_date::text AS planned FROM zone WHERE name = 'Phong tỏa thử nghiệm'`);
    expect(z).toBeTruthy();
    // The case reported today in the commune: lift 14 days after it (policy in force).
    expect(z.planned).toBe(addDays(today, 14));
    const card = page.getByTestId('zone').filter({ hasText: 'Phong tỏa thử nghiệm' });
    await card.waitFor();
    expect(await card.getByTestId('planned-lift').textContent()).toBe(`${dmy(z.planned)} (còn 14 ngày)`);
    expect(await card.textContent()).toContain(`Bắt đầu:${dmy(today)}`);
    await screenshot(page, 'zones-desktop');
  });

  it('opens the residents of the zone in a drawer, 200 to a page', async () => {
    const card = page.getByTestId('zone').filter({ hasText: 'Phong tỏa thử nghiệm' });
    await card.getByTestId('open-residents').click();
    const drawer = page.getByRole('dialog', { name: 'Người dân trong Phong tỏa thử nghiệm' });
    await drawer.waitFor();
    const [{ n }] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code = $1`, [commune.code]);
    expect(n).toBeGreaterThan(0);
    await drawer.getByTestId('residents').waitFor();
    expect(await drawer.getByTestId('residents').locator('tbody tr').count()).toBe(Math.min(200, n));
    expect(await drawer.getByTestId('residents-total').textContent()).toBe(`${new Intl.NumberFormat('vi-VN').format(n)} người`);
    if (n > 200) {
      await drawer.getByRole('button', { name: '2', exact: true }).click();
      await retry(async () => expect(await drawer.locator('tbody tr').first().locator('td').first().textContent()).toBe('201'));
    }
    await screenshot(page, 'zones-residents');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('refuses an early lift without a reason, and reloads when someone else extended the zone first', async () => {
    const card = page.getByTestId('zone').filter({ hasText: 'Phong tỏa thử nghiệm' });
    await card.getByRole('button', { name: 'Gỡ phong tỏa' }).click();
    const lift = page.getByRole('dialog', { name: 'Gỡ phong tỏa' });
    await lift.getByRole('button', { name: 'Xác nhận gỡ' }).click();
    await lift.getByText('Gỡ trước ngày dự kiến phải ghi lý do').waitFor();
    await lift.getByRole('button', { name: 'Hủy' }).click();
    await lift.waitFor({ state: 'detached' });

    await card.getByRole('button', { name: 'Gia hạn' }).click();
    const extend = page.getByRole('dialog', { name: 'Gia hạn vùng' });
    expect(await extend.getByLabel('Gia hạn đến ngày').inputValue()).toBe(dmy(addDays(today, 21)));
    await extend.getByLabel('Lý do gia hạn').fill('Còn F1 chưa có kết quả xét nghiệm');
    // Meanwhile another officer extends it.
    const [z] = await q<{ id: number }>(`SELECT id FROM zone WHERE name = 'Phong tỏa thử nghiệm'`);
    const other = await xaApi.post(`/api/zones/${z.id}/extend`, { to: addDays(today, 18), reason: 'BCĐ huyện gia hạn', version: 1 });
    expect(other.statusCode, other.body).toBe(200);
    await extend.getByRole('button', { name: 'Gia hạn', exact: true }).click();
    await page.getByText('Vùng này vừa được người khác thay đổi').waitFor();
    await extend.waitFor({ state: 'detached' });
    await card.getByTestId('planned-lift').filter({ hasText: dmy(addDays(today, 18)) }).waitFor();

    await card.getByRole('button', { name: 'Gia hạn' }).click();
    const again = page.getByRole('dialog', { name: 'Gia hạn vùng' });
    await again.getByLabel('Gia hạn đến ngày').fill(dmy(addDays(today, 30)));
    await again.getByLabel('Lý do gia hạn').fill('Còn F1 chưa có kết quả xét nghiệm');
    await again.getByRole('button', { name: 'Gia hạn', exact: true }).click();
    await page.getByText(`Đã gia hạn Phong tỏa thử nghiệm đến ngày ${dmy(addDays(today, 30))}`).waitFor();
    await card.getByTestId('planned-lift').filter({ hasText: dmy(addDays(today, 30)) }).waitFor();
    expect(problems).toEqual([]);
  });
});

describe('commune officer on a 375 px phone', () => {
  let page: Page;

  beforeAll(async () => {
    const c = await newContext(browser, server.url, SMALL_PHONE);
    page = await c.context.newPage();
    await signIn(page, 'xa', server.password('xa'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('reads the quarantine orders and the zones as cards, without sideways scrolling', async () => {
    await page.goto('/quarantine');
    const order = page.getByTestId('order').filter({ hasText: names[people.called] });
    await order.waitFor();
    expect(await page.locator('table[data-testid=orders]').count()).toBe(0);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'quarantine-phone');
    await order.scrollIntoViewIfNeeded();
    await screenshot(page, 'quarantine-phone-order');

    await page.goto('/zones');
    await page.getByTestId('zone').filter({ hasText: 'Phong tỏa thử nghiệm' }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'zones-phone');
    await page.getByTestId('open-residents').first().click();
    await page.getByRole('dialog').getByTestId('residents').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'zones-phone-residents');

    // The officer also works tasks: the decision PDF is linked from the delivery task.
    await page.goto('/tasks');
    const deliver = page.getByTestId('task-card').filter({ hasText: 'Giao quyết định cách ly' }).filter({ hasText: names[people.called] });
    await deliver.waitFor();
    expect(await deliver.getByRole('link', { name: 'Quyết định (PDF)' }).getAttribute('href')).toBe(`/api/quarantine-orders/${orderId}/decision.pdf`);
  });

  it('reads the three pages in English too', async () => {
    await page.locator('label').filter({ hasText: /^EN$/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    const deliver = page.getByTestId('task-card').filter({ hasText: 'Deliver the quarantine decision' }).filter({ hasText: names[people.called] });
    expect(await deliver.getByTestId('task-due').textContent()).toMatch(/^\d+ hours? left · due \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await page.getByText('Overdue', { exact: true }).first().waitFor();
    await screenshot(page, 'tasks-phone-english');
    await page.goto('/quarantine');
    await page.getByRole('heading', { level: 1, name: 'Quarantine' }).waitFor();
    await page.getByTestId('order').filter({ hasText: names[people.called] }).getByText('F1 quarantine').waitFor();
    await page.goto('/zones');
    await page.getByRole('heading', { level: 1, name: 'Zones and lockdowns' }).waitFor();
    await page.getByTestId('zone').filter({ hasText: 'Phong tỏa thử nghiệm' }).getByText('Lift the lockdown').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.locator('label').filter({ hasText: /^VI$/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Khoanh vùng, phong tỏa' }).waitFor();
  });
});
