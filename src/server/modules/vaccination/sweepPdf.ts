// The printed sweep list (A4 portrait, Vietnamese): households in walking order, each person with
// the dose due and a tick box per outcome, a line for the reason; the refusals on a page of their
// own. Noto Serif embedded for the Vietnamese names (as the quarantine decision).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { SweepList, SweepPerson } from '../../../domain/vaccination/sweep.ts';

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
const PAGE = { width: 210 * MM, height: 297 * MM, margin: 12 * MM };
const OUTCOMES = ['Đã tiêm', 'Từ chối', 'Vắng', 'Chuyển đi', 'Chống CĐ'];
const DOSE_LABEL: Record<string, string> = { primary_1: 'Mũi 1', primary_2: 'Mũi 2', primary_3: 'Mũi 3', additional: 'Mũi bổ sung', booster_1: 'Nhắc lại 1', booster_2: 'Nhắc lại 2' };

export const dmy = (iso: string | null) => (iso ? iso.slice(0, 10).split('-').reverse().join('/') : '');

function clip(doc: PDFKit.PDFDocument, s: string, width: number): string {
  let t = s.normalize('NFC');
  while (t.length > 1 && doc.widthOfString(t) > width) t = t.slice(0, -2).trimEnd() + '…';
  return t;
}

function flags(p: SweepPerson): string {
  const f: string[] = [];
  if (p.bedridden) f.push('nằm liệt giường');
  if (p.comorbidity) f.push('bệnh nền');
  if (p.immunocompromised) f.push('suy giảm miễn dịch');
  if (p.status.state === 'overdue') f.push('quá hạn');
  if (p.mark === 'absent' && p.lastVisit) f.push(`vắng ${dmy(p.lastVisit.day)}`);
  if (p.homeRequest) f.push('đã đăng ký tiêm tại nhà');
  return f.join(', ');
}

