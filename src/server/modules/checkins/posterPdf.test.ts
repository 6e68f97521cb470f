// The poster's and the card's QR read back out of the PDF by independent code: pdf.js decodes the
// embedded image, jsQR reads it.
import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pdfImages } from '../../../../test/helpers/pdfImages.ts';
import jsQR from 'jsqr';
import { renderCard, renderPoster } from './posterPdf.ts';

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
