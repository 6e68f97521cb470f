import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { formatDate, renderDecisionPdf, type DecisionPdfData } from './decisionPdf.ts';

const decision: DecisionPdfData = {
  decisionNo: '12/QĐ-UBND',
  issuedOn: '2026-11-13',
  provinceName: 'Tỉnh Lạng Sơn',
  communeName: 'Xã Tân Thành',
  districtName: 'Huyện Bắc Sơn',
  kind: 'quarantine',
  place: 'home',
  facilityName: null,
  person: {
    fullName: 'Nguyễn Thị Hường',
    birthDate: '1987-03-05',
    sex: 'F',
    cccd: '020187001234',
    phone: '0912345678',
    address: 'Thôn Đồng Ẩn, xã Tân Thành, huyện Bắc Sơn, tỉnh Lạng Sơn',
  },
  reason: 'Tiếp xúc gần (F1) với ca bệnh F0 ngày 12/11/2026',
  startDate: '2026-11-13',
  endDate: '2026-11-19',
  monitorUntil: '2026-11-26',
  testDays: [
    { day: 1, date: '2026-11-13' },
    { day: 7, date: '2026-11-19' },
  ],
  policy: {
    key: 'quarantine.f1',
    version: 2,
    source: 'Hướng dẫn của Bộ Y tế ngày 16/12/2021: 7 ngày tại nhà nếu tiêm đủ liều (domain.md §4)',
    rule: '7 ngày cách ly tại nhà, xét nghiệm ngày 1 và 7',
  },
  signerTitle: 'CHỦ TỊCH',
};

/** The PDF's text, read back the way a viewer reads it (through the embedded font's ToUnicode map). */
async function readPdf(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) lines.push(item.str, item.hasEOL ? '\n' : '');
  }
  const pages = doc.numPages;
  await doc.destroy();
  // Lines wrap wherever the layout put them, so all whitespace reads as one space.
  return { pages, text: lines.join('').normalize('NFC').replace(/\s+/g, ' ') };
}

describe('renderDecisionPdf', () => {
  it('renders a one-page Vietnamese quarantine decision with the person, dates and tests', async () => {
    const pdf = await renderDecisionPdf(decision);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSerif-Regular/);
    expect(raw.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);

    const { pages, text } = await readPdf(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('Nguyễn Thị Hường');
    expect(text).toContain('QUYẾT ĐỊNH');
    expect(text).toContain('Về việc áp dụng biện pháp cách ly y tế');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('Số: 12/QĐ-UBND');
    expect(text).toContain('Tân Thành, ngày 13 tháng 11 năm 2026');
    expect(text).toContain('Ngày sinh: 05/03/1987');
    expect(text).toContain('Giới tính: Nữ');
    expect(text).toContain('Số CCCD: 020187001234');
    expect(text).toContain('Thôn Đồng Ẩn');
    expect(text).toContain('13/11/2026');
    expect(text).toContain('19/11/2026');
    expect(text).toContain('sau đó tự theo dõi sức khỏe đến ngày 26/11/2026');
    expect(text).toContain('Xét nghiệm ngày thứ 1 (13/11/2026)');
    expect(text).toContain('Xét nghiệm ngày thứ 7 (19/11/2026)');
    expect(text).toContain('Luật Phòng, chống bệnh truyền nhiễm');
    expect(text).toContain('Căn cứ Hướng dẫn của Bộ Y tế ngày 16/12/2021');
    expect(text).not.toContain('domain.md');
    expect(text).toContain('Nơi nhận');
    expect(text).toContain('UBND huyện Bắc Sơn');
  });

  it('shows "—" for missing values and still renders an isolation decision', async () => {
    const pdf = await renderDecisionPdf({
      ...decision,
      kind: 'isolation',
      place: 'centralised',
      facilityName: null,
      districtName: null,
      signerTitle: 'TM. ỦY BAN NHÂN DÂN',
      person: { fullName: 'Đặng Văn Ẩn', birthDate: null, sex: null, cccd: null, phone: null, address: null },
      testDays: [],
    });
    const { pages, text } = await readPdf(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('Đặng Văn Ẩn');
    expect(text).toContain('Về việc áp dụng biện pháp cách ly điều trị');
    expect(text).toContain('Ngày sinh: —');
    expect(text).toContain('Giới tính: —');
    expect(text).toContain('Số CCCD: —');
    expect(text).toContain('Số điện thoại: —');
    expect(text).toContain('Nơi cư trú: —');
    expect(text).toContain('TM. ỦY BAN NHÂN DÂN');
    expect(text).toContain('Sở Y tế tỉnh Lạng Sơn');
  });

  it('keeps a long test schedule on one page and prints decomposed input composed', async () => {
    const testDays = [1, 3, 5, 7, 10, 14].map((day) => ({ day, date: `2026-11-${String(12 + day).padStart(2, '0')}` }));
    const person = { ...decision.person, fullName: 'Nguyễn Thị Hường'.normalize('NFD') };
    const pdf = await renderDecisionPdf({ ...decision, person, testDays });
    const { pages, text } = await readPdf(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('Nguyễn Thị Hường');
    expect(text).toContain('Xét nghiệm ngày thứ 14 (26/11/2026)');
  });
});

describe('formatDate', () => {
  it('writes ISO dates as dd/mm/yyyy and a dash when there is none', () => {
    expect(formatDate('2026-02-03')).toBe('03/02/2026');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
  });
});
