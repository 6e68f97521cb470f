// The printable vaccination certificate (A4, Vietnamese with English subtitles): the person, the
// doses (with lot and place, on paper only), the series status, and the signed QR code drawn as
// vector squares (sharp at any printer resolution) with the certificate's number and key id.
// Noto Serif is embedded for the Vietnamese text, as in the quarantine decision.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { DoseKind } from '../../../domain/vaccination/types.ts';
import type { SeriesStatus } from '../../../domain/vaccination/certificate.ts';

export interface CertificatePdfData {
  number: number;
  provinceName: string;
  issuedAt: string;
  kid: string;
  alg: string;
  url: string;
  verifyAddress: string;
  status: SeriesStatus;
  revoked: boolean;
  person: { fullName: string; birthDate: string | null; sex: 'M' | 'F' | null; address: string | null };
  doses: { kind: DoseKind; productName: string; date: string; lotNumber: string | null; siteName: string | null }[];
}

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
  italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;

let fontBytes: Promise<Record<FontName, Buffer>> | null = null;
function loadFonts(): Promise<Record<FontName, Buffer>> {
  if (!fontBytes) {
    const require = createRequire(import.meta.url);
    const names = Object.keys(FONT_FILES) as FontName[];
    fontBytes = Promise.all(names.map((n) => readFile(require.resolve(FONT_FILES[n])))).then((bufs) => Object.fromEntries(names.map((n, i) => [n, bufs[i]])) as Record<FontName, Buffer>);
    fontBytes.catch(() => (fontBytes = null));
  }
  return fontBytes;
}

export const DOSE_LABELS: Record<DoseKind, { vi: string; en: string }> = {
  primary_1: { vi: 'Mũi 1', en: 'Dose 1' },
  primary_2: { vi: 'Mũi 2', en: 'Dose 2' },
  primary_3: { vi: 'Mũi 3 (cơ bản)', en: 'Dose 3 (primary)' },
  additional: { vi: 'Mũi bổ sung', en: 'Additional dose' },
  booster_1: { vi: 'Mũi nhắc lại lần 1', en: 'Booster 1' },
  booster_2: { vi: 'Mũi nhắc lại lần 2', en: 'Booster 2' },
};

export const STATUS_LABELS: Record<SeriesStatus, { vi: string; en: string }> = {
  partial: { vi: 'Đã tiêm, chưa đủ liều cơ bản', en: 'Partially vaccinated' },
  full: { vi: 'Đã tiêm đủ liều cơ bản', en: 'Fully vaccinated (primary series)' },
  booster: { vi: 'Đã tiêm đủ liều cơ bản và mũi nhắc lại', en: 'Fully vaccinated with a booster' },
};

const MISSING = '—';
const text = (s: string | null | undefined) => {
  const t = (s ?? '').normalize('NFC').trim();
  return t === '' ? MISSING : t;
};
export function dmy(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : MISSING;
}
/** "Tỉnh Lạng Sơn" stays, "Lạng Sơn" becomes "Tỉnh Lạng Sơn". */
export function provinceTitle(name: string): string {
  return /^(tỉnh|thành phố)\s/iu.test(name.trim()) ? name.trim() : `Tỉnh ${name.trim()}`;
}

/** The QR code's modules (true = dark), medium error correction: a crease or a smudge still reads. */
export function qrMatrix(url: string): { size: number; dark: (x: number, y: number) => boolean } {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, dark: (x, y) => data[y * size + x] === 1 };
}

const MM = 72 / 25.4;
const MARGIN = 18 * MM;

