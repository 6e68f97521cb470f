// The daily report's files: an Excel workbook (one sheet per section, as sent upward) and an A4
// PDF in Vietnamese with the embedded Noto Serif (as the commune decisions, cases/decisionPdf.ts).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { fmtDate, fmtDateTime, fmtNum, sections, UNIT_LEVEL_VI, type ReportData } from './data.ts';

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
  italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
} as const;
let fonts: Promise<Record<keyof typeof FONT_FILES, Buffer>> | null = null;
function loadFonts() {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    const names = Object.keys(FONT_FILES) as (keyof typeof FONT_FILES)[];
    fonts = Promise.all(names.map((n) => readFile(require.resolve(FONT_FILES[n])))).then((b) => Object.fromEntries(names.map((n, i) => [n, b[i]])) as Record<keyof typeof FONT_FILES, Buffer>);
    fonts.catch(() => (fonts = null));
  }
  return fonts;
}

const pctText = (x: number | null) => (x == null ? '—' : `${fmtNum(x, 1)} %`);

export async function reportXlsx(d: ReportData): Promise<Buffer> {
  const s = sections(d);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'chongdich';
  wb.created = new Date();
  const head = (ws: ExcelJS.Worksheet, cols: string[]) => {
    ws.addRow([s.title]).font = { bold: true, size: 13 };
    ws.addRow([`Đơn vị: ${s.unitTitle}`]);
    ws.addRow([]);
    const r = ws.addRow(cols);
    r.font = { bold: true };
    r.eachCell((c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE9ECEF' } }));
  };
  const tri = (ws: ExcelJS.Worksheet, rows: [string, { day: number; week: number; prevWeek: number }][]) => {
    for (const [label, f] of rows) ws.addRow([label, f.day, f.week, f.prevWeek]);
  };
  const sit = wb.addWorksheet('1. Tình hình chung');
  head(sit, ['Nội dung']);
  for (const l of s.situation) sit.addRow([l]);
  sit.getColumn(1).width = 120;

  const cases = wb.addWorksheet('2. Ca mắc');
  head(cases, ['Chỉ tiêu', 'Trong ngày', '7 ngày', '7 ngày trước']);
  tri(cases, s.cases);
  cases.addRow([]);
  cases.addRow(['Ngày', 'Ca cộng đồng (ngày báo cáo)', 'Ca trong khu cách ly', 'Ca theo ngày khởi phát', 'Tử vong']).font = { bold: true };
  d.curve.days.forEach((day, i) => cases.addRow([fmtDate(day), d.curve.community[i], d.curve.quarantine[i], d.curve.onset[i], d.curve.deaths[i]]));

  const tests = wb.addWorksheet('3. Xét nghiệm');
  head(tests, ['Chỉ tiêu', 'Trong ngày', '7 ngày', '7 ngày trước']);
  tri(tests, s.testing);
  tests.addRow(['Tỷ lệ dương tính (%)', s.positivity.day, s.positivity.week, s.positivity.prevWeek]);

  const vacc = wb.addWorksheet('4. Tiêm chủng');
  head(vacc, ['Chỉ tiêu', 'Trong ngày', '7 ngày', '7 ngày trước']);
  tri(vacc, s.vaccination);
  vacc.addRow([]);
  for (const [label, v] of s.coverage) vacc.addRow([label, v]);

  const treat = wb.addWorksheet('5. Cách ly, điều trị');
  head(treat, ['Chỉ tiêu', 'Số lượng']);
  for (const r of s.treatment) treat.addRow(r);

  const lv = wb.addWorksheet('6. Cấp độ dịch');
  head(lv, [`Đơn vị (${UNIT_LEVEL_VI[d.children[0]?.unitLevel ?? 'district']})`, 'Cấp độ chính thức', 'Kết quả đánh giá', 'Ca/100.000 dân/7 ngày', 'Tỷ lệ 18+ tiêm ≥1 mũi (%)']);
  for (const r of s.levels) lv.addRow(r);

  const me = wb.addWorksheet('7. Biện pháp');
  head(me, ['Biện pháp đã triển khai']);
  for (const l of s.measures.length ? s.measures : ['Không có quyết định mới trong ngày.']) me.addRow([l]);
  for (const ws of wb.worksheets) {
    if (ws.name !== '1. Tình hình chung' && ws.name !== '7. Biện pháp') {
      ws.getColumn(1).width = 46;
      for (let i = 2; i <= 5; i++) ws.getColumn(i).width = 20;
    } else ws.getColumn(1).width = 120;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function reportPdf(d: ReportData): Promise<Buffer> {
  const f = await loadFonts();
  const s = sections(d);
  const doc = new PDFDocument({ size: 'A4', margins: { top: 50, bottom: 50, left: 60, right: 50 }, info: { Title: `${s.title} – ${s.unitTitle}`, Author: 'chongdich' } });
  doc.registerFont('r', f.regular);
  doc.registerFont('b', f.bold);
  doc.registerFont('i', f.italic);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((ok) => doc.on('end', () => ok(Buffer.concat(chunks))));
  const W = doc.page.width - 110;
  const left = 60;

  // Header: the issuing body left, the national motto right (Decree 30/2020 layout).
  const top = doc.y;
  doc.font('r').fontSize(11).text(`UBND ${d.provinceName.toUpperCase()}`, left, top, { width: W * 0.45, align: 'center' });
  doc.font('b').text('BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH', { width: W * 0.45, align: 'center' });
  doc.font('b').fontSize(11).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + W * 0.45, top, { width: W * 0.55, align: 'center' });
  doc.font('b').text('Độc lập - Tự do - Hạnh phúc', { width: W * 0.55, align: 'center' });
  doc.moveDown(0.3);
  const [yy, mm, dd] = d.date.split('-');
  doc.font('i').fontSize(11).text(`${d.provinceName.replace(/^Tỉnh\s+/u, '')}, ngày ${dd} tháng ${mm} năm ${yy}`, left + W * 0.45, doc.y, { width: W * 0.55, align: 'center' });
  doc.moveDown(1.2);
  doc.font('b').fontSize(14).text(s.title, left, doc.y, { width: W, align: 'center' });
  doc.font('r').fontSize(11).text(s.unitTitle, { width: W, align: 'center' });
  doc.moveDown(0.8);

  const h2 = (t: string) => {
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.moveDown(0.5).font('b').fontSize(12).text(t, left, doc.y, { width: W });
    doc.moveDown(0.2);
  };
  const para = (t: string) => doc.font('r').fontSize(11).text(t, left, doc.y, { width: W, align: 'justify' });
  const table = (cols: string[], rows: (string | number)[][], widths: number[]) => {
    const row = (cells: (string | number)[], bold: boolean) => {
      if (doc.y > doc.page.height - 80) doc.addPage();
      const y = doc.y;
      let x = left;
      let hMax = 0;
      doc.font(bold ? 'b' : 'r').fontSize(10);
      cells.forEach((c, i) => {
        const w = widths[i] * W;
        const txt = typeof c === 'number' ? fmtNum(c) : c;
        const hh = doc.heightOfString(txt, { width: w - 8 });
        hMax = Math.max(hMax, hh);
        doc.text(txt, x + 4, y + 3, { width: w - 8, align: i === 0 ? 'left' : 'right' });
        x += w;
      });
      const rh = hMax + 6;
      doc.lineWidth(0.5).rect(left, y, W, rh).stroke();
      let xx = left;
      for (let i = 0; i < widths.length - 1; i++) {
        xx += widths[i] * W;
        doc.moveTo(xx, y).lineTo(xx, y + rh).stroke();
      }
      doc.y = y + rh;
      doc.x = left;
    };
    row(cols, true);
    for (const r of rows) row(r, false);
  };
  const tri = ['Chỉ tiêu', 'Trong ngày', '7 ngày', '7 ngày trước'];
  const triW = [0.46, 0.18, 0.18, 0.18];

  h2('I. TÌNH HÌNH CHUNG');
  for (const l of s.situation) para(l);
  h2('II. CA MẮC');
  table(tri, s.cases.map(([l, v]) => [l, v.day, v.week, v.prevWeek]), triW);
  h2('III. XÉT NGHIỆM');
  table(tri, [...s.testing.map(([l, v]) => [l, v.day, v.week, v.prevWeek]), ['Tỷ lệ dương tính', pctText(s.positivity.day), pctText(s.positivity.week), pctText(s.positivity.prevWeek)]], triW);
  h2('IV. TIÊM CHỦNG');
  table(tri, s.vaccination.map(([l, v]) => [l, v.day, v.week, v.prevWeek]), triW);
  doc.moveDown(0.3);
  table(['Độ bao phủ', 'Tỷ lệ'], s.coverage.map(([l, v]) => [l, pctText(v)]), [0.7, 0.3]);
  h2('V. CÁCH LY, ĐIỀU TRỊ');
  table(['Chỉ tiêu', 'Số lượng'], s.treatment, [0.7, 0.3]);
  h2('VI. CẤP ĐỘ DỊCH THEO ĐƠN VỊ');
  if (s.levels.length) table(['Đơn vị', 'Cấp chính thức', 'Đánh giá', 'Ca/100.000/7 ngày', '18+ ≥1 mũi (%)'.replace('≥', '>=')], s.levels, [0.34, 0.17, 0.15, 0.17, 0.17]);
  else para('Không có đơn vị trực thuộc.');
  h2('VII. CÁC BIỆN PHÁP ĐÃ TRIỂN KHAI');
  for (const l of s.measures.length ? s.measures : ['Không có quyết định mới trong ngày.']) para(`- ${l}`);
  doc.moveDown(1.5);
  doc.font('i').fontSize(9).text(`Số liệu tổng hợp từ hệ thống chongdich lúc ${fmtDateTime(new Date().toISOString())}; ca mắc theo ngày báo cáo, ca nặng là ca cần hỗ trợ oxy (nặng, nguy kịch).`, left, doc.y, { width: W });
  doc.end();
  return done;
}
