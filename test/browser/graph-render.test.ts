// The large-graph renderer (web/src/cases/pointGraph.ts: what outbreaks above 5,000 people get) in
// Chromium with software WebGL, on the demo outbreak drawn with ?renderer=points: the person under the
// pointer, click and tap to open them, colours by status and by cluster read back from the screen, zoom
// buttons, and names asked for when the graph came without them.
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchBrowser, newContext, PHONE, screenshot, signIn, type Browser, type Page } from './support.ts';
import { buildModel, clusterColor, clusterOf, DEGREE_COLORS, nodeColor, nodeSize, rgbBytes, type GraphModel, type GraphPayload } from '../../web/src/cases/graphData.ts';
import { FIT_PADDING, fitCamera, radiusScale, toScreen } from '../../web/src/cases/graphView.ts';
import { LABEL_PX } from '../../web/src/cases/pointGraph.ts';

let server: TestServer;
let browser: Browser;
let payload: GraphPayload;
let model: GraphModel;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A PNG as Chromium writes screenshots (8-bit RGB or RGBA, not interlaced) decoded to RGBA. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let channels = 0;
  for (let o = 8; o < png.length; ) {
    const length = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    if (type === 'IHDR') {
      width = png.readUInt32BE(o + 8);
      height = png.readUInt32BE(o + 12);
      expect(png[o + 16]).toBe(8);
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[png[o + 17]];
      expect(png[o + 20]).toBe(0);
    }
    if (type === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + length));
    o += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      out[y * stride + i] = (x + [0, a, b, (a + b) >> 1, paeth][filter]) & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let k = 0; k < width * height; k++) {
    rgba[4 * k] = out[k * channels];
    rgba[4 * k + 1] = out[k * channels + 1];
    rgba[4 * k + 2] = out[k * channels + 2];
    rgba[4 * k + 3] = channels === 4 ? out[k * channels + 3] : 255;
  }
  return { width, height, rgba };
}

/** The colour of one pixel of the page. */
async function pixel(page: Page, at: { x: number; y: number }): Promise<[number, number, number]> {
  const { rgba } = decodePng(await page.screenshot({ clip: { x: Math.floor(at.x), y: Math.floor(at.y), width: 1, height: 1 } }));
  return [rgba[0], rgba[1], rgba[2]];
}

/**
 * Checks on a screenshot of the graph that every person whose centre no other disc and no label covers is
 * drawn there in the colour `colourOf(v)`; returns how many were checked.
 */
async function everyoneInColour(page: Page, colourOf: (v: number) => string): Promise<number> {
  const graph = page.getByTestId('contact-graph');
  const box = (await graph.boundingBox())!;
  const shot = decodePng(await page.screenshot({ clip: box }));
  const places = await Promise.all(Array.from({ length: model.n }, (_, v) => placeOf(page, v)));
  const labelled = places.filter((p) => p.radius >= LABEL_PX);
  let checked = 0;
  const wrong: string[] = [];
  for (let v = 0; v < model.n; v++) {
    const p = places[v];
    if (places.some((q, w) => w !== v && Math.hypot(q.x - p.x, q.y - p.y) <= q.radius + 1.5)) continue;
    // Labels start right of their person, about 7 pixels a letter at most, 12 pixels tall.
    if (labelled.some((q) => p.x >= q.x && p.x <= q.x + q.radius + 250 && Math.abs(p.y - q.y) <= 10 && q !== p)) continue;
    const x = Math.floor(p.x - box.x);
    const y = Math.floor(p.y - box.y);
    if (x < 0 || y < 0 || x >= shot.width || y >= shot.height) continue;
    const at = 4 * (y * shot.width + x);
    const got = [shot.rgba[at], shot.rgba[at + 1], shot.rgba[at + 2]];
    checked++;
    if (!near(got, colourOf(v))) wrong.push(`person ${model.person[v]} (F${model.degree[v]}): ${got} instead of ${colourOf(v)}`);
  }
  expect(wrong).toEqual([]);
  return checked;
}

/** The graph's data (not the names asked for later). */
const GRAPH_API = /\/api\/cases\/graph(\?|$)/;

const near = (got: number[], hex: string) => rgbBytes(hex).every((c, i) => Math.abs(c - got[i]) <= 3);

async function openGraph(page: Page, query = '') {
  await page.goto(`/cases/graph?renderer=points${query}`);
  await page.locator('[data-testid="contact-graph"][data-ready="true"][data-renderer="points"]').waitFor();
}

/** Where node v is on the page while the whole graph is fitted, computed as the renderer does. */
async function placeOf(page: Page, v: number) {
  const el = page.getByTestId('contact-graph');
  const box = (await el.boundingBox())!;
  const size = await el.evaluate((e) => ({ width: e.clientWidth, height: e.clientHeight }));
  const [x, y] = toScreen(fitCamera(model.box, size, FIT_PADDING), size, model.x[v], model.y[v]);
  return { x: box.x + x, y: box.y + y, radius: nodeSize(model.degree[v]) * radiusScale(fitCamera(model.box, size, FIT_PADDING)) };
}

/** A node of this degree with no other node within `clear` pixels, so that its centre shows its own colour. */
async function lonely(page: Page, degree: number, clear: number): Promise<number> {
  const places = await Promise.all(Array.from({ length: model.n }, (_, v) => placeOf(page, v)));
  for (let v = 0; v < model.n; v++) {
    if (model.degree[v] !== degree) continue;
    const p = places[v];
    if (places.every((q, w) => w === v || Math.hypot(q.x - p.x, q.y - p.y) > clear + q.radius)) return v;
  }
  throw new Error(`no F${degree} stands alone in the demo graph`);
}

