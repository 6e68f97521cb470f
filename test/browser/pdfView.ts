// Opens a PDF in Chromium the way a reader's browser does: pdf.js (pdfjs-dist from node_modules,
// served by the test through page.route on the server's origin, so no CSP of the app applies)
// draws each page on a canvas and lays its text layer over it; each page is saved as a PNG.
// Used by the browser tests of the daily report (issue 7).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/server.ts';
import { expect } from 'vitest';
import { DESKTOP, newContext, type Browser, type Page } from './support.ts';

const PDFJS = join(REPO_ROOT, 'node_modules/pdfjs-dist/build');
// The viewer page, served by the test itself (page.route) on the server's origin: pdf.js from
// node_modules draws each page on a canvas and lays its text layer over it.
const VIEWER = `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#888}.page{position:relative;margin:8px auto;background:#fff}
.textLayer{position:absolute;inset:0;overflow:hidden;line-height:1;color:transparent}.textLayer span{position:absolute;white-space:pre;transform-origin:0 0}</style>
<script type="module">
import * as pdfjs from '/__pdfjs/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/__pdfjs/pdf.worker.mjs';
const doc = await pdfjs.getDocument({ url: '/__pdfjs/report.pdf' }).promise;
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const viewport = page.getViewport({ scale: 1.5 });
  const wrap = document.createElement('div');
  wrap.className = 'page';
  wrap.style.width = viewport.width + 'px';
  wrap.style.height = viewport.height + 'px';
  const canvas = document.createElement('canvas');
  canvas.width = viewport.width;
  canvas.height = viewport.height;
  canvas.dataset.page = String(i);
  const layer = document.createElement('div');
  layer.className = 'textLayer';
  layer.dataset.page = String(i);
  wrap.append(canvas, layer);
  document.body.append(wrap);
  await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
  const text = await page.getTextContent();
  await new pdfjs.TextLayer({ textContentSource: text, container: layer, viewport }).render();
  // Where each text item sits on the canvas (pixels), to check that its glyphs were painted there.
  const items = text.items.filter((t) => 'str' in t && t.str.trim()).map((t) => {
    const m = pdfjs.Util.transform(viewport.transform, t.transform);
    const h = Math.hypot(m[2], m[3]);
    return { str: t.str, x: m[4], y: m[5] - h, w: t.width * viewport.scale, h };
  });
  pages.push({ width: canvas.width, height: canvas.height, items });
}
window.__pdf = { pages };
</script>`;

/** Dark pixels in a rectangle of a page's canvas, as a share of its area. */
const INK = `(([page, x, y, w, h]) => {
  const c = document.querySelector('canvas[data-page="' + page + '"]');
  const d = c.getContext('2d').getImageData(Math.max(0, Math.floor(x)), Math.max(0, Math.floor(y)), Math.max(1, Math.ceil(w)), Math.max(1, Math.ceil(h))).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 384) ink++;
  return ink / (d.length / 4);
})`;

export interface RenderedPdf {
  pages: { width: number; height: number; items: { str: string; x: number; y: number; w: number; h: number }[] }[];
  page: Page;
  /** The context's problems (external requests, CSP, page errors). */
  problems: string[];
}

/** The share of dark pixels in a rectangle of a page's canvas. */
export async function inkShare(page: Page, pageNo: number, x: number, y: number, w: number, h: number): Promise<number> {
  return (await page.evaluate(`${INK}([${pageNo}, ${x}, ${y}, ${w}, ${h}])`)) as number;
}

/** Opens the PDF in Chromium with pdf.js (canvas + text layer); each page saved as tmp/screens/<name>-p<N>.png. */
export async function renderPdf(browser: Browser, origin: string, pdf: Buffer, name: string): Promise<RenderedPdf> {
  const c = await newContext(browser, origin, DESKTOP);
  const page = await c.context.newPage();
  await page.route('**/__pdfjs/**', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop()!;
    if (file === 'report.pdf') return route.fulfill({ body: pdf, contentType: 'application/pdf' });
    if (file === 'viewer.html') return route.fulfill({ body: VIEWER, contentType: 'text/html; charset=utf-8' });
    if (file === 'pdf.mjs' || file === 'pdf.worker.mjs') return route.fulfill({ body: readFileSync(join(PDFJS, file)), contentType: 'text/javascript' });
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto('/__pdfjs/viewer.html');
  await page.waitForFunction(() => (window as unknown as { __pdf?: unknown }).__pdf, null, { timeout: 60_000 });
  const rendered = await page.evaluate(() => (window as unknown as { __pdf: Omit<RenderedPdf, 'page'> }).__pdf);
  const dir = join(REPO_ROOT, 'tmp/screens');
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= rendered.pages.length; i++) writeFileSync(join(dir, `${name}-p${i}.png`), await page.locator(`canvas[data-page="${i}"]`).screenshot());
  return { ...rendered, page, problems: c.problems };
}


/**
 * The checks of a rendered daily report: every page drawn (ink on each canvas), the line
 * "UBND <PROVINCE>" in page 1's text layer, and glyphs painted inside the box the text layer gives
 * it (none in the left margin beside it).
 */
export async function expectProvinceRendered(view: RenderedPdf, provinceName: string) {
  const line = `UBND ${provinceName.toUpperCase()}`;
  expect(view.pages.length).toBeGreaterThan(0);
  for (let i = 1; i <= view.pages.length; i++) {
    const { width, height } = view.pages[i - 1];
    expect(width).toBeGreaterThan(height * 0.6); // A4 portrait at scale 1.5: 893 × 1263
    expect(await inkShare(view.page, i, 0, 0, width, height), `page ${i} has ink`).toBeGreaterThan(0.005);
  }
  const header = view.pages[0].items.find((t) => t.str.includes(line));
  expect(header, 'the province name in the text layer of page 1').toBeTruthy();
  expect(await inkShare(view.page, 1, header!.x, header!.y, header!.w, header!.h)).toBeGreaterThan(0.08);
  expect(await inkShare(view.page, 1, 2, header!.y, 30, header!.h)).toBeLessThan(0.01);
  await expect.poll(() => view.page.locator('.textLayer[data-page="1"]').textContent()).toContain(line);
}
