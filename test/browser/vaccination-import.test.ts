// The dose import through the web, on a phone and on a desktop: the district vaccinator opens
// "Nhập dữ liệu tiêm chủng", uploads the platform's export, follows the progress, reads the counts
// (one row refused: an unknown lot) and downloads the error file; the doses are in the registry.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { DESKTOP, launchBrowser, newContext, overflowsHorizontally, PHONE, screenshot, signIn, dmy, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
}, 300_000);
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-vacc-import-${i}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const HEADER = 'Mã mũi tiêm,Số CCCD,Họ và tên,Ngày sinh,Tên vắc xin,Số lô,Mũi tiêm,Ngày tiêm,Cơ sở tiêm chủng';

describe('vaccination import in the browser', () => {
  for (const [name, device] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    it(`uploads an export, shows the counts and the error file (${name})`, async () => {
      const district = server.demo.logins.find((l) => l.username === 'tiemchung')!.unitCode;
      const people = (
        await server.db.query<{ id: number; cccd: string; full_name: string; birth_date: string }>(
          `SELECT p.id, p.cccd, p.full_name, p.birth_date FROM person p JOIN admin_unit d ON d.province_code = p.province_code AND d.code = $1
            WHERE p.province_code = '20' AND p.cccd IS NOT NULL AND p.birth_date < '1995-01-01' AND starts_with(p.unit_path, d.path)
              AND NOT EXISTS (SELECT 1 FROM vaccine_dose v WHERE v.province_code = p.province_code AND v.person_id = p.id)
            ORDER BY p.id LIMIT 2 OFFSET $2`,
          [district, name === 'phone' ? 0 : 2],
        )
      ).rows;
      expect(people).toHaveLength(2);
      await server.db.query(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', 'pfizer', 'BT-${name}', 100)`);
      const csv = [
        HEADER,
        ...people.map((p, i) => `WEB-${name}-${i},${p.cccd},${p.full_name},${dmy(p.birth_date)},Pfizer,BT-${name},1,15/11/2021,Trạm Y tế`),
        `WEB-${name}-x,${people[0].cccd},${people[0].full_name},${dmy(people[0].birth_date)},Pfizer,KHONG-CO,2,15/12/2021,Trạm Y tế`,
      ].join('\n');
      const c = await newContext(browser, server.url, device);
      const page = await c.context.newPage();
      pages.push(page);
      await signIn(page, 'tiemchung', server.password('tiemchung'));
      await page.goto(`${server.url}/vaccination/import`);
      await page.getByRole('heading', { name: 'Nhập dữ liệu tiêm chủng' }).waitFor();
      await page.locator('input[type=file]').setInputFiles({ name: `nen-tang-${name}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      const result = page.getByTestId('dose-import-result');
      await result.and(page.locator('[data-status="done"]')).waitFor({ timeout: 60_000 });
      const text = await result.innerText();
      expect(text).toContain('Mũi tiêm mới');
      expect(text).toContain('2 mũi tiêm mới');
      expect(text).toContain('1 lỗi');
      const download = page.waitForEvent('download');
      await result.getByRole('link', { name: 'Tải tệp lỗi (Excel)' }).click();
      expect((await download).suggestedFilename()).toMatch(/^loi-nhap-mui-tiem-\d+\.xlsx$/);
      expect(await overflowsHorizontally(page)).toBe(false);
      await screenshot(page, `vaccination-import-${name}`);
      const doses = await server.db.query(`SELECT 1 FROM vaccine_dose WHERE province_code = '20' AND person_id = ANY($1::bigint[]) AND source = 'import'`, [people.map((p) => p.id)]);
      expect(doses.rows).toHaveLength(2);
      expect(c.problems).toEqual([]);
    }, 120_000);
  }
});
