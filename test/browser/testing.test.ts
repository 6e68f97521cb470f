// The testing journey through the web: a district officer builds and draws a sampling plan → the
// commune health worker opens a session on a phone, registers tubes by barcode and composes a
// pool (unknown and already-pooled tubes refused on the spot) → the lab imports the machine's
// file → the positive pool's members appear for individual retests → a positive retest creates
// the case, reachable from the follow-up list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sampleSizeFinite, sampleSizeLarge } from '../../src/domain/testing/sampleSize.ts';
import { launchBrowser, newContext, overflowsHorizontally, PHONE, retry, screenshot, signIn, vn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];

beforeAll(async () => {
  // The journey from a clean slate: without the demo's testing activity (test/api/demo-testing.test.ts covers it).
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-testing-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function q<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.db.query<T & Record<string, unknown>>(sql, params)).rows as T[];
}

async function open(username: string, phone = false): Promise<Page> {
  const c = await newContext(browser, server.url, phone ? PHONE : undefined);
  problems.push(c.problems);
  const page = await c.context.newPage();
  pages.push(page);
  await signIn(page, username, server.password(username));
  return page;
}

/** Picks an option of a searchable select (units) after typing part of its name. */
async function choose(page: Page, scope: ReturnType<Page['locator']> | Page, label: string, typed: string, option: RegExp) {
  await retry(async () => {
    await scope.getByRole('combobox', { name: label }).fill(typed);
    await page.getByRole('option', { name: option }).first().click({ timeout: 3000 });
  });
}

/** Types a barcode into a scan field and presses Enter, as a handheld scanner does. */
async function scan(page: Page, label: string, code: string) {
  const box = page.getByRole('textbox', { name: label });
  await box.fill(code);
  await box.press('Enter');
}

