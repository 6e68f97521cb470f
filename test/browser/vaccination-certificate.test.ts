// Certificates through the web: the commune officer issues one from the person page and sees its
// QR code → what a phone camera reads opens the public verification page, which says valid with
// the name, birth date and doses → a tampered code is rejected → without a connection, a pasted
// code is still checked with the key kept from the first visit (fetched once) → a photo of the
// QR is read too; in English as well.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { base64UrlDecode, base64UrlEncode } from '../../src/domain/vaccination/certificate.ts';
import { CHROMIUM, CHROMIUM_ARGS, DESKTOP, launchBrowser, newContext, overflowsHorizontally, PHONE, screenshot, signIn, type Browser, type BrowserContext, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];
let person: { id: number; fullName: string; birth: string };
let url: string;
let verifier: { context: BrowserContext; page: Page; keyRequests: number };

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
  const xa = server.demo.logins.find((l) => l.username === 'xa')!;
  const rows = await server.db.query<{ id: number; fullName: string; birth: string }>(
    `SELECT id::int AS id, full_name AS "fullName", to_char(birth_date, 'DD/MM/YYYY') AS birth FROM person p
      WHERE province_code = '20' AND commune_code = $1 AND birth_date < '2000-01-01'
        AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
      ORDER BY id LIMIT 1`,
    [xa.unitCode],
  );
  person = rows.rows[0];
  const lot = (await server.db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', 'vero_cell', 'VC202108A', 500) RETURNING id::int AS id`)).rows[0].id;
  for (const [k, on] of [
    ['primary_1', '2021-09-01'],
    ['primary_2', '2021-09-29'],
  ]) {
    await server.db.query(
      `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_name)
       SELECT '20', id, unit_path, commune_code, 'vero_cell', $2, $3, $4, 'Trạm Y tế' FROM person WHERE province_code = '20' AND id = $1`,
      [person.id, lot, k, on],
    );
  }
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-certificate-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A one-frame Y4M video of a QR code, for Chromium's fake camera. */
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

/** What a camera reads from an <img> on the page. */
async function readQr(page: Page, testId: string): Promise<string | null> {
  const img = page.getByTestId(testId);
  await img.waitFor();
  const side = 440;
  const pixels = await img.evaluate(async (el: HTMLImageElement, s: number) => {
    await el.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = s;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, s, s);
    g.drawImage(el, 0, 0, s, s);
    return Array.from(g.getImageData(0, 0, s, s).data);
  }, side);
  return jsQR(Uint8ClampedArray.from(pixels), side, side)?.data ?? null;
}