export async function renderSweepPdf(list: SweepList & { unit: { name: string; communeName: string; level: string }; day: string }, meta: { provinceName: string; printedBy: string }): Promise<Buffer> {
  const [regular, bold] = await loadFonts();
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, info: { Title: `Danh sách rà soát tiêm chủng — ${list.unit.name}`, Creator: 'Chống dịch' } });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = PAGE.margin;
  const right = PAGE.width - PAGE.margin;
  const bottom = PAGE.height - PAGE.margin - 8 * MM;
  const boxW = 15 * MM;
  const boxesX = right - OUTCOMES.length * boxW;
  const nameW = boxesX - left - 42 * MM;
  let page = 1;

  const header = (first: boolean) => {
    doc.font('bold').fontSize(first ? 13 : 10).text(`DANH SÁCH RÀ SOÁT TIÊM VẮC XIN COVID-19 — ${list.unit.name.toLocaleUpperCase('vi')}`, left, PAGE.margin, { width: right - left });
    if (first) {
      doc.font('regular').fontSize(9.5);
      const where = list.unit.level === 'village' ? `${list.unit.name}, ${list.unit.communeName}` : list.unit.name;
      doc.text(`${where}, ${meta.provinceName}. Ngày lập danh sách: ${dmy(list.day)}. Người in: ${meta.printedBy}.`, { width: right - left });
      doc.text(
        `${list.counts.households} hộ, ${list.counts.people} người cần tiêm (${list.counts.highRisk} nguy cơ cao, ${list.counts.overdue} quá hạn); ${list.counts.refused} người từ chối ở trang cuối. Hộ có người nguy cơ cao (!) đi trước trong mỗi thôn. Đánh dấu ✓ một ô cho mỗi người; từ chối, chống chỉ định: ghi lý do.`.replace('✓', 'X'),
        { width: right - left },
      );
    }
    doc.moveDown(0.4);
    const y = doc.y;
    doc.font('bold').fontSize(8.5);
    doc.text('Họ và tên', left + 4 * MM, y, { width: nameW });
    doc.text('Năm sinh', left + 4 * MM + nameW, y, { width: 14 * MM });
    doc.text('Mũi cần tiêm', left + 4 * MM + nameW + 14 * MM, y, { width: 24 * MM });
    OUTCOMES.forEach((o, i) => doc.text(o, boxesX + i * boxW, y, { width: boxW, align: 'center' }));
    doc.moveTo(left, doc.y + 1).lineTo(right, doc.y + 1).lineWidth(0.6).stroke();
    doc.y += 3;
  };
  const footer = () => {
    doc.font('regular').fontSize(8).text(`Trang ${page}`, left, PAGE.height - PAGE.margin - 4 * MM, { width: right - left, align: 'right', lineBreak: false });
  };
  const newPage = () => {
    footer();
    doc.addPage();
    page++;
    header(false);
  };
  const personLine = (p: SweepPerson) => {
    const rowH = 9 * MM;
    if (doc.y + rowH > bottom) newPage();
    const y = doc.y;
    doc.font(p.highRisk ? 'bold' : 'regular').fontSize(9.5);
    doc.text(clip(doc, p.fullName, nameW - 2), left + 4 * MM, y, { width: nameW, lineBreak: false });
    doc.font('regular').fontSize(9);
    doc.text(p.birthDate ? p.birthDate.slice(0, 4) : '', left + 4 * MM + nameW, y, { width: 14 * MM, lineBreak: false });
    doc.text(DOSE_LABEL[p.status.nextKind ?? ''] ?? '', left + 4 * MM + nameW + 14 * MM, y, { width: 24 * MM, lineBreak: false });
    OUTCOMES.forEach((_, i) => doc.rect(boxesX + i * boxW + (boxW - 3.6 * MM) / 2, y, 3.6 * MM, 3.6 * MM).lineWidth(0.7).stroke());
    const f = flags(p);
    doc.fontSize(7.5).fillColor('#333').text(clip(doc, [f, 'Lý do: ………………………………'].filter(Boolean).join(' · '), boxesX - left - 6 * MM), left + 4 * MM, y + 4.2 * MM, { lineBreak: false });
    doc.fillColor('black');
    doc.y = y + rowH;
  };

  header(true);
  let village: string | null | undefined;
  for (const h of list.households) {
    const need = 6 * MM + 9 * MM * Math.min(h.members.length, 2);
    if (doc.y + need > bottom) newPage();
    if (h.villageName !== village) {
      village = h.villageName;
      doc.font('bold').fontSize(10.5).text(village ?? 'Chưa rõ thôn/xóm', left, doc.y + 2, { width: right - left });
    }
    doc.font('bold').fontSize(9.5).text(`${h.highRisk ? '(!) ' : ''}${clip(doc, h.address ?? 'Chưa có địa chỉ', right - left - 40 * MM)}${h.householdId ? `  (hộ ${h.householdId})` : ''}`, left, doc.y + 1, { width: right - left, lineBreak: false });
    doc.y += 1;
    for (const m of h.members) personLine(m);
    doc.moveTo(left, doc.y).lineTo(right, doc.y).lineWidth(0.3).strokeColor('#999').stroke().strokeColor('black');
    doc.y += 2;
  }
  if (!list.households.length) doc.font('regular').fontSize(11).text('Không còn ai cần tiêm trong danh sách.', left, doc.y + 6);
  if (list.refused.length) {
    newPage();
    doc.font('bold').fontSize(11).text(`Người từ chối tiêm (${list.refused.length}) — cần vận động lại`, left, doc.y, { width: right - left });
    doc.moveDown(0.3);
    for (const p of list.refused) {
      personLine(p);
      doc.font('regular').fontSize(8).text(clip(doc, `${p.villageName ?? ''} · ${p.address ?? ''} · lý do đã ghi: ${p.lastVisit?.reason ?? ''} (${dmy(p.lastVisit?.day ?? null)})`, right - left - 4 * MM), left + 4 * MM, doc.y - 1.5 * MM, { lineBreak: false });
      doc.y += 2 * MM;
    }
  }
  footer();
  doc.end();
  return done;
}
