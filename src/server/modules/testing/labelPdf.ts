// Printable barcode labels (A4 sheet of 3 × 8 labels of 70 × 37 mm, the common self-adhesive
// sheet): a Code 128 barcode drawn as bars, the code in text, and the person's name and birth
// year or the pool's size when known. Noto Serif is embedded for the Vietnamese names (as in the
// quarantine decision).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { code128Widths } from '../../../domain/testing/code128.ts';

export interface Label {
  barcode: string;
  /** First line under the code: a name, "Mẫu gộp (≤ 10)"… */
  line1?: string | null;
  /** Second line: birth year, site and date. */
  line2?: string | null;
}

const FONT = '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf';
const FONT_BOLD = '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf';
let fonts: Promise<[Buffer, Buffer]> | null = null;
function loadFonts() {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    fonts = Promise.all([readFile(require.resolve(FONT)), readFile(require.resolve(FONT_BOLD))]);
    fonts.catch(() => (fonts = null));
  }
  return fonts;
}

const MM = 72 / 25.4;
const SHEET = { cols: 3, rows: 8, width: 70 * MM, height: 37 * MM, top: 0.5 * MM, left: 0 };
/** Narrowest bar: 0.25 mm reads with any phone camera or handheld scanner. */
const MODULE = 0.25 * MM;
const QUIET = 10; // modules of white either side

function clip(doc: PDFKit.PDFDocument, s: string, width: number): string {
  let t = s.normalize('NFC');
  while (t.length > 1 && doc.widthOfString(t) > width) t = t.slice(0, -2).trimEnd() + '…';
  return t;
}

/** `compress: false` leaves the page content readable (tests read the bars back). */
export async function renderLabels(labels: Label[], opts: { compress?: boolean } = {}): Promise<Buffer> {
  const [regular, bold] = await loadFonts();
  const doc = new PDFDocument({ size: 'A4', margin: 0, compress: opts.compress ?? true, info: { Title: 'Nhãn mã vạch mẫu xét nghiệm', Creator: 'Chống dịch' } });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const perPage = SHEET.cols * SHEET.rows;
  labels.forEach((l, i) => {
    if (i > 0 && i % perPage === 0) doc.addPage();
    const k = i % perPage;
    const x0 = SHEET.left + (k % SHEET.cols) * SHEET.width;
    const y0 = SHEET.top + Math.floor(k / SHEET.cols) * SHEET.height;
    const widths = code128Widths(l.barcode);
    const modules = widths.reduce((a, b) => a + b, 0) + 2 * QUIET;
    const inner = SHEET.width - 6 * MM;
    const module = Math.min(MODULE * 1.6, inner / modules);
    const barsW = modules * module;
    let x = x0 + (SHEET.width - barsW) / 2 + QUIET * module;
    const barTop = y0 + 4 * MM;
    const barH = 14 * MM;
    widths.forEach((w, j) => {
      if (j % 2 === 0) doc.rect(x, barTop, w * module, barH).fill('black');
      x += w * module;
    });
    const textW = SHEET.width - 6 * MM;
    const tx = x0 + 3 * MM;
    doc.font('bold').fontSize(10).fillColor('black').text(l.barcode, tx, barTop + barH + 1 * MM, { width: textW, align: 'center', lineBreak: false });
    doc.font('regular').fontSize(8.5);
    if (l.line1) doc.text(clip(doc, l.line1, textW), tx, barTop + barH + 5.5 * MM, { width: textW, align: 'center', lineBreak: false });
    if (l.line2) doc.fontSize(7.5).text(clip(doc, l.line2, textW), tx, barTop + barH + 9.5 * MM, { width: textW, align: 'center', lineBreak: false });
  });
  if (!labels.length) doc.font('regular').fontSize(12).text('Không có nhãn', 20 * MM, 20 * MM);
  doc.end();
  return done;
}
