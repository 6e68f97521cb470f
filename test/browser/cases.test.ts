// The tracing journey of a commune officer: report an F0 → add the household and another contact
// → see the graph → issue a quarantine decision and print it; a concurrent edit is not lost.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { searchKey } from '../../src/domain/people/normalize.ts';
import { addDays } from '../../src/domain/cases/dates.ts';
import { todayInVietnam } from '../../src/server/modules/imports/service.ts';
import { dmy, launchBrowser, newContext, overflowsHorizontally, PHONE, retry, screenshot, signIn, type Browser, type Page } from './support.ts';

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

const FREE = `NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM quarantine_order o WHERE o.province_code = p.province_code AND o.person_id = p.id)`;

/** Picks a person in a PersonPicker by typing their name without diacritics. */
async function pickPerson(page: Page, label: string, person: { full_name: string; birth: string }) {
  const box = page.getByRole('combobox', { name: label });
  const option = page.getByRole('option', { name: new RegExp(`^${person.full_name} · ${dmy(person.birth)}`) });
  await retry(async () => {
    if (!(await option.isVisible())) await box.fill(searchKey(person.full_name));
    await option.first().click({ timeout: 3000 });
  });
}

describe('commune officer traces a case', () => {
  let page: Page;
  let problems: string[];
  let f0: { id: number; full_name: string; birth: string; household_id: string };
  let household: number;
  let other: { id: number; full_name: string; birth: string };
  let commune: { name: string };
  const today = todayInVietnam();

  beforeAll(async () => {
    const communeCode = server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
    commune = { name: server.demo.logins.find((l) => l.username === 'xa')!.unitName };
    [f0] = await q(
      `SELECT p.id, p.full_name, p.birth_date AS birth, p.household_id FROM person p
        WHERE p.province_code = '20' AND p.commune_code = $1 AND p.birth_date < '2000-01-01' AND ${FREE}
          AND (SELECT count(*) FROM person h WHERE h.province_code = '20' AND h.household_id = p.household_id) BETWEEN 3 AND 6
          AND NOT EXISTS (SELECT 1 FROM person h WHERE h.province_code = '20' AND h.household_id = p.household_id AND h.id <> p.id AND NOT (${FREE.replace(/p\./g, 'h.')}))
        ORDER BY p.id LIMIT 1`,
      [communeCode],
    );
    household = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = '20' AND household_id = $1`, [f0.household_id]))[0].n;
    [other] = await q(`SELECT p.id, p.full_name, p.birth_date AS birth FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.household_id <> $2 AND ${FREE} ORDER BY p.id DESC LIMIT 1`, [
      communeCode,
      f0.household_id,
    ]);
    const c = await newContext(browser, server.url);
    problems = c.problems;
    page = await c.context.newPage();
    await signIn(page, 'xa', server.password('xa'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await screenshot(page, `failed-cases-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  it('reports an F0 confirmed by PCR', async () => {
    await page.getByRole('navigation').getByText('Ca bệnh', { exact: true }).click();
    await page.getByRole('heading', { name: 'Ca bệnh', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Báo ca bệnh mới' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Xét nghiệm RT-PCR dương tính').waitFor();
    // Without evidence the F0 definition is not met: the server says so.
    await pickPerson(page, 'Người bệnh', f0);
    await drawer.getByLabel('Xét nghiệm RT-PCR dương tính').uncheck();
    await drawer.getByRole('button', { name: 'Ghi nhận ca bệnh' }).click();
    await drawer.getByText('Chưa đủ bằng chứng theo định nghĩa ca bệnh F0 đang áp dụng').waitFor();
    await drawer.getByLabel('Xét nghiệm RT-PCR dương tính').check();
    await drawer.getByLabel('Ngày khởi phát').fill(dmy(addDays(today, -2)));
    await screenshot(page, 'case-new');
    await drawer.getByRole('button', { name: 'Ghi nhận ca bệnh' }).click();
    await page.waitForURL(/\/cases\/\d+$/);
    await page.getByRole('heading', { level: 1, name: f0.full_name, exact: true }).waitFor();
    expect(await page.getByText('F0 · Đang điều trị').isVisible()).toBe(true);
    const rows = await q<{ basis: string; onset: string }>(`SELECT basis, onset_date AS onset FROM case_record WHERE person_id = $1`, [f0.id]);
    expect(rows).toEqual([{ basis: 'pcr', onset: addDays(today, -2) }]);
  });

  it('adds the household members proposed as F1, and another contact', async () => {
    const proposals = page.getByTestId('household-proposals');
    await proposals.getByText(`Đề xuất F1: ${household - 1} người cùng hộ gia đình`).waitFor();
    await proposals.getByRole('button', { name: 'Thêm tất cả làm F1' }).click();
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(household - 1);
    expect(await page.getByTestId('household-proposals').count()).toBe(0);

    await page.getByRole('button', { name: 'Thêm F1' }).click();
    const dialog = page.getByRole('dialog');
    await pickPerson(page, 'Người tiếp xúc', other);
    await dialog.getByRole('textbox', { name: 'Ngày tiếp xúc' }).fill(dmy(addDays(today, -1)));
    await dialog.getByRole('combobox', { name: 'Nơi tiếp xúc' }).click();
    await page.getByRole('option', { name: 'Nơi làm việc' }).click();
    await dialog.getByRole('textbox', { name: 'Thời gian tiếp xúc' }).fill('5');
    await dialog.getByText('Không', { exact: true }).click();
    await screenshot(page, 'case-contact');
    await dialog.getByRole('button', { name: 'Ghi nhận tiếp xúc' }).click();
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(household);
    const [k] = await q<{ meets: boolean; masked: boolean }>(`SELECT meets_definition AS meets, masked FROM contact WHERE person_id = $1`, [other.id]);
    // Within 2 m unmasked counts for any duration.
    expect(k).toEqual({ meets: true, masked: false });
  });

  it('traces a visitor not in the registry, after being shown the registry person with the same name and birth date', async () => {
    await page.getByRole('button', { name: 'Thêm F1' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Người chưa có trong danh sách dân cư').check();
    await dialog.getByRole('textbox', { name: 'Họ và tên' }).fill(other.full_name);
    await dialog.getByRole('textbox', { name: 'Ngày sinh' }).fill(dmy(other.birth));
    const residence = dialog.getByRole('combobox', { name: 'Nơi cư trú (xã, thôn)' });
    const communeOption = page.getByRole('option', { name: new RegExp(`^${commune.name}`) }).first();
    await retry(async () => {
      if (!(await communeOption.isVisible())) await residence.fill(searchKey(commune.name).replace(/^(xa|phuong|thi tran) /, ''));
      await communeOption.click({ timeout: 3000 });
    });
    await dialog.getByRole('button', { name: 'Ghi nhận tiếp xúc' }).click();
    // The registry already has someone of that name and birth date: shown, nothing written yet.
    await dialog.getByTestId('possible-duplicates').getByText(other.full_name).waitFor();
    await screenshot(page, 'case-contact-duplicate');
    await dialog.getByRole('button', { name: 'Không phải, thêm người mới' }).click();
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(household + 1);
    const added = await q<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE full_name = $1 AND birth_date = $2`, [other.full_name, other.birth]);
    expect(added[0].n).toBe(2);
  });

  it('keeps a concurrent edit: the second save is told to reload', async () => {
    const [c] = await q<{ id: number; version: number }>(`SELECT id, version FROM case_record WHERE person_id = $1`, [f0.id]);
    // Someone at the health station saves first.
    await server.db.query(`UPDATE case_record SET notes = 'Trạm y tế đã gọi', version = version + 1 WHERE id = $1`, [c.id]);
    await page.getByRole('textbox', { name: 'Địa điểm phát hiện' }).fill('Chợ xã');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByTestId('stale').waitFor();
    await page.getByRole('button', { name: 'Tải lại hồ sơ' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Ghi chú' }).inputValue()).toBe('Trạm y tế đã gọi');
    await page.getByRole('textbox', { name: 'Địa điểm phát hiện' }).fill('Chợ xã');
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByText('Đã lưu', { exact: true }).waitFor();
    const [after] = await q<{ notes: string; place: string }>(`SELECT notes, place_detected AS place FROM case_record WHERE id = $1`, [c.id]);
    expect(after).toEqual({ notes: 'Trạm y tế đã gọi', place: 'Chợ xã' });
  });

  it('issues a quarantine decision and prints it as a PDF', async () => {
    // The visitor traced above has the same name: the registry person was traced first, so comes first.
    const row = page.getByTestId('contact-row').filter({ hasText: other.full_name }).first();
    await row.getByRole('button', { name: `Thao tác với ${other.full_name}` }).click();
    await page.getByRole('menuitem', { name: 'Ra quyết định cách ly' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Ra quyết định' }).click();
    // Policy of 21/2/2022, not vaccinated: 7 days counted from the last exposure (yesterday).
    const end = dmy(addDays(today, 6));
    await page.getByText(`Đã ra quyết định, cách ly đến ${end}`).waitFor();
    const link = row.getByRole('link', { name: `đến ${end}` });
    await link.waitFor();
    const href = await link.getAttribute('href');
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'case');
  });

  it('shows the case and its contacts in the transmission graph', async () => {
    await page.getByRole('link', { name: 'Chuỗi lây nhiễm' }).first().click();
    await page.waitForURL('**/cases/graph');
    const graph = page.getByTestId('contact-graph');
    await graph.waitFor();
    await expect.poll(async () => Number(await graph.getAttribute('data-nodes'))).toBeGreaterThanOrEqual(household + 1);
    expect(await graph.locator('canvas').count()).toBeGreaterThan(0);
    await screenshot(page, 'graph');
  });

  it('proposes a cluster from linked cases and the officer names it', async () => {
    // A household member tests positive: two linked cases.
    const [k] = await q<{ id: number }>(`SELECT k.id FROM contact k JOIN person p ON p.id = k.person_id WHERE k.source_person_id = $1 AND p.household_id = $2 ORDER BY k.id LIMIT 1`, [f0.id, f0.household_id]);
    const res = await page.request.post(`/api/contacts/${k.id}/convert`, {
      data: { reportDate: today, sampleDate: today, detectedIn: 'quarantine', evidence: { rapidPositiveAt: [new Date().toISOString()] } },
      headers: { 'x-csrf-token': await page.evaluate('fetch("/api/auth/me").then((r) => r.json()).then((m) => m.csrfToken)') as string },
    });
    expect(res.status()).toBe(201);
    await page.getByRole('navigation').getByText('Ổ dịch', { exact: true }).click();
    await page.getByRole('heading', { name: 'Ổ dịch, chùm ca bệnh', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Tìm ca bệnh liên quan' }).click();
    // Linked both as household members and through the contact record: "several links".
    const proposal = page.getByTestId('proposal').filter({ hasText: '2 ca bệnh' }).filter({ hasText: 'Nhiều mối liên kết' }).first();
    await proposal.waitFor();
    await proposal.getByRole('button', { name: 'Lập ổ dịch' }).click();
    await page.getByRole('dialog').getByLabel('Tên ổ dịch').fill('Ổ dịch hộ gia đình thử nghiệm');
    await page.getByRole('dialog').getByRole('button', { name: 'Lập ổ dịch' }).click();
    await page.getByTestId('cluster').filter({ hasText: 'Ổ dịch hộ gia đình thử nghiệm' }).waitFor();
    await screenshot(page, 'clusters');
  });

  it('finds a duplicate record of a contact and merges it', async () => {
    const [p] = await q<{ commune_code: string; unit_path: string; phone: string | null }>(`SELECT commune_code, unit_path, phone FROM person WHERE id = $1`, [other.id]);
    const [dup] = await q<{ id: number }>(
      `INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, phone, commune_code, unit_path)
       VALUES ('20', 'test-dup', $1, $2, $3, '+84912555111', $4, $5) RETURNING id`,
      [other.full_name, searchKey(other.full_name), other.birth, p.commune_code, p.unit_path],
    );
    await page.goto(`/people/${other.id}`);
    const card = page.getByTestId('duplicates');
    // The visitor traced earlier has the same name and birth date too: pick the record with this phone.
    const row = card.getByTestId('duplicate').filter({ hasText: '0912 555 111' });
    await row.getByText('Cùng họ tên và ngày sinh').waitFor();
    await row.getByRole('button', { name: 'Gộp vào hồ sơ này' }).click();
    await page.getByRole('dialog').getByLabel('Lý do gộp').fill('Cùng một người, tổ COVID xác minh');
    await page.getByRole('dialog').getByRole('button', { name: 'Gộp hồ sơ' }).click();
    await page.getByText('Đã gộp hồ sơ').waitFor();
    await expect.poll(() => page.getByTestId('duplicate').filter({ hasText: '0912 555 111' }).count()).toBe(0);
    expect(await q(`SELECT 1 FROM person WHERE id = $1`, [dup.id])).toHaveLength(0);
    // The kept record's blanks are filled from the merged one.
    expect((await q<{ phone: string }>(`SELECT phone FROM person WHERE id = $1`, [other.id]))[0].phone).toBe(p.phone ?? '+84912555111');
  });

  it('reads well on a phone: the case list, the case and the graph fit the screen', async () => {
    const c = await newContext(browser, server.url, PHONE);
    const phone = await c.context.newPage();
    await signIn(phone, 'xa', server.password('xa'));
    const [kase] = await q<{ id: number }>(`SELECT id FROM case_record WHERE person_id = $1`, [f0.id]);
    for (const [path, ready] of [
      ['/cases', () => phone.getByTestId('case-row').first().waitFor()],
      [`/cases/${kase.id}`, () => phone.getByTestId('contact-row').first().waitFor()],
      ['/cases/graph', () => phone.locator('[data-testid="contact-graph"][data-ready="true"]').waitFor()],
      ['/cases/clusters', () => phone.getByTestId('cluster').first().waitFor()],
    ] as const) {
      await phone.goto(path);
      await ready();
      expect(await overflowsHorizontally(phone), path).toBe(false);
      await screenshot(phone, `phone-${path.split('/').filter(Boolean).join('-').replace(/\d+/, 'case')}`);
    }
    expect(c.problems).toEqual([]);
    await c.context.close();
  });

  it('made no request outside the server and hit no CSP violation', () => {
    expect(problems).toEqual([]);
  });
});

describe('province administrator draws a lockdown on the map', () => {
  it('places the corners on the map, saves the zone with its polygon and sees it on the province map', async () => {
    const c = await newContext(browser, server.url);
    const page = await c.context.newPage();
    await signIn(page, 'admin', server.password('admin'));
    const [commune] = await q<{ code: string; name: string; district: string }>(
      `SELECT u.code, u.name, d.name AS district FROM admin_unit u JOIN admin_unit d ON d.province_code = u.province_code AND d.code = u.parent_code
        WHERE u.province_code = '20' AND u.level = 'commune' ORDER BY u.code LIMIT 1`,
    );
    await page.goto('/zones');
    await page.getByRole('button', { name: 'Khoanh vùng mới' }).click();
    const form = page.getByTestId('zone-form');
    await form.getByLabel('Tên vùng').fill('Phong tỏa vẽ trên bản đồ');
    const search = form.getByRole('combobox', { name: 'Gõ tên xã hoặc thôn để thêm' });
    const option = page.getByRole('option', { name: new RegExp(`^${commune.name} .*${commune.district}$`) });
    await retry(async () => {
      if (!(await option.first().isVisible())) await search.fill(searchKey(commune.name).replace(/^(xa|phuong|thi tran) /, ''));
      await option.first().click({ timeout: 3000 });
    });
    const drawing = form.getByTestId('zone-draw-map');
    await drawing.waitFor();
    const box = (await drawing.boundingBox())!;
    for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.4], [0.5, 0.6]]) await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    await form.getByText('3 góc').waitFor();
    await screenshot(page, 'zone-draw');
    await form.getByRole('button', { name: 'Khoanh vùng', exact: true }).click();
    await page.getByText(/^Đã tạo Phong tỏa vẽ trên bản đồ/).waitFor();
    const [z] = await q<{ geometry: { type: string; coordinates: number[][][] } }>(`SELECT geometry FROM zone WHERE name = 'Phong tỏa vẽ trên bản đồ'`);
    expect(z.geometry.type).toBe('Polygon');
    expect(z.geometry.coordinates[0]).toHaveLength(4);
    const [lon, lat] = z.geometry.coordinates[0][0];
    // Lạng Sơn lies around 106–107.5° E, 21.3–22.5° N.
    expect(lon).toBeGreaterThan(105.5);
    expect(lon).toBeLessThan(108);
    expect(lat).toBeGreaterThan(21);
    expect(lat).toBeLessThan(23);
    await page.goto('/units/20');
    await page.getByTestId('map-overlay').first().waitFor({ state: 'attached' });
    await page.getByTestId('active-zones').waitFor();
    await screenshot(page, 'map-zones');
    expect(c.problems).toEqual([]);
  });
});
