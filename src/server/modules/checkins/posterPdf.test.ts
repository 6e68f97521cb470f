// The poster's and the card's QR read back out of the PDF by independent code: pdf.js decodes the
// embedded image, jsQR reads it.
import { describe, expect, it } from 'vitest';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import jsQR from 'jsqr';
import { renderCard, renderPoster } from './posterPdf.ts';

interface PdfImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Every image painted on page 1 as RGBA (pdf.js kinds: 1 = 1 bit grey, 2 = RGB, 3 = RGBA). */
export async function pdfImages(pdf: Buffer): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, isOffscreenCanvasSupported: false } as Parameters<typeof getDocument>[0]).promise;
  const page = await doc.getPage(1);
  const ops = await page.getOperatorList();
  const out = [];
  for (const [i, fn] of ops.fnArray.entries()) {
    if (fn !== OPS.paintImageXObject) continue;
    const img = await new Promise<PdfImage>((res) => page.objs.get(ops.argsArray[i][0], res));
    const rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let p = 0; p < img.width * img.height; p++) {
      if (img.kind === 3) rgba.set(img.data.subarray(p * 4, p * 4 + 4), p * 4);
      else if (img.kind === 2) rgba.set([img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2], 255], p * 4);
      else {
        const rowBytes = Math.ceil(img.width / 8);
        const x = p % img.width;
        const y = Math.floor(p / img.width);
        const bit = (img.data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        rgba.set(bit ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
      }
    }
    out.push({ rgba, width: img.width, height: img.height });
  }
  await doc.destroy();
  return out;
}

async function readText(pdf: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (const item of (await (await doc.getPage(1)).getTextContent()).items) if ('str' in item) parts.push(item.str);
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: parts.join(' ').normalize('NFC') };
}

describe('venue poster', () => {
  it('is one A4 page in Vietnamese with the 5K reminders, whose QR decodes to the check-in URL', async () => {
    const url = 'https://chongdich.langson.gov.vn/ci/?v=20ABCD98JQ';
    const pdf = await renderPoster({ name: 'Chợ Đông Kinh', kind: 'market', address: 'Số 1 Trần Đăng Ninh', communeName: 'Phường Đông Kinh', districtName: 'Thành phố Lạng Sơn', provinceName: 'Tỉnh Lạng Sơn', code: '20ABCD98JQ', url });
    const { pages, text } = await readText(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('QUÉT MÃ QR KHI ĐẾN ĐÂY');
    expect(text).toContain('Chợ Đông Kinh');
    expect(text).toContain('5K');
    expect(text).toContain('Khẩu trang');
    expect(text).toContain('20 ABCD 98JQ');
    const [img] = await pdfImages(pdf);
    const qr = jsQR(img.rgba, img.width, img.height);
    expect(qr?.data).toBe(url);
  });
  it('a personal card carries the identity QR twice', async () => {
    const pdf = await renderCard({ fullName: 'Hoàng Văn Ba', phone: '+84912345678', cccd: null, qrText: 'CDQR1.abc', provinceName: 'Tỉnh Lạng Sơn' });
    const imgs = await pdfImages(pdf);
    expect(imgs.length).toBe(2);
    expect(jsQR(imgs[0].rgba, imgs[0].width, imgs[0].height)?.data).toBe('CDQR1.abc');
    expect((await readText(pdf)).text).toContain('0912345678');
  });
});
