// The door-to-door sweep through the web: the commune officer notes the commune's coverage → the
// community team opens the commune's sweep list on a phone, marks one person not home (one tap)
// and one refusal with its reason → the commune officer vaccinates a third at the door from a lot
// → the list has shrunk, the refusal is shown apart, and the coverage page counts one more dose.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { refreshCoverage } from '../../src/server/modules/vaccination/coverageFacts.ts';
import { launchBrowser, newContext, overflowsHorizontally, PHONE, retry, screenshot, signIn, vn, type Browser, type Page } from './support.ts';

let server: TestServer;
let browser: Browser;
const pages: Page[] = [];
const problems: string[][] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ demoTesting: false }), launchBrowser()]);
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') for (const [i, p] of pages.entries()) await screenshot(p, `failed-vacc-sweep-${i}-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
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

const countsText = (page: Page) => page.getByTestId('sweep-counts').innerText();
/** The page opens on one village of the commune (not the whole commune's list); the walker picks theirs. */
async function chooseVillage(page: Page, name: string) {
  const select = page.getByTestId('sweep-village');
  await page.getByTestId('sweep-counts').waitFor();
  expect(await select.inputValue()).not.toMatch(/^Cả /);
  await retry(async () => {
    await select.click();
    await page.getByRole('option', { name, exact: true }).click({ timeout: 3000 });
  });
  await retry(async () => expect(await select.inputValue()).toBe(name));
  await page.getByTestId('sweep-counts').waitFor();
}
const peopleIn = (text: string) => Number(/Còn ([\d.]+) người/.exec(text)![1].replace(/\./g, ''));
const atLeastOne = async (page: Page) => Number((await page.getByTestId('coverage-atLeastOne').innerText()).match(/([\d.]+) người/)![1].replace(/\./g, ''));

