// The printable quarantine / isolation decision of a commune People's Committee (A4, Vietnamese),
// laid out after the administrative document format of Decree 30/2020/NĐ-CP.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

export interface DecisionPdfData {
  decisionNo: string;
  issuedOn: string;
  provinceName: string;
  communeName: string;
  districtName: string | null;
  kind: 'quarantine' | 'isolation';
  place: 'home' | 'centralised' | 'hospital';
  facilityName: string | null;
  person: { fullName: string; birthDate: string | null; sex: 'M' | 'F' | null; cccd: string | null; phone: string | null; address: string | null };
  reason: string;
  startDate: string;
  endDate: string;
  monitorUntil: string;
  testDays: { day: number; date: string }[];
  policy: { key: string; version: number; source: string; rule: string };
  signerTitle: string;
}

const MISSING = '—';

// Fontsource packages split a face into unicode-range subsets (latin, latin-ext, vietnamese), and a PDF
// needs one file holding every glyph of the text, so the full Noto Serif TTFs are embedded instead.
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif/700Bold/NotoSerif_700Bold.ttf',
  italic: '@expo-google-fonts/noto-serif/400Regular_Italic/NotoSerif_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/noto-serif/700Bold_Italic/NotoSerif_700Bold_Italic.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;

let fontBytes: Promise<Record<FontName, Buffer>> | null = null;

function loadFonts(): Promise<Record<FontName, Buffer>> {
  if (!fontBytes) {
    const require = createRequire(import.meta.url);
    const names = Object.keys(FONT_FILES) as FontName[];
    fontBytes = Promise.all(names.map((n) => readFile(require.resolve(FONT_FILES[n])))).then((bufs) =>
      Object.fromEntries(names.map((n, i) => [n, bufs[i]])) as Record<FontName, Buffer>,
    );
    fontBytes.catch(() => {
      fontBytes = null;
    });
  }
  return fontBytes;
}

// ---- text helpers ----

// Signs that Noto Serif lacks, written out the way they are typed when no such key is at hand.
const NO_GLYPH: Record<string, string> = { '≤': '<=', '≥': '>=', '≠': '<>' };

/** The value as printed: NFC (imports may bring decomposed diacritics), "—" when empty. */
function text(s: string | null | undefined): string {
  const t = (s ?? '').normalize('NFC').replace(/[≤≥≠]/gu, (c) => NO_GLYPH[c]).trim();
  return t === '' ? MISSING : t;
}

function isoParts(iso: string | null | undefined): [string, string, string] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return m ? [m[1], m[2], m[3]] : null;
}

/** dd/mm/yyyy, or "—" when there is no date. */
export function formatDate(iso: string | null | undefined): string {
  const p = isoParts(iso);
  if (p) return `${p[2]}/${p[1]}/${p[0]}`;
  return text(iso);
}

