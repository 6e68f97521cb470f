import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { renderLabels } from './labelPdf.ts';
import { CODE128_PATTERNS } from '../../../domain/testing/code128.ts';

async function readText(pdf: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) for (const item of (await (await doc.getPage(i)).getTextContent()).items) if ('str' in item) parts.push(item.str);
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: parts.join(' ').normalize('NFC') };
}

/** Reads the bars of the first label back from the page content and decodes them with the Code 128 table. */
function decodeFirstLabel(pdf: Buffer): string {
  const rects = [...pdf.toString('latin1').matchAll(/^(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re$/gm)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]) }));
  const firstRow = rects.filter((r) => Math.abs(r.y - rects[0].y) < 0.01 && r.x < 198);
  const module = Math.min(...firstRow.map((r) => r.w));
  const widths: number[] = [];
  firstRow.forEach((r, i) => {
    if (i > 0) widths.push(Math.round((r.x - (firstRow[i - 1].x + firstRow[i - 1].w)) / module));
    widths.push(Math.round(r.w / module));
  });
  const byPattern = new Map(CODE128_PATTERNS.map((p, v) => [p, v]));
  const values: number[] = [];
  for (let i = 0; i < widths.length; ) {
    const len = widths.length - i === 7 ? 7 : 6;
    const v = byPattern.get(widths.slice(i, i + len).join(''));
    if (v === undefined) throw new Error(`no symbol at ${i}: ${widths.slice(i, i + len).join('')}`);
    values.push(v);
    i += len;
  }
  const [start, ...rest] = values;
  expect(rest.pop()).toBe(106);
  const check = rest.pop();
  expect((start + rest.reduce((a, v, k) => a + v * (k + 1), 0)) % 103).toBe(check);
  let set = start === 105 ? 'C' : 'B';
  let out = '';
  for (const v of rest) {
    if (v === 99) set = 'C';
    else if (v === 100) set = 'B';
    else out += set === 'C' ? String(v).padStart(2, '0') : String.fromCharCode(v + 32);
  }
  return out;
}

describe('barcode labels', () => {
  it('prints a Code 128 barcode that reads back as the code, with the Vietnamese name', async () => {
    const pdf = await renderLabels([{ barcode: 'S20-0000001237', line1: 'Nguyễn Thị Hường', line2: '1987 · Trạm Y tế xã Tân Thành' }], { compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(decodeFirstLabel(pdf)).toBe('S20-0000001237');
    const { text } = await readText(pdf);
    expect(text).toContain('S20-0000001237');
    expect(text).toContain('Nguyễn Thị Hường');
    expect(text).toContain('Trạm Y tế xã Tân Thành');
  });
  it('a lab code in code set B reads back too', async () => {
    expect(decodeFirstLabel(await renderLabels([{ barcode: 'LAB-777' }], { compress: false }))).toBe('LAB-777');
  });
  it('fills A4 sheets of 24 labels', async () => {
    const labels = Array.from({ length: 25 }, (_, i) => ({ barcode: `P20-${String(i).padStart(9, '0')}0`, line1: `Mẫu gộp ${i}` }));
    expect((await readText(await renderLabels(labels))).pages).toBe(2);
  });
});
