// The check-in journey on phones: a shop registers its venue on the public form → the commune
// officer approves it and prints the poster → the poster's QR (decoded from the PDF) opens the
// light check-in page → two citizens check in (the identity is remembered on the phone) → one of
// them is confirmed a case → the other appears as a suggested contact for the tracer, who adds
// them as F1 from the exposures page; the case's page shows it too. Then someone without the poster's
// page: their personal QR (page and printed card) decodes to what the venue staff's scanner page
// accepts, and the staff scanner records the check-in (pasted code, and a fake camera).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { decodePersonalQr } from '../../src/domain/checkins/personalQr.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { signIn as apiSignIn } from '../helpers/app.ts';
import { pdfImages } from '../helpers/pdfImages.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { CHROMIUM, CHROMIUM_ARGS, launchBrowser, newContext, overflowsHorizontally, PHONE, DESKTOP, retry, screenshot, signIn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
}, 600_000);
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-checkins-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
}

async function open(username: string | null, opts: Parameters<typeof newContext>[2] = PHONE): Promise<Page> {
  const c = await newContext(browser, server.url, opts);
  problems.push(c.problems);
  const page = await c.context.newPage();
  pages.push(page);
  if (username) await signIn(page, username, server.password(username));
  return page;
}

/** A one-frame Y4M video of a QR code, for Chromium's fake camera (as in the vaccination certificate's test). */
function qrVideo(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  const W = 640;
  const H = 480;
  const cell = Math.floor((H - 40) / (size + 8));
  const x0 = Math.floor((W - size * cell) / 2);
  const y0 = Math.floor((H - size * cell) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (data[r * size + c]) for (let dy = 0; dy < cell; dy++) y.fill(16, (y0 + r * cell + dy) * W + x0 + c * cell, (y0 + r * cell + dy) * W + x0 + (c + 1) * cell);
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const file = join(mkdtempSync(join(tmpdir(), 'chongdich-cam-')), 'qr.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma]));
  return file;
}

describe('check-ins: register → approve → poster QR → check in → case → suggested contact', () => {
  const commune = () => server.demo.logins.find((l) => l.username === 'xa')!;
  let venueUrl: string;
  let staffUrl: string;
  let people: { id: number; full_name: string; phone: string }[];
  let caseId: number;

  it('a shop registers its venue on the public page, on a phone', async () => {
    const page = await open(null);
    await page.goto('/dang-ky-dia-diem');
    await page.getByRole('heading', { name: 'Đăng ký địa điểm quét mã QR' }).waitFor();
    await page.getByRole('textbox', { name: 'Tên địa điểm' }).fill('Tạp hóa Bà Tư');
    await page.getByRole('combobox', { name: 'Loại địa điểm' }).click();
    await page.getByRole('option', { name: 'Cửa hàng, siêu thị' }).click();
    await page.getByRole('textbox', { name: 'Địa chỉ (số nhà, đường, thôn)' }).fill('Số 12, thôn Trung Tâm');
    const communeName = (await q<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = '20' AND code = $1`, [commune().unitCode]))[0].name;
    await retry(async () => {
      await page.getByRole('combobox', { name: 'Xã / phường / thị trấn' }).fill(communeName);
      await page.getByRole('option', { name: communeName, exact: true }).first().click({ timeout: 3000 });
    });
    await page.getByRole('textbox', { name: 'Người đại diện' }).fill('Nguyễn Thị Tư');
    await page.getByRole('textbox', { name: 'Số điện thoại liên hệ' }).fill('0912 345 001');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-register-phone');
    await page.getByTestId('register-submit').click();
    await page.getByTestId('register-done').waitFor();
    expect(await q(`SELECT 1 FROM venue WHERE name = 'Tạp hóa Bà Tư' AND status = 'pending' AND commune_code = $1`, [commune().unitCode])).toHaveLength(1);
  });

  it('the commune officer approves it on a phone and prints the poster, whose QR is the check-in page', async () => {
    const page = await open('xa');
    await page.goto('/venues');
    await page.getByRole('heading', { name: 'Địa điểm quét mã QR', level: 1 }).waitFor();
    const card = page.getByTestId('venue-card').filter({ hasText: 'Tạp hóa Bà Tư' });
    await card.waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-venues-pending-phone');
    await card.getByTestId('venue-approve').click();
    await page.getByTestId('staff-link').waitFor();
    staffUrl = /(https?:\/\/\S+\/ci\/scan\.html\?v=[0-9A-Z]+#k=[A-Za-z0-9_-]+)/.exec(await page.getByTestId('staff-link').innerText())![1];
    await page.locator('.mantine-SegmentedControl-label', { hasText: 'Đã duyệt' }).click();
    const approved = page.getByTestId('venue-card').filter({ hasText: 'Tạp hóa Bà Tư' });
    await approved.getByTestId('venue-poster').waitFor();
    const href = await approved.getByTestId('venue-poster').getAttribute('href');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    const [img] = await pdfImages(Buffer.from(await pdf.body()));
    venueUrl = jsQR(img.rgba, img.width, img.height)!.data;
    const code = (await q<{ code: string }>(`SELECT code FROM venue WHERE name = 'Tạp hóa Bà Tư'`))[0].code;
    expect(venueUrl).toBe(`${server.url}/ci/?v=${code}`);
    const desk = await open('xa', DESKTOP);
    await desk.goto('/venues?status=approved');
    await desk.getByTestId('venue-card').first().waitFor();
    await screenshot(desk, 'checkins-venues-desktop');
  });

  it('two citizens scan the poster and check in on the light page; the identity is remembered; the page is light', async () => {
    people = await q<{ id: number; full_name: string; phone: string }>(
      `SELECT id, full_name, phone FROM person p WHERE province_code = '20' AND commune_code = $1 AND phone IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
          AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
          AND (SELECT count(*) FROM person x WHERE x.province_code = p.province_code AND x.phone = p.phone) = 1
        ORDER BY id LIMIT 2`,
      [commune().unitCode],
    );
    for (const [i, p] of people.entries()) {
      const page = await open(null);
      let scriptBytes = 0;
      page.on('response', async (r) => {
        if (r.request().resourceType() === 'script' && r.status() === 200) scriptBytes += (await r.body().catch(() => Buffer.alloc(0))).length;
      });
      await page.goto(venueUrl);
      await page.getByRole('heading', { name: 'Tạp hóa Bà Tư' }).waitFor();
      await page.getByRole('textbox', { name: 'Họ và tên' }).fill(p.full_name);
      await page.getByRole('textbox', { name: 'Số điện thoại' }).fill('0' + p.phone.slice(3));
      if (i === 0) await screenshot(page, 'checkins-checkin-form-phone');
      await page.getByRole('button', { name: 'Xác nhận có mặt tại đây' }).click();
      await page.getByText('Đã ghi nhận có mặt').waitFor();
      if (i === 0) await screenshot(page, 'checkins-checkin-done-phone');
      expect(scriptBytes).toBeGreaterThan(1000);
      expect(scriptBytes).toBeLessThan(100 * 1024);
      expect(await overflowsHorizontally(page)).toBe(false);
      // Stored before the page said so.
      expect(await q(`SELECT 1 FROM checkin.visit WHERE subject = $1 AND venue_id = (SELECT id FROM venue WHERE name = 'Tạp hóa Bà Tư')`, ['p' + p.phone])).toHaveLength(1);
      if (i === 0) {
        // The next visit: the phone remembers who they are, one tap.
        await page.goto(venueUrl);
        await page.getByRole('heading', { name: p.full_name }).waitFor();
        await screenshot(page, 'checkins-checkin-known-phone');
      }
    }
  });

  it('one of them is confirmed a case; the tracer sees the other as a suggested contact and adds them as F1', async () => {
    const xa = await apiSignIn(server.app, 'xa', server.password('xa'));
    const today = todayInVietnam();
    const c = await xa.post('/api/cases', { personId: Number(people[0].id), reportDate: today, onsetDate: today, detectedIn: 'community', reportedVia: 'lab', evidence: { pcrPositive: true } });
    expect(c.statusCode, c.body).toBe(201);
    caseId = c.json().id;
    const page = await open('yte');
    await page.goto('/exposures');
    await page.getByRole('heading', { name: 'Tiếp xúc qua quét mã QR', level: 1 }).waitFor();
    const s = page.getByTestId('exposure-suggestion').filter({ hasText: people[1].full_name });
    await s.waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-exposures-phone');
    await s.getByTestId('exposure-accept').click();
    await page.getByRole('combobox', { name: 'Mức độ tiếp xúc' }).click();
    await page.getByRole('option', { name: 'Trong vòng 2 mét' }).click();
    await screenshot(page, 'checkins-exposure-accept-phone');
    await page.getByTestId('exposure-accept-confirm').click();
    await page.getByText('Đã thêm làm F1 (đáp ứng định nghĩa F1)').first().waitFor();
    const k = await q<{ source: string; root_case_id: number }>(`SELECT source, root_case_id FROM contact WHERE province_code = '20' AND person_id = $1`, [people[1].id]);
    expect(k).toEqual([{ source: 'checkin', root_case_id: caseId }]);
    // The case's page lists it as accepted.
    await page.goto(`/cases/${caseId}`);
    const section = page.getByTestId('case-exposures');
    await section.getByText('Đã thêm F1').waitFor();
    const desk = await open('yte', DESKTOP);
    await desk.goto(`/exposures?status=accepted`);
    await desk.getByTestId('exposure-suggestion').first().waitFor();
    await screenshot(desk, 'checkins-exposures-desktop');
  });

  it('the contact asks “was I exposed?” on the light page with the code the administrator reads in the outbox', async () => {
    const page = await open(null);
    await page.goto('/ci/tra-cuu.html');
    await page.getByRole('textbox', { name: 'Số điện thoại' }).fill('0' + people[1].phone.slice(3));
    await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
    await page.getByText('Mã xác nhận đã được gửi tới số điện thoại.').waitFor();
    const admin = await open('admin', DESKTOP);
    await admin.goto('/exposures');
    const box = admin.getByTestId('outbox');
    await box.getByText('Ma xac nhan').first().waitFor();
    await screenshot(admin, 'checkins-outbox-desktop');
    const code = /(\d{6})/.exec((await box.locator('tbody tr').first().innerText()))![1];
    await page.getByRole('textbox', { name: 'Mã xác nhận (6 số)' }).fill(code);
    await page.getByRole('button', { name: 'Xem lịch sử quét mã' }).click();
    await page.getByText('Có ca bệnh đã xác định có mặt').waitFor();
    await page.locator('li.exp', { hasText: 'Tạp hóa Bà Tư' }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-lookup-phone');
    expect(problems.flat()).toEqual([]);
  });

  const visitor = { name: 'Đỗ Thị Hằng', phone: '0913 579 246', subject: 'p+84913579246' };
  let personalQr: string;

  it('someone without the poster’s page shows their personal QR on a phone; it decodes to their identity, and so does the printed card', async () => {
    const page = await open(null);
    await page.goto('/ci/qr.html');
    await page.getByRole('textbox', { name: 'Họ và tên' }).fill(visitor.name);
    await page.getByRole('textbox', { name: 'Số điện thoại' }).fill(visitor.phone);
    await page.getByRole('button', { name: 'Hiện mã QR' }).click();
    const svg = page.locator('#result svg');
    await svg.waitFor();
    await page.locator('#result h1', { hasText: visitor.name }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-personal-qr-phone');
    // What a scanner reads off the screen: the SVG drawn as pixels, decoded by jsQR.
    const side = 400;
    const pixels = await svg.evaluate(async (el: SVGSVGElement, s: number) => {
      const img = new Image();
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(el));
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = s;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, s, s);
      g.drawImage(img, 0, 0, s, s);
      return Array.from(g.getImageData(0, 0, s, s).data);
    }, side);
    personalQr = jsQR(Uint8ClampedArray.from(pixels), side, side)!.data;
    expect(decodePersonalQr(personalQr)).toEqual({ subject: visitor.subject, fullName: visitor.name, phone: '+84913579246', cccd: null });
    // Nothing is stored by showing a QR.
    expect(await q(`SELECT 1 FROM checkin.visit WHERE subject = $1`, [visitor.subject])).toHaveLength(0);
    // The printable card (two copies) carries the same code.
    const pdf = await page.request.post('/api/checkins/personal-card', { data: { fullName: visitor.name, phone: visitor.phone } });
    expect(pdf.status()).toBe(200);
    const images = await pdfImages(Buffer.from(await pdf.body()));
    expect(images.length).toBeGreaterThanOrEqual(1);
    for (const img of images) expect(jsQR(img.rgba, img.width, img.height)?.data).toBe(personalQr);
    // The next visit of the page shows it at once (the identity is remembered on the phone).
    await page.reload();
    await page.locator('#result svg').waitFor();
    const desk = await open(null, DESKTOP);
    await desk.goto('/ci/qr.html');
    await desk.getByRole('textbox', { name: 'Họ và tên' }).fill(visitor.name);
    await desk.getByRole('textbox', { name: 'Số điện thoại' }).fill(visitor.phone);
    await desk.getByRole('button', { name: 'Hiện mã QR' }).click();
    await desk.locator('#result svg').waitFor();
    await screenshot(desk, 'checkins-personal-qr-desktop');
  });

  it('the venue staff scan it on their phone with the staff link: the check-in is recorded, once per card in front of the camera', async () => {
    const page = await open(null);
    await page.goto(staffUrl);
    await page.getByRole('heading', { name: 'Tạp hóa Bà Tư' }).waitFor();
    // This Chromium has no BarcodeDetector: the page says so and offers the scanner / paste field.
    const paste = page.getByRole('textbox', { name: 'Hoặc dùng máy quét / dán nội dung mã' });
    await paste.fill(personalQr);
    await paste.press('Enter');
    await page.locator('#result.ok', { hasText: `Đã ghi nhận: ${visitor.name}` }).waitFor();
    await page.locator('#recent', { hasText: 'Đã ghi nhận trên máy này (1)' }).getByText(visitor.name).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'checkins-staff-scan-phone');
    const rows = await q<{ method: string; venue: string }>(`SELECT method, (SELECT name FROM venue WHERE id = venue_id) AS venue FROM checkin.visit WHERE subject = $1`, [visitor.subject]);
    expect(rows).toEqual([{ method: 'staff_scan', venue: 'Tạp hóa Bà Tư' }]);
    // The same card read again at once (a USB scanner's double read) is not sent twice.
    await paste.fill(personalQr);
    await paste.press('Enter');
    await page.waitForTimeout(500);
    expect(await q(`SELECT 1 FROM checkin.visit WHERE subject = $1`, [visitor.subject])).toHaveLength(1);
    // Something that is not a personal QR: said plainly, nothing stored.
    await paste.fill('https://example.com/not-a-card');
    await paste.press('Enter');
    await page.locator('#result.err', { hasText: 'Đây không phải mã QR cá nhân' }).waitFor();
    const desk = await open(null, DESKTOP);
    await desk.goto(staffUrl);
    await desk.getByRole('heading', { name: 'Tạp hóa Bà Tư' }).waitFor();
    await screenshot(desk, 'checkins-staff-scan-desktop');
    // The link without its key, or with a wrong one: refused, nothing stored.
    const nokey = await open(null);
    await nokey.goto(staffUrl.split('#')[0]);
    await nokey.getByText('Đường dẫn máy quét thiếu khóa nhân viên').waitFor();
    const wrong = await open(null);
    await wrong.goto(staffUrl.replace(/#k=.*/, '#k=wrongkey123'));
    await wrong.getByRole('heading', { name: 'Tạp hóa Bà Tư' }).waitFor();
    const other = 'CDQR1.' + Buffer.from(JSON.stringify({ n: 'Người Khác', p: '+84913000111', c: null })).toString('base64url');
    await wrong.getByRole('textbox', { name: 'Hoặc dùng máy quét / dán nội dung mã' }).fill(other);
    await wrong.getByRole('textbox', { name: 'Hoặc dùng máy quét / dán nội dung mã' }).press('Enter');
    await wrong.getByText('Khóa nhân viên của đường dẫn này không đúng').waitFor();
    expect(await q(`SELECT 1 FROM checkin.visit WHERE subject = 'p+84913000111'`)).toHaveLength(0);
    expect(problems.flat()).toEqual([]);
  });

  it('with the camera: the staff phone reads a printed card held in front of it (a fake camera), once however long it stays there', async () => {
    // The card of someone else, printed: the fake camera shows its QR.
    const card = await (await open(null)).request.post('/api/checkins/personal-card', { data: { fullName: 'Vương Văn Thẻ', cccd: '020085001234' } });
    const [img] = await pdfImages(Buffer.from(await card.body()));
    const text = jsQR(img.rgba, img.width, img.height)!.data;
    const cam = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${qrVideo(text)}`] });
    try {
      const context = await cam.newContext({ ...PHONE, baseURL: server.url, locale: 'vi-VN' });
      await context.grantPermissions(['camera']);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(staffUrl);
      await page.getByRole('heading', { name: 'Tạp hóa Bà Tư' }).waitFor();
      const native = await page.evaluate(() => 'BarcodeDetector' in window);
      await page.getByRole('button', { name: 'Bật camera để quét' }).click();
      await page.locator('#result.ok', { hasText: 'Đã ghi nhận: Vương Văn Thẻ' }).waitFor({ timeout: 30_000 });
      await screenshot(page, 'checkins-staff-camera-phone');
      // The card stays in front of the camera: still one check-in a few seconds later.
      await page.waitForTimeout(6000);
      const rows = await q<{ method: string }>(`SELECT method FROM checkin.visit WHERE subject = 'c020085001234'`);
      expect(rows).toEqual([{ method: 'staff_scan' }]);
      expect(errors).toEqual([]);
      console.log(`staff camera read with ${native ? 'BarcodeDetector' : 'jsQR (served by the server)'}`);
    } finally {
      await cam.close();
    }
  });
});