describe('testing: plan → collect → pool → import → positive pool → retests → case', () => {
  const commune = () => server.demo.logins.find((l) => l.username === 'yte')!;
  let planId: number;
  let drawn: { id: number; full_name: string }[];
  const tubes = ['TUBE-0001', 'TUBE-0002', 'TUBE-0003'];

  it('a lab technician registers the laboratory', async () => {
    const page = await open('xetnghiem');
    await page.goto('/testing/lab');
    await page.getByRole('heading', { name: 'Phòng xét nghiệm', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Đăng ký phòng xét nghiệm' }).click();
    const form = page.getByTestId('lab-form');
    await form.getByRole('textbox', { name: 'Tên phòng xét nghiệm' }).fill('CDC Lạng Sơn');
    await form.getByRole('textbox', { name: 'Công suất mẫu đơn / ngày' }).fill('2000');
    await form.getByRole('textbox', { name: 'Công suất mẫu gộp (số người) / ngày' }).fill('20000');
    await form.getByRole('button', { name: 'Đăng ký' }).click();
    await page.getByText('Đã đăng ký CDC Lạng Sơn').waitFor();
    expect(await q(`SELECT 1 FROM lab WHERE province_code = '20' AND name = 'CDC Lạng Sơn'`)).toHaveLength(1);
  });

  it('a district officer builds a plan: sizes by the formulas, then a seeded draw with a list per site', async () => {
    const page = await open('huyen');
    await page.goto('/testing/plans');
    await page.getByRole('button', { name: 'Lập kế hoạch mới' }).click();
    const form = page.getByTestId('plan-form');
    await form.getByRole('textbox', { name: 'Ngân sách (số xét nghiệm)' }).fill('400');
    await form.getByRole('textbox', { name: 'Hạt giống' }).fill('20211201');
    const s = form.getByTestId('stratum').first();
    await s.getByRole('textbox', { name: 'Nhóm', exact: true }).fill('Người dân ngẫu nhiên');
    await choose(page, s, 'Rút từ dân cư của', commune().unitName.replace(/^(Phường|Xã|Thị trấn) /, ''), new RegExp(commune().unitName));
    await s.getByRole('textbox', { name: 'Điểm lấy mẫu' }).fill('Nhà văn hóa khu 1');
    await choose(page, s, 'Xã / thôn của điểm', commune().unitName.replace(/^(Phường|Xã|Thị trấn) /, ''), new RegExp(commune().unitName));
    await form.getByRole('button', { name: 'Lưu nháp và tính cỡ mẫu' }).click();
    const detail = page.getByTestId('plan-detail');
    await detail.waitFor();
    planId = Number(new URL(page.url()).searchParams.get('plan'));
    expect(planId).toBeGreaterThan(0);

    // The default design (policy): 1 %, 95 %, Se 100 % → 299 for a large population; the stratum's size corrected for N.
    const design = { prevalence: 0.01, confidence: 0.95, sensitivity: 1 };
    expect(await page.getByTestId('plan-n-large').textContent()).toBe(vn(sampleSizeLarge(design)));
    const [{ n }] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND commune_code = $1`, [commune().unitCode]);
    const finite = sampleSizeFinite(design, n);
    await expect.poll(() => page.getByTestId('plan-total').textContent()).toBe(vn(finite));
    await screenshot(page, 'testing-plan-draft');

    await page.getByRole('button', { name: `Rút ${vn(finite)} người` }).click();
    await detail.and(page.locator('[data-status=drawn]')).waitFor();
    const site = page.getByTestId('site-list').filter({ hasText: 'Nhà văn hóa khu 1' });
    await site.getByRole('button').first().click();
    await site.locator('tbody tr').first().waitFor();
    expect(await site.locator('tbody tr').count()).toBe(finite);
    drawn = await q(
      // People with a CCCD first: the checkpoint looks them up by it.
      `SELECT p.id, p.full_name FROM sampling_draw d JOIN person p ON p.province_code = d.province_code AND p.id = d.person_id WHERE d.province_code = '20' AND d.plan_id = $1 ORDER BY (p.cccd IS NULL), d.draw_order`,
      [planId],
    );
    expect(drawn).toHaveLength(finite);
    expect(await page.getByTestId('plan-seed').textContent()).toContain('20211201');
    const xlsx = await page.request.get(new URL((await page.getByTestId('lists-xlsx').getAttribute('href'))!, server.url).toString());
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    await screenshot(page, 'testing-plan-drawn');

    // Printing a site's list renders only that list for the printer (window.print stubbed).
    await page.evaluate(() => {
      window.print = () => window.dispatchEvent(new Event('afterprint'));
    });
    await site.getByRole('button', { name: 'In danh sách' }).click();
    await page.emulateMedia({ media: 'print' });
    await page.getByTestId('print-lists').locator('tbody tr').nth(finite - 1).waitFor({ state: 'attached' });
    await page.emulateMedia({ media: 'screen' });

    await page.goto('/testing/plans');
    await page.getByTestId('plans').getByText('Kế hoạch lấy mẫu ngày').first().waitFor();
  });

  it('the health worker, on a phone, opens a session, registers tubes and composes a pool; bad scans are refused on the spot', async () => {
    const page = await open('yte', true);
    await page.goto(`/testing/collect?new=1&plan=${planId}`);
    const form = page.getByTestId('event-form');
    await retry(async () => {
      await form.getByRole('combobox', { name: 'Điểm lấy mẫu trong kế hoạch' }).click();
      await page.getByRole('option', { name: /Nhà văn hóa khu 1/ }).click({ timeout: 3000 });
    });
    await retry(async () => {
      await form.getByRole('combobox', { name: 'Phòng xét nghiệm nhận mẫu' }).click();
      await page.getByRole('option', { name: 'CDC Lạng Sơn' }).click({ timeout: 3000 });
    });
    await form.getByRole('button', { name: 'Mở đợt' }).click();
    await page.getByTestId('event-workspace').waitFor();

    // Tap a drawn person, scan their tube.
    const list = page.getByTestId('drawn-list');
    for (const [i, code] of tubes.entries()) {
      await list.getByTestId('drawn-person').filter({ hasText: drawn[i].full_name }).first().click();
      await page.getByText(`Quét mã ống của ${drawn[i].full_name}`).waitFor();
      await scan(page, 'Mã ống mẫu', code);
      await page.getByTestId('scan-feedback').and(page.locator('[data-ok=true]')).filter({ hasText: code }).waitFor();
    }
    expect(await q(`SELECT barcode FROM specimen WHERE province_code = '20' AND plan_id = $1 ORDER BY barcode`, [planId])).toEqual(tubes.map((barcode) => ({ barcode })));
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'testing-collect-phone');

    await page.getByText(/^Gộp \(\d+\)$/).click();
    await retry(async () => {
      await page.getByRole('combobox', { name: 'Cách gộp' }).click();
      await page.getByRole('option', { name: 'Gộp tại phòng xét nghiệm' }).click({ timeout: 3000 });
    });
    await scan(page, 'Mã ống mẫu gộp', 'POOL-0001');
    await page.getByTestId('pool-composer').waitFor();
    for (const code of tubes) {
      await scan(page, 'Mã ống thành viên', code);
      await page.getByTestId('scan-feedback').and(page.locator('[data-ok=true]')).filter({ hasText: code }).waitFor();
    }
    await expect.poll(() => page.getByTestId('pool-count').textContent()).toMatch(/^3 \/ \d+$/);
    await scan(page, 'Mã ống thành viên', 'NOPE-7777');
    await page.getByTestId('scan-feedback').and(page.locator('[data-ok=false]')).filter({ hasText: 'Không có mẫu nào mang mã này' }).waitFor();
    await scan(page, 'Mã ống thành viên', tubes[0]);
    await page.getByTestId('scan-feedback').and(page.locator('[data-ok=false]')).filter({ hasText: 'đã nằm trong mẫu gộp POOL-0001' }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'testing-pool-phone');
    await page.getByRole('button', { name: 'Niêm phong mẫu gộp' }).click();
    await page.getByText('Đã niêm phong mẫu gộp với 3 mẫu').waitFor();
    expect(await q(`SELECT status, members FROM pool WHERE province_code = '20' AND barcode = 'POOL-0001'`)).toEqual([{ status: 'sealed', members: 3 }]);
  });

  it('the lab imports the machine file: the positive pool gives a retest list at once, bad rows are reported', async () => {
    const page = pages[0];
    await page.goto('/testing/lab');
    await page.getByTestId('work-item').filter({ hasText: 'POOL-0001' }).waitFor();
    await page.getByRole('tab', { name: /Nhập tệp kết quả/ }).click();
    const csv = ['Sample Name,Result,Ct', 'POOL-0001,Positive,27.4', 'NOPE-1234,Negative,', 'TUBE-0002,maybe,'].join('\r\n');
    await page.getByTestId('result-dropzone').locator('input[type=file]').setInputFiles({ name: 'may-pcr.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const result = page.getByTestId('result-import');
    await result.and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-recorded').textContent()).toBe('1');
    expect(await page.getByTestId('import-errors').textContent()).toBe('2');
    const errorsLink = result.getByRole('link', { name: 'Tải tệp lỗi (CSV)' });
    const errors = await page.request.get(new URL((await errorsLink.getAttribute('href'))!, server.url).toString());
    expect(errors.status()).toBe(200);
    expect(await errors.text()).toContain('NOPE-1234');
    const retests = page.getByTestId('import-followups').getByTestId('followup-member');
    await expect.poll(() => retests.count()).toBe(3);
    await screenshot(page, 'testing-import');
  });

  it('each member is retested alone; a positive retest creates the case, linked from the follow-up list', async () => {
    const page = pages[0];
    // The member who gets the positive retest must not already be an open case of the demo outbreak.
    const free = await q<{ barcode: string; person_id: number }>(
      `SELECT s.barcode, s.person_id FROM specimen s WHERE s.province_code = '20' AND s.barcode = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = s.province_code AND c.person_id = s.person_id AND c.status = 'confirmed')
        ORDER BY s.barcode LIMIT 1`,
      [tubes],
    );
    expect(free).toHaveLength(1);
    const positive = free[0];
    await page.getByRole('tab', { name: /Chờ kết quả/ }).click();
    for (const code of tubes) {
      await page.getByTestId('work-item').filter({ hasText: code }).waitFor();
      await scan(page, 'Quét mã để nhập kết quả', code);
      const entry = page.getByTestId('result-entry');
      await entry.waitFor();
      if (code === positive.barcode) {
        await entry.getByText('Dương tính', { exact: true }).click();
        await entry.getByRole('textbox', { name: 'Giá trị Ct' }).fill('25');
      } else await entry.getByText('Âm tính', { exact: true }).click();
      await entry.getByRole('button', { name: 'Lưu kết quả' }).click();
      await page.getByTestId('scan-feedback').and(page.locator('[data-ok=true]')).filter({ hasText: code }).waitFor();
      if (code === positive.barcode) await page.getByTestId('saved-case-link').waitFor();
    }
    const [made] = await q<{ id: number; basis: string; reported_via: string }>(
      `SELECT id, basis, reported_via FROM case_record WHERE province_code = '20' AND person_id = $1 AND status = 'confirmed'`,
      [positive.person_id],
    );
    expect(made).toMatchObject({ basis: 'pcr', reported_via: 'lab' });
    expect((await q<{ status: string }>(`SELECT status FROM follow_up WHERE province_code = '20' ORDER BY status`)).map((f) => f.status)).toEqual(['negative', 'negative', 'positive']);

    await page.getByRole('tab', { name: /Mẫu gộp dương tính/ }).click();
    await page.getByText('Tất cả', { exact: true }).click();
    const pool = page.getByTestId('followup-pool').filter({ hasText: 'POOL-0001' });
    await pool.getByText('Đã xong').waitFor();
    await screenshot(page, 'testing-followup');
    await pool.getByTestId('case-link').click();
    await page.waitForURL(`**/cases/${made.id}`);
  });

  it('a different result for the same pool is held for review, not written over', async () => {
    const page = pages[0];
    await page.goto('/testing/lab?tab=import');
    const csv = ['Mã mẫu,Kết quả,Ct', 'POOL-0001,Âm tính,'].join('\r\n');
    await page.getByTestId('result-dropzone').locator('input[type=file]').setInputFiles({ name: 'chay-lai.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('result-import').and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /Mâu thuẫn/ }).click();
    const conflict = page.getByTestId('conflict').filter({ hasText: 'POOL-0001' });
    await conflict.waitFor();
    await conflict.getByRole('textbox', { name: /Ghi chú/ }).fill('Chạy lại nhầm giếng');
    await conflict.getByRole('button', { name: 'Giữ kết quả đã ghi' }).click();
    await page.getByText('Đã xử lý mâu thuẫn của POOL-0001').waitFor();
    expect(await q(`SELECT status FROM result_conflict WHERE province_code = '20'`)).toEqual([{ status: 'kept' }]);
    expect(await q(`SELECT outcome FROM pool WHERE province_code = '20' AND barcode = 'POOL-0001'`)).toEqual([{ outcome: 'positive' }]);
  });

  it('a checkpoint finds the results by CCCD: the positive stops, a negative is valid 72 h', async () => {
    const page = await open('chot', true);
    const people = await q<{ cccd: string; outcome: string }>(
      `SELECT s.subject_cccd AS cccd, s.outcome FROM specimen s WHERE s.province_code = '20' AND s.barcode = ANY($1) AND s.subject_cccd IS NOT NULL ORDER BY s.outcome DESC`,
      [tubes],
    );
    const positive = people.find((p) => p.outcome === 'positive');
    const negative = people.find((p) => p.outcome === 'negative');
    await page.goto('/testing/lookup');
    for (const [who, status, text] of [
      [positive, 'positive', 'Dương tính'],
      [negative, 'valid_negative', 'Âm tính — còn hiệu lực'],
    ] as const) {
      if (!who) continue;
      await page.getByRole('textbox', { name: 'Số CCCD' }).fill(who.cccd);
      await page.getByRole('button', { name: 'Tra cứu' }).click();
      await page.getByTestId('lookup-answer').and(page.locator(`[data-status=${status}]`)).getByText(text, { exact: true }).waitFor();
    }
    expect(positive ?? negative, 'a member with a CCCD').toBeTruthy();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'testing-lookup-phone');
  });

  it('the dashboard counts the samples, the pool and the positive, with the capacity against the targets', async () => {
    const page = await open('chihuy');
    await page.goto('/testing');
    await expect.poll(() => page.getByTestId('dash-samples').textContent()).toBe('3');
    expect(await page.getByTestId('dash-pools').textContent()).toBe('1');
    expect(await page.getByTestId('dash-positives').textContent()).toBe('1');
    await page.getByTestId('cap-pooled').getByText(/\/ 80\.000/).waitFor();
    await page.getByTestId('dash-daily').locator('svg').first().waitFor();
    await screenshot(page, 'testing-dashboard');
  });

  it('a health worker on a phone records a rapid test of a driver with a photo of the cassette', async () => {
    const page = await open('yte', true);
    await page.goto('/testing/rapid');
    const form = page.getByTestId('rapid-form');
    await form.getByRole('switch', { name: 'Người không có trong danh sách dân cư (VD: lái xe tỉnh khác)' }).check({ force: true });
    await form.getByRole('textbox', { name: 'Họ và tên' }).fill('Vi Văn Lái');
    await form.getByRole('textbox', { name: 'Biển số xe' }).fill('12C-345.67');
    await form.getByText('Âm tính', { exact: true }).click();
    // The camera's picture (any image will do): shrunk on the phone, previewed, then sent with the result.
    const picture = await page.screenshot({ type: 'png' });
    await form.locator('input[type=file]').setInputFiles({ name: 'cassette.png', mimeType: 'image/png', buffer: picture });
    await form.getByRole('img', { name: 'Chụp ảnh kết quả' }).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'testing-rapid-photo-phone');
    await form.getByRole('button', { name: 'Lưu kết quả test nhanh' }).click();
    await expect.poll(async () => (await q<{ n: number }>(`SELECT count(*)::int AS n FROM rapid_test WHERE vehicle_plate = '12C34567' AND photo IS NOT NULL`))[0].n).toBe(1);
    const [stored] = await q<{ type: string; bytes: number }>(`SELECT photo_type AS type, length(photo)::int AS bytes FROM rapid_test WHERE vehicle_plate = '12C34567'`);
    expect(['image/jpeg', 'image/webp', 'image/png']).toContain(stored.type);
    // Shrunk before sending: smaller than the full-resolution picture.
    expect(stored.bytes).toBeGreaterThan(1000);
    expect(stored.bytes).toBeLessThan(picture.length);
    // The recent list links to the photo, which the server returns as the image stored.
    const link = page.getByRole('link', { name: 'Chụp ảnh kết quả' }).first();
    await link.waitFor();
    const res = await page.request.get(server.url + (await link.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain(stored.type);
  });

  it('a citizen reports a self-test from a phone without an account', async () => {
    const [who] = await q<{ cccd: string; birth: string }>(
      `SELECT cccd, birth_date::text AS birth FROM person WHERE province_code = '20' AND cccd IS NOT NULL AND birth_date IS NOT NULL ORDER BY id LIMIT 1`,
    );
    // The health station shows the page's QR code: what a phone camera reads is the link to open.
    const station = await open('yte');
    await station.goto('/testing/rapid');
    const img = station.getByTestId('qr-code');
    await img.waitFor();
    await screenshot(station, 'testing-rapid-self-link-qr');
    const pixels = await img.evaluate(async (el: HTMLImageElement) => {
      await el.decode();
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 296;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 296, 296);
      g.drawImage(el, 0, 0, 296, 296);
      return Array.from(g.getImageData(0, 0, 296, 296).data);
    });
    const read = jsQR(Uint8ClampedArray.from(pixels), 296, 296);
    expect(read?.data).toBe(`${server.url}/tu-test-nhanh?tinh=20`);
    const c = await newContext(browser, server.url, PHONE);
    problems.push(c.problems);
    const page = await c.context.newPage();
    pages.push(page);
    await page.goto(new URL(read!.data).pathname + new URL(read!.data).search);
    const form = page.getByTestId('self-form');
    await form.getByRole('textbox', { name: 'Số CCCD' }).fill(who.cccd);
    await form.getByRole('textbox', { name: 'Ngày sinh' }).fill(who.birth.split('-').reverse().join('/'));
    await form.getByText('Âm tính (1 vạch)').click();
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'testing-self-report-phone');
    await form.getByRole('button', { name: 'Gửi kết quả' }).click();
    await page.getByTestId('self-done').waitFor();
    expect(await q(`SELECT outcome FROM rapid_test WHERE province_code = '20' AND subject_cccd = $1 AND source = 'self_report'`, [who.cccd])).toEqual([{ outcome: 'negative' }]);
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems.flat()).toEqual([]);
  });
});
