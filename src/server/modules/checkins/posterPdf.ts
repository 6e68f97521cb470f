// Printable documents of the check-in area (A4, Vietnamese, Noto Serif embedded as in
// cases/decisionPdf.ts): a venue's QR poster with the 5K reminders, and a citizen's personal QR
// card for people without a smartphone. Each QR is embedded as a PNG of whole pixels per module
// (sharp when printed; the API test decodes it back out of the PDF with jsQR).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { FIVE_K, VENUE_KIND_LABELS, displayCode, type VenueKind } from '../../../domain/checkins/venue.ts';

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;
let fonts: Promise<Record<FontName, Buffer>> | null = null;

function loadFonts() {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    const names = Object.keys(FONT_FILES) as FontName[];
    fonts = Promise.all(names.map((n) => readFile(require.resolve(FONT_FILES[n])))).then((b) => Object.fromEntries(names.map((n, i) => [n, b[i]])) as Record<FontName, Buffer>);
    fonts.catch(() => (fonts = null));
  }
  return fonts;
}

/** A QR code as a PNG: error correction M, 12 pixels a module, a quiet zone of 4 modules. */
export function qrPng(text: string, scale = 12): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, scale, type: 'png' });
}

/** The same QR as SVG (the personal QR page shows it; no QR library in the page's JavaScript). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { errorCorrectionLevel: 'M', margin: 4, type: 'svg' });
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((res, rej) => {
    doc.on('end', () => res(Buffer.concat(chunks)));
    doc.on('error', rej);
    doc.end();
  });
}

const MM = 72 / 25.4;

export interface PosterData {
  name: string;
  kind: VenueKind;
  address: string;
  communeName: string;
  districtName: string | null;
  provinceName: string;
  code: string;
  url: string;
}

export async function renderPoster(d: PosterData): Promise<Buffer> {
  const f = await loadFonts();
  const doc = new PDFDocument({ size: 'A4', margins: { top: 18 * MM, left: 18 * MM, right: 18 * MM, bottom: 5 * MM }, info: { Title: `Mã QR: ${d.name}`, Author: d.provinceName } });
  doc.registerFont('R', f.regular);
  doc.registerFont('B', f.bold);
  const W = doc.page.width;
  const inner = W - 36 * MM;
  const x0 = 18 * MM;
  doc.rect(0, 0, W, 34 * MM).fill('#0b6e4f');
  doc.fillColor('#ffffff').font('B').fontSize(24).text('QUÉT MÃ QR KHI ĐẾN ĐÂY', x0, 9 * MM, { width: inner, align: 'center' });
  doc.font('R').fontSize(12).text('Không cần cài ứng dụng: mở camera điện thoại và hướng vào mã', x0, 21 * MM, { width: inner, align: 'center' });
  doc.fillColor('#111111').font('B').fontSize(22).text(d.name.normalize('NFC'), x0, 42 * MM, { width: inner, align: 'center' });
  doc.font('R').fontSize(12).fillColor('#333333');
  const where = [d.address, d.communeName, d.districtName, d.provinceName].filter(Boolean).join(', ').normalize('NFC');
  doc.text(`${VENUE_KIND_LABELS[d.kind].vi} · ${where}`, { width: inner, align: 'center' });
  const size = 110 * MM;
  const qrY = doc.y + 6 * MM;
  doc.image(await qrPng(d.url), (W - size) / 2, qrY, { width: size, height: size });
  doc.fillColor('#111111').font('B').fontSize(18).text(`Mã địa điểm: ${displayCode(d.code)}`, x0, qrY + size + 2 * MM, { width: inner, align: 'center' });
  doc.font('R').fontSize(10).fillColor('#444444').text(d.url, { width: inner, align: 'center' });
  const boxY = doc.y + 6 * MM;
  doc.roundedRect(x0, boxY, inner, 62 * MM, 4 * MM).lineWidth(1.5).stroke('#0b6e4f');
  doc.fillColor('#0b6e4f').font('B').fontSize(15).text('Thực hiện thông điệp 5K của Bộ Y tế', x0 + 6 * MM, boxY + 5 * MM, { width: inner - 12 * MM });
  doc.fillColor('#111111').font('R').fontSize(12.5);
  for (const [i, k] of FIVE_K.entries()) doc.text(`${i + 1}. ${k.vi}`, x0 + 6 * MM, undefined, { width: inner - 12 * MM, paragraphGap: 2 });
  doc.font('R').fontSize(9).fillColor('#555555').text(
    'Thông tin quét mã chỉ dùng để truy vết khi có ca bệnh, được lưu có thời hạn rồi tự động xóa. Người không có điện thoại thông minh: xuất trình thẻ QR cá nhân cho nhân viên tại đây.',
    x0,
    doc.page.height - 24 * MM,
    { width: inner, align: 'center' },
  );
  return finish(doc);
}

export interface CardData {
  fullName: string;
  phone: string | null;
  cccd: string | null;
  qrText: string;
  provinceName: string | null;
}

/** A personal QR card: two copies side by side on an A4 sheet, to cut out and keep in a wallet. */
export async function renderCard(d: CardData): Promise<Buffer> {
  const f = await loadFonts();
  const doc = new PDFDocument({ size: 'A4', margin: 15 * MM, info: { Title: `Thẻ QR cá nhân: ${d.fullName}` } });
  doc.registerFont('R', f.regular);
  doc.registerFont('B', f.bold);
  const png = await qrPng(d.qrText, 8);
  const cardW = 85 * MM;
  const cardH = 120 * MM;
  for (const [i, x] of [15 * MM, 15 * MM + cardW + 10 * MM].entries()) {
    const y = 20 * MM;
    doc.save().dash(3, { space: 3 }).rect(x, y, cardW, cardH).stroke('#888888').restore();
    doc.fillColor('#0b6e4f').font('B').fontSize(12).text('THẺ QR CÁ NHÂN', x, y + 5 * MM, { width: cardW, align: 'center' });
    doc.fillColor('#111111').font('B').fontSize(13).text(d.fullName.normalize('NFC'), x + 4 * MM, y + 12 * MM, { width: cardW - 8 * MM, align: 'center' });
    const id = [d.cccd ? `CCCD: ${d.cccd}` : null, d.phone ? `ĐT: ${'0' + d.phone.replace(/^\+84/, '')}` : null].filter(Boolean).join(' · ');
    doc.font('R').fontSize(10).text(id, { width: cardW - 8 * MM, align: 'center' });
    const s = 62 * MM;
    doc.image(png, x + (cardW - s) / 2, y + 30 * MM, { width: s, height: s });
    doc.font('R').fontSize(9).fillColor('#333333').text('Đưa thẻ này cho nhân viên tại địa điểm để quét khi vào.', x + 4 * MM, y + 95 * MM, { width: cardW - 8 * MM, align: 'center' });
    if (d.provinceName) doc.text(d.provinceName, { width: cardW - 8 * MM, align: 'center' });
    if (i === 1) doc.fontSize(8).fillColor('#777777').text('(bản dự phòng)', { width: cardW - 8 * MM, align: 'center' });
  }
  return finish(doc);
}