export async function renderCertificatePdf(d: CertificatePdfData): Promise<Buffer> {
  const fonts = await loadFonts();
  const issuer = provinceTitle(text(d.provinceName));
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Giấy chứng nhận tiêm chủng COVID-19 số ${d.number}`, Author: `Sở Y tế ${issuer.replace(/^Tỉnh\s/u, 'tỉnh ')}`, Subject: text(d.person.fullName), Creator: 'Chống dịch' },
  });
  for (const n of Object.keys(fonts) as FontName[]) doc.registerFont(n, fonts[n]);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const green = '#1b6e3a';
  const centred = (font: FontName, s: string, size: number, x: number, w: number, y?: number, color = 'black') =>
    doc.font(font).fontSize(size).fillColor(color).text(s, x, y ?? doc.y, { width: w, align: 'center', lineGap: -1 });

  // Header: issuing authority left, national motto right.
  const top = MARGIN;
  const half = width / 2;
  centred('bold', 'UBND ' + issuer.toLocaleUpperCase('vi'), 10.5, left, half, top);
  centred('bold', 'SỞ Y TẾ', 10.5, left, half);
  const lineY = doc.y + 2;
  doc.moveTo(left + half * 0.35, lineY).lineTo(left + half * 0.65, lineY).lineWidth(0.6).stroke('black');
  centred('bold', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 10.5, left + half, half, top);
  centred('bold', 'Độc lập - Tự do - Hạnh phúc', 11, left + half, half);
  const lineY2 = doc.y + 2;
  doc.moveTo(left + half * 1.2, lineY2).lineTo(left + half * 1.8, lineY2).stroke('black');
  doc.y = Math.max(lineY, lineY2) + 22;

  centred('bold', 'GIẤY CHỨNG NHẬN TIÊM CHỦNG VẮC XIN PHÒNG COVID-19', 16, left, width, undefined, green);
  centred('italic', 'COVID-19 Vaccination Certificate', 11, left, width, undefined, '#333333');
  centred('regular', `Số / No.: ${d.number}/GCN-TCCOVID`, 10.5, left, width);
  doc.moveDown(1.2);

  // Person (left) and QR code (right).
  const qrSide = 48 * MM;
  const qrX = left + width - qrSide;
  const blockTop = doc.y;
  const infoW = width - qrSide - 8 * MM;
  const field = (vi: string, en: string, value: string, bold = false) => {
    doc.font('regular').fontSize(10).fillColor('#444444').text(`${vi} / ${en}`, left, doc.y, { width: infoW });
    doc.font(bold ? 'bold' : 'regular').fontSize(bold ? 14 : 12).fillColor('black').text(value, left, doc.y, { width: infoW });
    doc.y += 5;
  };
  field('Họ và tên', 'Full name', text(d.person.fullName).toLocaleUpperCase('vi'), true);
  field('Ngày sinh', 'Date of birth', dmy(d.person.birthDate));
  field('Giới tính', 'Sex', d.person.sex === 'M' ? 'Nam / Male' : d.person.sex === 'F' ? 'Nữ / Female' : MISSING);
  field('Nơi cư trú', 'Address', text(d.person.address));
  const infoBottom = doc.y;

  const m = qrMatrix(d.url);
  const quiet = 2;
  const cell = qrSide / (m.size + 2 * quiet);
  doc.rect(qrX, blockTop, qrSide, qrSide).fill('white');
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) if (m.dark(x, y)) doc.rect(qrX + (x + quiet) * cell, blockTop + (y + quiet) * cell, cell + 0.05, cell + 0.05);
  }
  doc.fill('black');
  centred('italic', 'Quét mã để xác minh / Scan to verify', 8.5, qrX - 4 * MM, qrSide + 8 * MM, blockTop + qrSide + 2, '#333333');
  doc.y = Math.max(infoBottom, doc.y) + 10;

  // Status.
  const st = STATUS_LABELS[d.status];
  const statusY = doc.y;
  doc.roundedRect(left, statusY, width, 30, 4).fillAndStroke(d.status === 'partial' ? '#fff4e0' : '#e6f4ea', d.status === 'partial' ? '#c77700' : green);
  doc.font('bold').fontSize(12.5).fillColor(d.status === 'partial' ? '#7a4a00' : green).text(`${st.vi} · ${st.en}`, left + 8, statusY + 8, { width: width - 16, align: 'center' });
  doc.y = statusY + 42;

  // Doses table.
  const cols = [
    { vi: 'Mũi', en: 'Dose', w: 0.2 },
    { vi: 'Ngày tiêm', en: 'Date', w: 0.14 },
    { vi: 'Vắc xin', en: 'Vaccine', w: 0.24 },
    { vi: 'Số lô', en: 'Lot', w: 0.14 },
    { vi: 'Nơi tiêm', en: 'Place', w: 0.28 },
  ];
  const colX: number[] = [];
  cols.reduce((x, c) => (colX.push(x), x + c.w * width), left);
  const pad = 4;
  const row = (cells: string[], font: FontName, size: number, fill?: string) => {
    const y = doc.y;
    doc.font(font).fontSize(size);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i].w * width - 2 * pad }))) + 2 * pad;
    if (y + h > doc.page.height - MARGIN - 80) {
      doc.addPage();
      return row(cells, font, size, fill);
    }
    if (fill) doc.rect(left, y, width, h).fill(fill);
    doc.fillColor('black');
    cells.forEach((c, i) => doc.font(font).fontSize(size).text(c, colX[i] + pad, y + pad, { width: cols[i].w * width - 2 * pad }));
    doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.4).stroke('#999999');
    doc.y = y + h;
  };
  row(cols.map((c) => `${c.vi}\n${c.en}`), 'bold', 9, '#eef2ee');
  d.doses.forEach((x, i) => row([DOSE_LABELS[x.kind].vi, dmy(x.date), text(x.productName), text(x.lotNumber), text(x.siteName)], 'regular', 10, i % 2 ? '#fafafa' : undefined));
  doc.y += 16;

  // Issued, signed.
  const issuedDay = new Date(d.issuedAt).toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
  const [yy, mo, dd] = issuedDay.split('-');
  const place = issuer.replace(/^(Tỉnh|Thành phố)\s+/u, '');
  // Decree 30/2020: days below 10 and months below 3 take a leading zero.
  const month = Number(mo) < 3 ? mo : String(Number(mo));
  doc.font('italic').fontSize(11).fillColor('black').text(`${place}, ngày ${dd} tháng ${month} năm ${yy}`, left + half, doc.y, { width: half, align: 'center' });
  doc.font('bold').fontSize(11).text('SỞ Y TẾ ' + issuer.replace(/^Tỉnh\s/u, '').toLocaleUpperCase('vi'), left + half, doc.y, { width: half, align: 'center' });
  doc.font('italic').fontSize(9.5).fillColor('#333333').text(`Đã ký số (${d.alg}, mã khóa ${d.kid})\nDigitally signed`, left + half, doc.y + 2, { width: half, align: 'center' });

  if (d.revoked) {
    doc.save().rotate(-30, { origin: [doc.page.width / 2, doc.page.height / 2] });
    doc.font('bold').fontSize(54).fillColor('#c00000', 0.35).text('ĐÃ THU HỒI', 0, doc.page.height / 2 - 30, { width: doc.page.width, align: 'center' });
    doc.restore();
  }

  // Footer: how to verify.
  const footer = `Xác minh giấy chứng nhận: quét mã QR bằng điện thoại, hoặc mở ${d.verifyAddress} và dán mã. Chữ ký được kiểm tra ngay trên điện thoại, không gửi dữ liệu cá nhân đi đâu. / Verify: scan the QR code, or open ${d.verifyAddress} and paste the code; the signature is checked on the phone itself.`;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc.font('regular').fontSize(8).fillColor('#555555').text(footer, left, doc.page.height - MARGIN - 20, { width });
  doc.page.margins.bottom = bottom;
  doc.end();
  return done;
}