/** "ngày 05 tháng 02 năm 2026": Decree 30 pads days below 10 and months below 3 with a zero. */
function issuedDateLine(iso: string): string {
  const p = isoParts(iso);
  if (!p) return `ngày ... tháng ... năm ${MISSING}`;
  const month = Number(p[1]);
  return `ngày ${p[2]} tháng ${month < 3 ? p[1] : String(month)} năm ${p[0]}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

function upper(s: string): string {
  return s.toLocaleUpperCase('vi');
}

/** 'Xã Tân Thành' → 'Tân Thành' (the place name written before the date). */
function placeName(unitName: string): string {
  return unitName.replace(/^(xã|phường|thị trấn|đặc khu)\s+/iu, '');
}

/** Seeded sources carry internal references such as "(domain.md §4)" that do not belong on paper. */
function citedSource(source: string): string {
  return text(source.replace(/\s*\((?:[^()]*\bdomain\.md\b[^()]*)\)\s*$/u, '')).replace(/[.;]\s*$/u, '');
}

function sexLabel(sex: 'M' | 'F' | null): string {
  return sex === 'M' ? 'Nam' : sex === 'F' ? 'Nữ' : MISSING;
}

function honorific(sex: 'M' | 'F' | null): string {
  return sex === 'M' ? 'ông' : sex === 'F' ? 'bà' : 'ông (bà)';
}

function signerLines(title: string): string[] {
  const lines = text(title).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  // "TM. ỦY BAN NHÂN DÂN" signs on behalf of the committee; the position of the signer follows it.
  if (lines.length === 1 && /^TM\./iu.test(lines[0])) lines.push('CHỦ TỊCH');
  return lines.map(upper);
}

function placeLine(d: DecisionPdfData): string {
  const facility = text(d.facilityName);
  if (d.place === 'home') {
    return d.kind === 'quarantine' ? 'Cách ly tại nhà, tại nơi cư trú nêu trên' : 'Cách ly, điều trị tại nhà, tại nơi cư trú nêu trên';
  }
  if (d.place === 'centralised') {
    return d.kind === 'quarantine' ? `Cách ly tập trung tại ${facility}` : `Cách ly, điều trị tại cơ sở thu dung, điều trị: ${facility}`;
  }
  return d.kind === 'quarantine' ? `Cách ly tại cơ sở y tế: ${facility}` : `Cách ly, điều trị tại cơ sở y tế: ${facility}`;
}

// ---- layout ----

const MM = 72 / 25.4;
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const BODY_SIZES = [13, 12.5, 12, 11.5, 11];
const SIGNATURE_SPACE = 22 * MM;
const FOOTER_Y = 10 * MM; // from the bottom edge

interface Rendered {
  pdf: Buffer;
  pages: number;
}

/**
 * Renders the decision on one A4 page when it fits: the body size steps down from 13 pt to 11 pt
 * for long addresses or many test days, and only then is a second page allowed.
 */
export async function renderDecisionPdf(d: DecisionPdfData): Promise<Buffer> {
  const fonts = await loadFonts();
  let last: Rendered | null = null;
  for (const size of BODY_SIZES) {
    last = await renderAt(d, fonts, size);
    if (last.pages === 1) break;
  }
  return last!.pdf;
}

function renderAt(d: DecisionPdfData, fonts: Record<FontName, Buffer>, body: number): Promise<Rendered> {
  const kindLabel = d.kind === 'quarantine' ? 'cách ly y tế' : 'cách ly điều trị';
  const commune = text(d.communeName);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    info: {
      Title: `Quyết định ${text(d.decisionNo)} về việc áp dụng biện pháp ${kindLabel}`,
      Author: `Ủy ban nhân dân ${lowerFirst(commune)}`,
      Subject: text(d.person.fullName),
      Creator: 'Chống dịch',
    },
  });
  for (const name of Object.keys(fonts) as FontName[]) doc.registerFont(name, fonts[name]);

  const chunks: Buffer[] = [];
  let pages = 1;
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.on('pageAdded', () => {
    pages += 1;
  });
  const done = new Promise<Rendered>((resolve, reject) => {
    doc.on('end', () => resolve({ pdf: Buffer.concat(chunks), pages }));
    doc.on('error', reject);
  });

  const left = MARGIN.left;
  const width = doc.page.width - MARGIN.left - MARGIN.right;
  const small = body - 1;
  // Noto Serif's own leading is about 1.36 em; Vietnamese documents are set closer, near 1.2 em.
  const lineGap = -0.16 * body;
  const paraGap = body * 0.25;
  const itemGap = body * 0.05;
  const indent = 10 * MM;

  const headGap = (size: number): number => -0.12 * size;
  const gap = (lines: number): void => {
    doc.y += lines * body;
  };
  /** Shrinks a one-line heading until it fits its column. */
  const fitSize = (font: FontName, s: string, size: number, max: number): number => {
    doc.font(font).fontSize(size);
    const w = doc.widthOfString(s);
    return w > max ? (size * max) / w : size;
  };
  const centred = (font: FontName, s: string, size: number, x: number, w: number, y?: number): void => {
    doc.font(font).fontSize(fitSize(font, s, size, w));
    doc.text(s, x, y ?? doc.y, { width: w, align: 'center', lineGap: headGap(size) });
  };
  const underline = (font: FontName, s: string, size: number, x: number, w: number, fraction: number): void => {
    const fitted = fitSize(font, s, size, w);
    doc.font(font).fontSize(fitted);
    const len = Math.min(doc.widthOfString(s), w) * fraction;
    const y = doc.y + 0.3 * fitted; // below the descenders, which the tight leading overlaps
    doc.moveTo(x + (w - len) / 2, y).lineTo(x + (w + len) / 2, y).lineWidth(0.6).stroke();
    doc.y = y + 0.25 * fitted;
  };
  const paragraph = (runs: [FontName, string][], opts: { indent?: number; after?: number } = {}): void => {
    doc.x = left;
    runs.forEach(([font, s], i) => {
      doc.font(font).fontSize(body).text(s, {
        width,
        align: 'justify',
        indent: opts.indent ?? indent,
        lineGap,
        continued: i < runs.length - 1,
      });
    });
    doc.y += opts.after ?? paraGap;
  };
  /** A line of a list inside an article: set closer than paragraphs. */
  const item = (runs: [FontName, string][]): void => paragraph(runs, { after: itemGap });

  // Header: the issuing authority on the left, the national motto on the right.
  const leftW = width * 0.4;
  const rightX = left + leftW;
  const rightW = width - leftW + 5 * MM; // the motto may reach into the right margin, as on paper
  const top = MARGIN.top;
  centred('bold', 'ỦY BAN NHÂN DÂN', small, left - 12 * MM, leftW + 12 * MM, top);
  centred('bold', upper(commune), small, left - 12 * MM, leftW + 12 * MM);
  underline('bold', upper(commune), small, left - 12 * MM, leftW + 12 * MM, 0.4);
  gap(0.2);
  centred('regular', `Số: ${text(d.decisionNo)}`, small, left - 12 * MM, leftW + 12 * MM);
  const leftBottom = doc.y;

  centred('bold', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', small, rightX, rightW, top);
  centred('bold', 'Độc lập - Tự do - Hạnh phúc', body, rightX, rightW);
  underline('bold', 'Độc lập - Tự do - Hạnh phúc', body, rightX, rightW, 1);
  gap(0.2);
  centred('italic', `${placeName(commune)}, ${issuedDateLine(d.issuedOn)}`, body, rightX, rightW);
  doc.y = Math.max(leftBottom, doc.y) + body * 0.9;

  // Title and the authority that decides.
  centred('bold', 'QUYẾT ĐỊNH', body + 1, left, width);
  centred('bold', `Về việc áp dụng biện pháp ${kindLabel}`, body, left, width);
  underline('bold', `Về việc áp dụng biện pháp ${kindLabel}`, body, left, width, 0.35);
  gap(0.4);
  const collective = /^TM\./iu.test(text(d.signerTitle));
  centred('bold', `${collective ? '' : 'CHỦ TỊCH '}ỦY BAN NHÂN DÂN ${upper(commune)}`, body, left, width);
  gap(0.4);

  const healthStation = `Trạm Y tế ${lowerFirst(commune)}`;
  item([['italic', 'Căn cứ Luật Tổ chức chính quyền địa phương;']]);
  item([['italic', 'Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007;']]);
  item([['italic', `Căn cứ ${citedSource(d.policy.source)};`]]);
  paragraph([['italic', `Theo đề nghị của ${healthStation}.`]]);
  centred('bold', 'QUYẾT ĐỊNH:', body, left, width);
  gap(0.3);

  // Điều 1: the person, the place and the period.
  const p = d.person;
  paragraph([['bold', 'Điều 1. '], ['regular', `Áp dụng biện pháp ${kindLabel} đối với:`]]);
  item([['regular', '- Họ và tên: '], ['bold', text(p.fullName)]]);
  item([['regular', `- Ngày sinh: ${formatDate(p.birthDate)};    Giới tính: ${sexLabel(p.sex)}`]]);
  item([['regular', `- Số CCCD: ${text(p.cccd)};    Số điện thoại: ${text(p.phone)}`]]);
  item([['regular', `- Nơi cư trú: ${text(p.address)}`]]);
  item([['regular', `- Lý do: ${text(d.reason)}`]]);
  item([['regular', `- Hình thức, địa điểm: ${placeLine(d)}`]]);
  paragraph([
    ['regular', '- Thời gian: từ ngày '],
    ['bold', formatDate(d.startDate)],
    ['regular', ' đến ngày '],
    ['bold', formatDate(d.endDate)],
    ['regular', '; sau đó tự theo dõi sức khỏe đến ngày '],
    ['bold', formatDate(d.monitorUntil)],
    ['regular', '.'],
  ]);

  // Điều 2: what the person must do.
  const onSite =
    d.place === 'home'
      ? '1. Ở tại nơi cách ly trong suốt thời gian cách ly; không ra khỏi nhà, không tiếp xúc với người khác, không tiếp khách.'
      : '1. Ở tại nơi cách ly trong suốt thời gian cách ly; chấp hành nội quy của cơ sở, không tự ý rời khỏi nơi cách ly.';
  const report =
    d.kind === 'isolation'
      ? `3. Theo dõi sức khỏe 2 lần mỗi ngày (nhịp thở, mạch, nhiệt độ, SpO₂) và báo cáo hằng ngày cho ${healthStation} hoặc Tổ COVID cộng đồng; báo ngay khi khó thở, SpO₂ từ 96% trở xuống hoặc có dấu hiệu bất thường.`
      : `3. Tự theo dõi và báo cáo sức khỏe hằng ngày cho ${healthStation} hoặc Tổ COVID cộng đồng; báo ngay khi có sốt, ho, đau họng, khó thở, mất vị giác hoặc khứu giác.`;
  paragraph([['bold', 'Điều 2. '], ['regular', 'Người được áp dụng biện pháp cách ly có trách nhiệm:']]);
  item([['regular', onSite]]);
  item([['regular', '2. Thực hiện nghiêm Thông điệp 5K: Khẩu trang - Khử khuẩn - Khoảng cách - Không tụ tập - Khai báo y tế.']]);
  item([['regular', report]]);
  if (d.testDays.length === 0) {
    item([['regular', '4. Xét nghiệm theo chỉ định của cơ quan y tế.']]);
  } else {
    item([['regular', '4. Xét nghiệm SARS-CoV-2 theo lịch sau:']]);
    const items = d.testDays.map((t, i) => `- Xét nghiệm ngày thứ ${t.day} (${formatDate(t.date)})${i === d.testDays.length - 1 ? '.' : ';'}`);
    // Up to four tests stand one a line; a longer schedule runs in two columns, row by row, set
    // smaller if need be so that no item wraps.
    const cols = items.length > 4 ? 2 : 1;
    const x0 = left + indent * (cols === 1 ? 2 : 1);
    const colW = (left + width - x0) / cols;
    const widest = items.reduce((a, b) => (a.length >= b.length ? a : b));
    doc.font('regular').fontSize(Math.min(body, fitSize('regular', widest, body, colW - 6)));
    for (let r = 0; r < items.length; r += cols) {
      const y = doc.y;
      let bottom = y;
      for (let c = 0; c < cols && r + c < items.length; c++) {
        doc.text(items[r + c], x0 + c * colW, y, { width: colW, lineGap });
        bottom = Math.max(bottom, doc.y);
      }
      doc.y = bottom + itemGap;
    }
  }

  // Điều 3: who carries the decision out.
  const who = `${honorific(p.sex)} ${text(p.fullName)}`;
  paragraph([
    ['bold', 'Điều 3. '],
    [
      'regular',
      `Quyết định này có hiệu lực kể từ ngày ký. ${healthStation}, Tổ COVID cộng đồng nơi ${who} cư trú và ${who} chịu trách nhiệm thi hành Quyết định này./.`,
    ],
  ]);

  // Recipients bottom-left, signature block right, side by side.
  const signer = signerLines(d.signerTitle);
  const recipients = ['- Như Điều 3;'];
  if (d.districtName) {
    const district = lowerFirst(text(d.districtName));
    recipients.push(`- UBND ${district} (để b/c);`, `- Trung tâm Y tế ${district};`);
  } else {
    recipients.push(`- Sở Y tế ${lowerFirst(text(d.provinceName))} (để b/c);`);
  }
  recipients.push('- Lưu: VT.');

  gap(0.5);
  // Printed lines stay inside the margins; the blank left for the signature and seal may run on
  // into the bottom margin, down to the footer line.
  const textBottom = doc.page.height - MARGIN.bottom;
  const lineH = (font: FontName, size: number): number => doc.font(font).fontSize(size).currentLineHeight(true) + headGap(size);
  const recipientsH = lineH('boldItalic', small) + recipients.length * lineH('regular', small - 1);
  const signerTextH = signer.length * lineH('bold', body);
  const fits = doc.y + Math.max(recipientsH, signerTextH) <= textBottom && doc.y + signerTextH + SIGNATURE_SPACE <= doc.page.height - FOOTER_Y;
  if (!fits) doc.addPage();
  const blockTop = doc.y;

  doc.font('boldItalic').fontSize(small).text('Nơi nhận:', left, blockTop, { width: width * 0.45, lineGap: headGap(small) });
  doc.font('regular').fontSize(small - 1);
  for (const r of recipients) doc.text(r, left, doc.y, { width: width * 0.45, lineGap: headGap(small - 1) });

  const signW = width * 0.5;
  const signX = left + width - signW + 5 * MM;
  doc.y = blockTop;
  for (const l of signer) centred('bold', l, body, signX, signW);

  // A small trace of the rule that set the dates, in the bottom margin.
  let footer = `Quy định áp dụng: ${text(d.policy.key)} (phiên bản ${d.policy.version}) — ${text(d.policy.rule)}`;
  doc.font('italic').fontSize(7.5);
  while (doc.widthOfString(footer) > width && footer.length > 1) footer = `${footer.slice(0, -2).trimEnd()}…`;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // else pdfkit would start a new page for text below the margin
  doc.fillColor('#555555').text(footer, left, doc.page.height - FOOTER_Y, { width, lineBreak: false });
  doc.page.margins.bottom = bottom;
  doc.fillColor('black');

  doc.end();
  return done;
}