describe('large-graph renderer', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    const c = await newContext(browser, server.url);
    page = await c.context.newPage();
    problems = c.problems;
    await signIn(page, 'admin', server.password('admin'));
    payload = (await (await page.request.get('/api/cases/graph')).json()) as GraphPayload;
    model = buildModel(payload, {});
    expect(model.n).toBeGreaterThan(20);
  });

  it('draws every person in their colour and lights up the person under the pointer', async () => {
    await openGraph(page);
    const graph = page.getByTestId('contact-graph');
    expect(Number(await graph.getAttribute('data-nodes'))).toBe(model.n);
    await screenshot(page, 'graph-points');
    const byStatus = (v: number) => nodeColor('status', model.degree[v], model.status[v], clusterOf(model, v));
    expect(await everyoneInColour(page, byStatus)).toBeGreaterThan(model.n / 3);
    const kase = await lonely(page, 0, 4);
    const contact = await lonely(page, 1, 3);
    const at = await placeOf(page, kase);
    const f1 = await placeOf(page, contact);
    expect(near(await pixel(page, f1), DEGREE_COLORS[1])).toBe(true);

    const canvas = graph.locator('canvas').first();
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => canvas.evaluate((c) => c.style.cursor)).toBe('pointer');
    const box = (await graph.boundingBox())!;
    await page.mouse.move(box.x + 3, box.y + 3);
    await expect.poll(() => canvas.evaluate((c) => c.style.cursor)).toBe('');

    // Colour by cluster: the picture changes without a new layout.
    await page.getByText('Ổ dịch', { exact: true }).last().click();
    await page.waitForURL(/colour=cluster/);
    await expect.poll(async () => near(await pixel(page, f1), clusterColor(clusterOf(model, contact)))).toBe(true);
    await everyoneInColour(page, (v) => clusterColor(clusterOf(model, v)));

    // Zoom in and back to the whole graph: the same picture.
    await page.getByRole('button', { name: 'Phóng to' }).click();
    await page.getByRole('button', { name: 'Phóng to' }).click();
    await expect.poll(async () => near(await pixel(page, f1), clusterColor(clusterOf(model, contact)))).toBe(false);
    await page.getByRole('button', { name: 'Về toàn cảnh' }).click();
    await expect.poll(async () => near(await pixel(page, f1), clusterColor(clusterOf(model, contact)))).toBe(true);
  });

  it('draws the graph again when the browser takes its WebGL context away', async () => {
    await openGraph(page);
    const f1 = await placeOf(page, await lonely(page, 1, 3));
    expect(near(await pixel(page, f1), DEGREE_COLORS[1])).toBe(true);
    await page.getByTestId('contact-graph').locator('canvas').first().evaluate((c) => {
      const gl = (c as HTMLCanvasElement).getContext('webgl2') ?? (c as HTMLCanvasElement).getContext('webgl');
      gl!.getExtension('WEBGL_lose_context')!.loseContext();
    });
    await expect.poll(async () => near(await pixel(page, f1), DEGREE_COLORS[1])).toBe(true);
    await expect.poll(() => page.getByTestId('contact-graph').locator('canvas').count()).toBe(2);
  });

  it('opens the person clicked', async () => {
    await openGraph(page);
    const v = await lonely(page, 0, 4);
    const at = await placeOf(page, v);
    await page.mouse.click(at.x, at.y);
    await page.waitForURL(`**/people/${model.person[v]}`);
  });

  it('on a phone, a graph without names: the first tap names the person, the second opens them', async () => {
    const c = await newContext(browser, server.url, PHONE);
    const phone = await c.context.newPage();
    await signIn(phone, 'admin', server.password('admin'));
    // As for an outbreak of more than 5,000 people: the graph comes without names.
    await phone.route(GRAPH_API, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as GraphPayload;
      delete body.name;
      await route.fulfill({ response: res, json: body });
    });
    const asked: number[][] = [];
    phone.on('request', (r) => {
      if (r.url().endsWith('/api/cases/graph/names')) asked.push((r.postDataJSON() as { people: number[] }).people);
    });
    await openGraph(phone);
    const v = await lonely(phone, 0, 10);
    const at = await placeOf(phone, v);
    await phone.touchscreen.tap(at.x, at.y);
    const status = phone.getByRole('status').filter({ hasText: 'Chạm lần nữa để mở hồ sơ' });
    await status.getByText(`${payload.name![payload.person.indexOf(model.person[v])]} · F0`).waitFor();
    expect(asked.some((people) => people.includes(model.person[v]))).toBe(true);
    await screenshot(phone, 'phone-graph-points');
    await phone.touchscreen.tap(at.x, at.y);
    await phone.waitForURL(`**/people/${model.person[v]}`);
    expect(c.problems).toEqual([]);
    await c.context.close();
  });

  it('names the people on screen once zoomed in far enough to label them', async () => {
    const asked: number[][] = [];
    await page.route(GRAPH_API, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as GraphPayload;
      delete body.name;
      await route.fulfill({ response: res, json: body });
    });
    const listen = (r: { url(): string; postDataJSON(): unknown }) => {
      if (r.url().endsWith('/api/cases/graph/names')) asked.push((r.postDataJSON() as { people: number[] }).people);
    };
    page.on('request', listen);
    await openGraph(page);
    const v = await lonely(page, 0, 4);
    const at = await placeOf(page, v);
    await page.mouse.move(at.x, at.y);
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(150);
    }
    await expect.poll(() => asked.some((people) => people.length > 1 && people.includes(model.person[v])), { timeout: 10_000 }).toBe(true);
    // For the screenshot: the camera at rest, the labels drawn with the names.
    await page.waitForTimeout(800);
    await screenshot(page, 'graph-points-zoomed');
    page.off('request', listen);
    await page.unroute(GRAPH_API);
    expect(problems).toEqual([]);
  });
});
