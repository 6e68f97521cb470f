// Importing the population registry through the web: upload a CSV with one bad row, follow the
// job to its counts, download the row-by-row error file; importing it again changes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cccdPrefix } from '../../src/domain/people/normalize.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchBrowser, newContext, screenshot, signIn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  const c = await newContext(browser, server.url);
  problems = c.problems;
  page = await c.context.newPage();
  await signIn(page, 'admin', server.password('admin'));
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const HEADER = 'Số CCCD,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,Mã xã,Thôn,Mã hộ,Địa chỉ';

async function uploadAndWait(file: { name: string; buffer: Buffer }) {
  await page.getByTestId('import-dropzone').locator('input[type=file]').setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: file.buffer });
  const result = page.getByTestId('import-result');
  await result.and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
  return ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
}

describe('population import page', () => {
  let csv: Buffer;
  let goodCccd: string;

  it('offers the template with the Vietnamese headers', async () => {
    await page.getByRole('navigation').getByText('Nhập dữ liệu dân cư').click();
    await page.getByRole('heading', { name: 'Nhập dữ liệu dân cư', level: 1 }).waitFor();
    const link = page.getByRole('link', { name: 'Tải tệp mẫu (CSV)' });
    const res = await page.request.get(new URL((await link.getAttribute('href'))!, server.url).toString());
    expect(res.status()).toBe(200);
    expect((await res.text()).replace(/^\uFEFF/, '').trim()).toBe(HEADER);
  });

  it('uploads a CSV with one bad row and shows the counts and the error files', async () => {
    const { rows } = await server.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE province_code = '20' AND level = 'commune' ORDER BY code LIMIT 1`);
    const communeCode = rows[0].code;
    goodCccd = cccdPrefix('20', 1987, 'M') + '918273';
    const girl = cccdPrefix('20', 2012, 'F') + '918274';
    const taken = await server.db.query(`SELECT 1 FROM person WHERE cccd = ANY($1)`, [[goodCccd, girl]]);
    expect(taken.rows).toHaveLength(0);
    csv = Buffer.from(
      '\uFEFF' +
        [
          HEADER,
          `${goodCccd},Lương Văn Thử,15/03/1987,Nam,0912 000 111,${communeCode},,THU-0001,"Số 1, đường Thử"`,
          `${girl},Lương Thị Nghiệm,02/09/2012,Nữ,,${communeCode},,THU-0001,"Số 1, đường Thử"`,
          `12345,Hoàng Văn Sai,31/02/1990,Nam,,${communeCode},,THU-0002,Số 2`,
        ].join('\r\n') +
        '\r\n',
    );
    const text = await uploadAndWait({ name: 'dan-cu-thu.csv', buffer: csv });
    expect(text).toContain('Hoàn tất');
    expect(text).toMatch(/Tổng số dòng ?3/);
    expect(text).toMatch(/Thêm mới ?2/);
    expect(text).toMatch(/Dòng lỗi ?1/);
    await screenshot(page, 'import-done');

    const csvLink = page.getByRole('link', { name: 'Tải tệp lỗi (CSV)' });
    const xlsxLink = page.getByRole('link', { name: 'Tải tệp lỗi (Excel)' });
    expect(await csvLink.getAttribute('href')).toMatch(/^\/api\/imports\/\d+\/errors\.csv$/);
    expect(await xlsxLink.getAttribute('href')).toMatch(/^\/api\/imports\/\d+\/errors\.csv\?format=xlsx$/);

    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const errors = (await page.request.get(new URL((await csvLink.getAttribute('href'))!, server.url).toString())).text();
    expect(await errors).toContain('12345');
    expect(await errors).not.toContain(goodCccd);
    const xlsx = await page.request.get(new URL((await xlsxLink.getAttribute('href'))!, server.url).toString());
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');

    await page.getByText('dan-cu-thu.csv').first().waitFor();
  });

  it('imports the same file again without changing anything', async () => {
    const text = await uploadAndWait({ name: 'dan-cu-thu.csv', buffer: csv });
    expect(text).toMatch(/Thêm mới ?0/);
    expect(text).toMatch(/Không đổi ?2/);
    expect(text).toMatch(/Dòng lỗi ?1/);
    const n = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE household_id = 'THU-0001'`);
    expect(n.rows[0].n).toBe(2);
  });

  it('finds the imported person', async () => {
    await page.goto(`/people?q=${goodCccd}`);
    await page.getByTestId('person-result').getByText('Lương Văn Thử').waitFor();
  });

  it('refuses a file without the required columns, saying which', async () => {
    await page.goto('/imports');
    await page.getByTestId('import-dropzone').locator('input[type=file]').setInputFiles({ name: 'sai.csv', mimeType: 'text/csv', buffer: Buffer.from('Họ và tên,Ngày sinh\r\nA,01/01/2000\r\n') });
    const alert = page.getByRole('alert');
    await alert.getByText('Thiếu cột').first().waitFor();
    expect(await alert.textContent()).not.toContain('missing column');
    await screenshot(page, 'import-refused');
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