describe('vaccination sweep: list on a phone → visits → the list shrinks → coverage changes', () => {
  const commune = () => server.demo.logins.find((l) => l.username === 'xa')!.unitCode;
  let who: { id: number; full_name: string }[];
  let village: { code: string; name: string };
  let before: number;

  it('prepares a lot, adults with no dose in the commune, and reads the coverage the officer sees', async () => {
    const year = new Date().getFullYear();
    await q(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received, expiry_date) VALUES ('20', 'pfizer', 'PF-SWEEP-01', 500, $1)`, [`${year + 1}-12-31`]);
    // Three adults of one village of the commune, from a clean slate (the demo's history may have vaccinated them).
    [village] = await q<{ code: string; name: string }>(
      `SELECT v.code, v.name FROM person p JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
        WHERE p.province_code = '20' AND p.commune_code = $1 AND p.birth_date BETWEEN '1960-01-01' AND $2::date GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 1`,
      [commune(), `${year - 20}-01-01`],
    );
    who = await q<{ id: number; full_name: string }>(
      `SELECT p.id, p.full_name FROM person p WHERE p.province_code = '20' AND p.commune_code = $1 AND p.village_code = $2 AND p.birth_date BETWEEN '1960-01-01' AND $3::date ORDER BY p.id LIMIT 3`,
      [commune(), village.code, `${year - 20}-01-01`],
    );
    const ids = who.map((w) => w.id);
    await q(`DELETE FROM home_vaccination_request WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await q(`DELETE FROM sweep_visit WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await q(`DELETE FROM adverse_event WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await q(`DELETE FROM vaccination_certificate WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await q(`DELETE FROM vaccine_dose WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await q(`DELETE FROM vaccination_profile WHERE province_code = '20' AND person_id = ANY($1::bigint[])`, [ids]);
    await server.db.tx((tx) => refreshCoverage(tx, '20', [commune()], '2021-01-01'));
    expect(who).toHaveLength(3);
    const page = await open('xa');
    await page.goto('/vaccination');
    await page.getByRole('heading', { name: 'Độ bao phủ tiêm chủng', level: 1 }).waitFor();
    await page.getByTestId('coverage-atLeastOne').waitFor();
    before = await atLeastOne(page);
    await page.getByTestId('coverage-by-group').locator('svg').waitFor();
    await screenshot(page, 'vacc-coverage-desktop-before');
    // The sweep page on a desktop opens on a village too, the whole commune one choice away.
    await page.goto('/vaccination/sweep');
    await page.getByTestId('sweep-counts').waitFor();
    expect(await page.getByTestId('sweep-village').inputValue()).not.toMatch(/^Cả /);
    await page.getByTestId('sweep-village').click();
    await page.getByRole('option', { name: /^Cả / }).waitFor();
    await screenshot(page, 'vacc-sweep-desktop-villages');
    await page.keyboard.press('Escape');
  });

  it('the community team walks the list on a phone: not home (one tap), refused with a reason', async () => {
    const page = await open('tocovid', true);
    await page.goto('/vaccination/sweep');
    await page.getByRole('heading', { name: 'Rà soát tiêm chủng từng nhà', level: 1 }).waitFor();
    await chooseVillage(page, village.name);
    await page.getByTestId(`sweep-person-${who[0].id}`).waitFor();
    const start = peopleIn(await countsText(page));
    expect(start).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('sweep-household').count()).toBeGreaterThan(0);
    await screenshot(page, 'vacc-sweep-phone-list');
    expect(await overflowsHorizontally(page)).toBe(false);

    const a = page.getByTestId(`sweep-person-${who[0].id}`);
    await a.scrollIntoViewIfNeeded();
    await a.getByRole('button', { name: 'Vắng nhà' }).click();
    await page.getByText(`Đã ghi: ${who[0].full_name} — Vắng nhà`).waitFor();
    await retry(async () => expect(await a.getByText(/^Vắng ngày/).count()).toBe(1));

    const b = page.getByTestId(`sweep-person-${who[1].id}`);
    await b.scrollIntoViewIfNeeded();
    await b.getByRole('button', { name: 'Từ chối' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Lưu' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Lưu' }).isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Lý do' }).fill('Sợ phản ứng sau tiêm, hẹn tháng sau');
    await screenshot(page, 'vacc-sweep-phone-refusal');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(`Đã ghi: ${who[1].full_name} — Từ chối`).waitFor();
    await retry(async () => expect(peopleIn(await countsText(page))).toBe(start - 1));
    expect(await page.getByTestId(`sweep-person-${who[1].id}`).count()).toBe(0);
    // Shown apart, with the reason.
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.getByTestId('sweep-refused').getByText(/Sợ phản ứng sau tiêm/).waitFor();
    const rows = await q<{ outcome: string; reason: string | null }>(`SELECT outcome, reason FROM sweep_visit WHERE province_code = '20' AND person_id = ANY($1::bigint[]) ORDER BY id`, [[who[0].id, who[1].id]]);
    expect(rows).toEqual([
      { outcome: 'absent', reason: null },
      { outcome: 'refused', reason: 'Sợ phản ứng sau tiêm, hẹn tháng sau' },
    ]);
  });

  it('the commune officer vaccinates at the door from a lot; the list shrinks and coverage counts the dose', async () => {
    const page = await open('xa', true);
    await page.goto('/vaccination/sweep');
    await chooseVillage(page, village.name);
    await page.getByTestId(`sweep-person-${who[2].id}`).waitFor();
    const start = peopleIn(await countsText(page));
    const c = page.getByTestId(`sweep-person-${who[2].id}`);
    await c.scrollIntoViewIfNeeded();
    await c.getByRole('button', { name: 'Đã tiêm' }).click();
    const dialog = page.getByRole('dialog');
    await retry(async () => {
      await dialog.getByRole('textbox', { name: 'Lô vắc xin' }).or(dialog.getByRole('combobox', { name: 'Lô vắc xin' })).first().click();
      await page.getByRole('option', { name: /PF-SWEEP-01/ }).click({ timeout: 3000 });
    });
    await dialog.getByText('Mũi sẽ ghi: Mũi 1').waitFor();
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(`Đã ghi: ${who[2].full_name} — Đã tiêm`).waitFor();
    await retry(async () => expect(peopleIn(await countsText(page))).toBe(start - 1));
    expect(await page.getByTestId(`sweep-person-${who[2].id}`).count()).toBe(0);
    const dose = await q<{ dose_kind: string; source: string }>(`SELECT dose_kind, source FROM vaccine_dose WHERE province_code = '20' AND person_id = $1`, [who[2].id]);
    expect(dose).toEqual([{ dose_kind: 'primary_1', source: 'sweep' }]);
    // The PDF of the list for the printed walk.
    const pdf = await page.request.get(`/api/vaccination/sweep.pdf?unit=${commune()}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    await page.goto('/vaccination');
    await page.getByTestId('coverage-atLeastOne').waitFor();
    await retry(async () => expect(await atLeastOne(page)).toBe(before + 1));
    expect(await page.getByTestId('coverage-atLeastOne').innerText()).toContain(`${vn(before + 1)} người`);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'vacc-coverage-phone-after');
    const desk = await open('huyen');
    await desk.goto('/vaccination');
    await desk.getByTestId('coverage-table').waitFor();
    await desk.getByTestId('coverage-by-group').locator('svg').waitFor();
    await screenshot(desk, 'vacc-coverage-desktop-district');
    // The province: its districts on the map, coloured by the share; a click on the table opens a district.
    const prov = await open('admin');
    await prov.goto('/vaccination');
    await prov.getByTestId('legend').waitFor();
    expect(await prov.locator('svg path').count()).toBeGreaterThan(5);
    await screenshot(prov, 'vacc-coverage-desktop-province');
    await prov.getByTestId('coverage-table').getByRole('button').first().click();
    await prov.waitForURL(/unit=/);
    await prov.getByTestId('coverage-table').waitFor();
    // Home vaccination: the health worker sees the request on a phone and schedules the mobile team.
    const [bed] = await q<{ id: number; unit_path: string; full_name: string }>(`SELECT id, unit_path, full_name FROM person p WHERE province_code = '20' AND commune_code = $1 AND id <> ALL($2::bigint[]) AND NOT EXISTS (SELECT 1 FROM home_vaccination_request r WHERE r.province_code = '20' AND r.person_id = p.id) ORDER BY birth_date LIMIT 1`, [commune(), who.map((w) => w.id)]);
    await q(`INSERT INTO home_vaccination_request (province_code, person_id, unit_path, reason, requested_on) VALUES ('20', $1, $2, 'Nằm liệt giường sau tai biến', current_date)`, [bed.id, bed.unit_path]);
    const hw = await open('yte', true);
    await hw.goto('/vaccination/home');
    const card = hw.getByTestId('home-request').filter({ hasText: bed.full_name });
    await card.getByRole('button', { name: 'Hẹn đội tiêm' }).click();
    const dlg = hw.getByRole('dialog');
    await dlg.getByRole('textbox', { name: 'Đội tiêm lưu động' }).fill('Đội lưu động Trạm Y tế');
    await dlg.getByRole('button', { name: 'Lưu' }).click();
    await card.getByText(/Hẹn: Đội lưu động Trạm Y tế/).waitFor();
    expect(await hw.getByTestId('home-request').filter({ hasText: bed.full_name }).getByText('Đã hẹn').count()).toBe(1);
    expect(await overflowsHorizontally(hw)).toBe(false);
    await screenshot(hw, 'vacc-home-phone');
    expect((await q<{ n: number }>(`SELECT count(*)::int AS n FROM task WHERE province_code = '20' AND kind = 'home_vaccination' AND person_id = $1 AND status = 'open'`, [bed.id]))[0].n).toBe(1);
    for (const p of problems) expect(p.filter((x) => !/favicon/.test(x))).toEqual([]);
  });
});