describe('vaccination certificate journey', () => {
  it('the commune officer issues a certificate on the person page: QR code, PDF to print', async () => {
    const c = await newContext(browser, server.url, PHONE);
    problems.push(c.problems);
    const page = await c.context.newPage();
    pages.push(page);
    await signIn(page, 'xa', server.password('xa'));
    await page.goto(`/people/${person.id}`);
    const card = page.getByTestId('certificates');
    await card.getByText('Đã có 2 mũi tiêm trong sổ, chưa cấp giấy chứng nhận.').waitFor();
    await card.getByTestId('certificate-issue').click();
    const issued = page.getByTestId('certificate-issued');
    await issued.waitFor();
    await expect(issued.getByText('Đã tiêm đủ liều cơ bản', { exact: true }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'vaccination-certificate-issued-phone');
    const read = await readQr(page, 'qr-code');
    expect(read).toMatch(new RegExp(`^${server.url}/xac-minh#ey[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    url = read!;
    const id = Number(await issued.getAttribute('data-certificate-id'));
    const pdf = await page.request.get(`/api/vaccination/certificates/${id}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.keyboard.press('Escape');
    await card.getByTestId('certificate-row').first().waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
  });

  it('the link in the QR opens the public page, which checks the signature: valid, with name, birth date, doses', async () => {
    const c = await newContext(browser, server.url, PHONE);
    problems.push(c.problems);
    verifier = { context: c.context, page: await c.context.newPage(), keyRequests: 0 };
    pages.push(verifier.page);
    c.context.on('request', (r) => {
      if (r.url().includes('/api/public/certificate-keys')) verifier.keyRequests++;
    });
    const page = verifier.page;
    await page.goto(new URL(url).pathname + new URL(url).hash);
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-result')).toBe('valid');
    expect(await page.getByTestId('verify-name').textContent()).toBe(person.fullName.normalize('NFC'));
    expect(await page.getByTestId('verify-birth').textContent()).toBe(person.birth);
    const doses = await page.getByTestId('verify-doses').locator('tbody tr').allTextContents();
    expect(doses).toHaveLength(2);
    expect(doses[0]).toMatch(/^Mũi 101\/09\/2021/);
    expect(doses[1]).toMatch(/^Mũi 229\/09\/2021/);
    expect(await page.getByTestId('verify-keys-source').getAttribute('data-source')).toBe('network');
    expect(await page.getByText('Giấy chứng nhận hợp lệ').isVisible()).toBe(true);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'vaccination-verify-valid-phone');
  });

  it('a tampered code is rejected', async () => {
    const page = verifier.page;
    const code = new URL(url).hash.slice(1);
    const [h, p, s] = code.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64UrlDecode(p)));
    claims.d.push(['pfizer', 'Pfizer', '2022-01-05', 'b1']);
    const tampered = `${h}.${base64UrlEncode(new TextEncoder().encode(JSON.stringify(claims)))}.${s}`;
    await page.goto(`/xac-minh#${tampered}`);
    const result = page.getByTestId('verify-result');
    await page.waitForFunction(() => document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-result') === 'invalid');
    expect(await result.getAttribute('data-reason')).toBe('bad_signature');
    expect(await page.getByText('Mã đã bị sửa đổi, hoặc không phải do tỉnh cấp').isVisible()).toBe(true);
    await screenshot(page, 'vaccination-verify-tampered-phone');
    // A code cut short in copying.
    await page.getByLabel('Hoặc dán mã / đường link').fill(code.slice(0, 60));
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-reason') === 'malformed');
  });

  it('offline, a pasted code is still checked with the key kept from the first visit, which was fetched once', async () => {
    const page = verifier.page;
    await verifier.context.setOffline(true);
    await page.getByLabel('Hoặc dán mã / đường link').fill(url);
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-result') === 'valid');
    expect(await page.getByTestId('verify-keys-source').getAttribute('data-source')).toBe('cache');
    expect(await page.getByText(/khóa công khai lưu trên máy/).isVisible()).toBe(true);
    await screenshot(page, 'vaccination-verify-offline-phone');
    await verifier.context.setOffline(false);
    expect(verifier.keyRequests).toBe(1);
  });

  it('reads a photo of the QR code, and speaks English', async () => {
    const page = verifier.page;
    await page.locator('label').filter({ hasText: /^EN$/ }).first().click();
    const png = await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', scale: 6, margin: 4 });
    await page.locator('input[type="file"]').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: png });
    await page.getByText('Valid certificate').waitFor();
    expect(await page.getByTestId('verify-status').textContent()).toBe('Fully vaccinated (primary series)');
    await screenshot(page, 'vaccination-verify-en-phone');
  });

  it('scans the QR code with the camera (a fake camera showing the printed code)', async () => {
    const cam = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${qrVideo(url)}`],
    });
    try {
      const context = await cam.newContext({ ...PHONE, baseURL: server.url, locale: 'vi-VN' });
      await context.grantPermissions(['camera']);
      const page = await context.newPage();
      await page.goto('/xac-minh');
      await page.getByRole('button', { name: 'Quét mã QR' }).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-result') === 'valid', null, { timeout: 30_000 });
      expect(await page.getByTestId('verify-name').textContent()).toBe(person.fullName.normalize('NFC'));
      // The camera is off once the code is read.
      expect(await page.getByTestId('verify-camera').count()).toBe(0);
    } finally {
      await cam.close();
    }
  });

  it('on a desktop: the district officer sees the certificate on the person page and revokes it; the verification page then says revoked', async () => {
    const c = await newContext(browser, server.url, DESKTOP);
    problems.push(c.problems);
    const page = await c.context.newPage();
    pages.push(page);
    await signIn(page, 'huyen', server.password('huyen'));
    await page.goto(`/people/${person.id}`);
    const row = page.getByTestId('certificates').getByTestId('certificate-row');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain('Đã tiêm đủ liều cơ bản · 2 mũi · xa');
    await page.getByTestId('certificates').scrollIntoViewIfNeeded();
    await screenshot(page, 'vaccination-certificate-person-desktop');
    // Issued in error: the district officer revokes it; a device that fetches the keys now says so.
    await row.first().getByRole('button').first().click();
    const modal = page.getByTestId('certificate-issued');
    await modal.waitFor();
    await modal.getByLabel('Lý do thu hồi (cấp nhầm, sai người…)').fill('Cấp nhầm người');
    await modal.getByRole('button', { name: 'Thu hồi giấy này' }).click();
    await modal.getByText(/^Đã thu hồi lúc/).waitFor();
    await screenshot(page, 'vaccination-certificate-revoked-desktop');
    await page.keyboard.press('Escape');
    await page.getByTestId('certificates').getByText('Đã thu hồi', { exact: true }).waitFor();
    await page.goto(new URL(url).pathname + new URL(url).hash);
    await page.waitForFunction(() => document.querySelector('[data-testid="verify-result"]')?.getAttribute('data-result') === 'revoked');
    expect(await page.getByText('Giấy chứng nhận đã bị thu hồi').isVisible()).toBe(true);
    await screenshot(page, 'vaccination-verify-revoked-desktop');
    expect(problems.flat()).toEqual([]);
  });
});
