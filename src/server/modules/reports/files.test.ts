// The daily report's files from a made-up day: the PDF parses and names the province, the Excel
// opens with one sheet per section, and both are made quickly.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { reportPdf, reportXlsx } from './files.ts';
import type { ReportData } from './data.ts';

const fig = (day: number, week: number, prevWeek: number) => ({ day, week, prevWeek });
const children = Array.from({ length: 30 }, (_, i) => ({
  code: `D${i}`,
  name: `Huyện Thử Nghiệm ${i + 1}`,
  unitLevel: 'district' as const,
  parentCode: 'P',
  population: 100_000 + i,
  proposed: ((i % 4) + 1) as 1,
  official: i % 3 ? { level: ((i % 4) + 1) as 1, effectiveAt: '2026-11-30T00:00:00.000Z', announcedAt: '2026-11-28T00:00:00.000Z', kind: 'confirm' as const, decisionId: i } : null,
  pending: null,
  communityCases: i * 3,
  casesPer100k: i * 2.5,
  changed: false,
  manual: false,
  coverageFirstDose18Pct: 60 + i,
  coverageFullyAllPct: 40 + i,
  positivityPct: i / 10,
  tests7d: 100 * i,
}));
const days = Array.from({ length: 14 }, (_, i) => `2026-11-${String(17 + i).padStart(2, '0')}`);
const data = {
  date: '2026-11-30',
  unit: { code: 'P', name: 'Tỉnh Lạng Sơn', level: 'province', parentCode: null, population: 800_000 },
  ruleset: null,
  self: null,
  headline: {
    communityCases: fig(12, 80, 60),
    quarantineCases: fig(3, 20, 25),
    severeCases: fig(1, 4, 2),
    deaths: fig(0, 1, 0),
    tests: fig(1200, 8000, 7000),
    resulted: fig(1100, 7900, 6900),
    positive: fig(15, 100, 85),
    positivity: { day: 1.4, week: 1.3, prevWeek: 1.2 },
    doses: fig(3000, 20000, 18000),
    coverage: { atLeastOneAllPct: 70.1, fullyAllPct: 60.2, atLeastOne18Pct: 95.5, fully18Pct: 90.1, boosterAllPct: 20.3 },
    inQuarantine: 450,
    inIsolation: 120,
    quarantineStarted: 30,
    beds: { total: 500, occupied: 120, vacant: 380 },
  },
  curve: { days, community: days.map((_, i) => i), quarantine: days.map(() => 1), deaths: days.map(() => 0), onset: days.map((_, i) => i + 1) },
  children,
  levelChanges: [],
  provinceName: 'Tỉnh Lạng Sơn',
  from14: days[0],
  levelCounts: [8, 8, 7, 7],
  selfLevel: 2,
  selfProposed: 3,
  measures: [{ id: 'masks', vi: 'Đeo khẩu trang nơi công cộng', en: 'Masks in public' }],
  decisionsOfDay: [{ name: 'Huyện Thử Nghiệm 1', level: 3, previousLevel: 2, kind: 'override', reason: 'Ổ dịch mới ở chợ', effectiveAt: '2026-12-02T00:00:00.000Z', announcedAt: '2026-11-30T03:00:00.000Z' }],
} as unknown as ReportData;

describe('daily report files', () => {
  it('the PDF parses, names the province and holds every section; made in well under 5 s', async () => {
    await reportPdf(data); // fonts loaded once
    const t0 = performance.now();
    const pdf = await reportPdf(data);
    const ms = performance.now() - t0;
    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) for (const it of (await (await doc.getPage(i)).getTextContent()).items) if ('str' in it) text += it.str + (it.hasEOL ? '\n' : ' ');
    await doc.destroy();
    text = text.replace(/\s+/g, ' ');
    expect(text).toContain('UBND TỈNH LẠNG SƠN');
    expect(text).toContain('Lạng Sơn, ngày 30 tháng 11 năm 2026');
    expect(text).toContain('Huyện Thử Nghiệm 30');
    expect(text).toContain('Ổ dịch mới ở chợ');
    expect(text).toContain('Đeo khẩu trang nơi công cộng');
    console.log(`report PDF: ${Math.round(ms)} ms, ${pdf.length} bytes`);
    expect(ms).toBeLessThan(2500);
  });

  it('the Excel opens with one sheet per section and the figures in place', async () => {
    const t0 = performance.now();
    const xlsx = await reportXlsx(data);
    console.log(`report Excel: ${Math.round(performance.now() - t0)} ms`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets).toHaveLength(7);
    expect(wb.getWorksheet('2. Ca mắc')!.getRow(5).values).toEqual([undefined, 'Ca mắc mới trong cộng đồng', 12, 80, 60]);
    expect(wb.getWorksheet('6. Cấp độ dịch')!.getRow(5).values).toEqual([undefined, 'Huyện Thử Nghiệm 1', 'chưa công bố', 'Cấp 1', '0,0', '60,0']);
  });
});
