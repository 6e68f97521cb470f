// Tracing across a commune border: the commune officer of the case's commune records a contact who
// lives in another commune (found by CCCD, the registry says only where they live) and hands them
// over; the other commune's officer accepts on a 375 px phone; the sender sees the answer on the case.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { createUser } from '../../src/server/modules/users/service.ts';
import { signIn as apiSignIn } from '../helpers/app.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { dmy, launchBrowser, newContext, overflowsHorizontally, retry, screenshot, signIn, type Browser, type Page } from './support.ts';

const SMALL_PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const PASSWORD = 'handover-browser-pw';
const today = todayInVietnam();

let server: TestServer;
let browser: Browser;
let caseId: number;
let contact: { id: number; full_name: string; cccd: string; phone: string | null };
let other: { code: string; name: string };

const FREE = `NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)`;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const commune = server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
  // The neighbouring commune with the most people, and a person of it with a CCCD.
  const [b] = (
    await server.db.query<{ code: string; name: string }>(
      `SELECT u.code, u.name FROM admin_unit u JOIN admin_unit a ON a.province_code = u.province_code AND a.code = $1
        WHERE u.province_code = '20' AND u.level = 'commune' AND u.code <> a.code AND u.parent_code = a.parent_code ORDER BY u.population DESC, u.code LIMIT 1`,
      [commune],
    )
  ).rows;
  other = b;
  const [p] = (
    await server.db.query<{ id: number; full_name: string; cccd: string; phone: string | null }>(
      `SELECT p.id, p.full_name, p.cccd, p.phone FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.cccd IS NOT NULL AND ${FREE} ORDER BY p.id LIMIT 1`,
      [other.code],
    )
  ).rows;
  contact = p;
  await server.db.tx((q) => createUser(q, '20', { username: 'xa.ben', fullName: 'Cán bộ xã bên', password: PASSWORD, role: 'commune_officer', unitCode: other.code }));
  const [f0] = (await server.db.query<{ id: number }>(`SELECT p.id FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND ${FREE} ORDER BY p.id LIMIT 1`, [commune])).rows;
  const xa = await apiSignIn(server.app, 'xa', server.password('xa'));
  const c = await xa.post('/api/cases', { personId: f0.id, reportDate: today, sampleDate: addDays(today, -1), detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
  expect(c.statusCode, c.body).toBe(201);
  caseId = c.json().id;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a contact handed over to the commune they live in', () => {
  let sender: Page;
  let receiver: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const a = await newContext(browser, server.url);
    const b = await newContext(browser, server.url, SMALL_PHONE);
    problems.push(...[a.problems, b.problems].flat());
    a.context.on('weberror', (e) => problems.push(e.error().message));
    b.context.on('weberror', (e) => problems.push(e.error().message));
    sender = await a.context.newPage();
    receiver = await b.context.newPage();
    await signIn(sender, 'xa', server.password('xa'));
    await signIn(receiver, 'xa.ben', PASSWORD);
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await screenshot(sender, 'failed-handover-sender');
      await screenshot(receiver, 'failed-handover-receiver');
    }
  });

  it('records the contact by CCCD, seeing only the commune they live in, and hands them over', async () => {
    await sender.goto(`/cases/${caseId}`);
    await sender.getByRole('button', { name: 'Thêm F1' }).click();
    const dialog = sender.getByRole('dialog');
    await dialog.getByLabel('Người sống ở xã, phường khác').check();
    await dialog.getByRole('textbox', { name: 'Họ và tên' }).fill(contact.full_name);
    await dialog.getByRole('textbox', { name: 'Số CCCD' }).fill(contact.cccd);
    await dialog.getByRole('button', { name: 'Kiểm tra trong danh sách dân cư' }).click();
    const found = dialog.getByTestId('lookup-found');
    await found.getByText(other.name, { exact: false }).waitFor();
    // Nothing of the record beyond what was typed: no phone, no birth date.
    if (contact.phone) expect(await dialog.textContent()).not.toContain(contact.phone.slice(-6));
    await dialog.getByRole('textbox', { name: 'Lời nhắn cho xã nhận' }).fill('Gặp ở chợ phiên, đã dặn tự theo dõi');
    await dialog.getByRole('textbox', { name: 'Ngày tiếp xúc' }).fill(dmy(addDays(today, -1)));
    await screenshot(sender, 'handover-record');
    await dialog.getByRole('button', { name: 'Ghi nhận và bàn giao' }).click();
    const sent = sender.getByTestId('sent-handover');
    await sent.getByText(contact.full_name).waitFor();
    expect(await sent.getByTestId('handover-status').textContent()).toBe('Chờ tiếp nhận');
  });

  it('is accepted by the other commune on a phone', async () => {
    await receiver.goto('/tasks');
    const task = receiver.getByTestId('task-card').filter({ hasText: 'Tiếp nhận người tiếp xúc do xã khác bàn giao' });
    await task.getByText(contact.full_name).waitFor();
    await task.getByTestId('task-open-handover').click();
    const card = receiver.getByTestId('incoming-handover').filter({ hasText: contact.full_name });
    await card.getByTestId('handover-message').getByText('Gặp ở chợ phiên').waitFor();
    expect(await overflowsHorizontally(receiver)).toBe(false);
    await screenshot(receiver, 'handover-inbox-phone');
    await card.getByRole('button', { name: 'Tiếp nhận' }).click();
    await retry(async () => expect(await card.getByTestId('handover-status').textContent()).toBe('Đã tiếp nhận'));
    await card.getByRole('button', { name: 'Ra quyết định cách ly' }).waitFor();
    await screenshot(receiver, 'handover-accepted-phone');
  });

  it('shows the sender the answer on the case, and nothing more of the person', async () => {
    await sender.reload();
    const sent = sender.getByTestId('sent-handover').filter({ hasText: contact.full_name });
    await retry(async () => expect(await sent.getByTestId('handover-status').textContent()).toBe('Đã tiếp nhận'));
    await sent.getByTestId('handover-answer').getByText('Cán bộ xã bên').waitFor();
    await screenshot(sender, 'handover-case-answered');
    await sender.goto(`/people/${contact.id}`);
    await sender.getByText('Không tìm thấy người này hoặc người này nằm ngoài địa bàn bạn phụ trách.').waitFor();
    expect(problems).toEqual([]);
  });
});
