import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { renderSweepPdf } from './sweepPdf.ts';
import { buildSweepList, type SweepCandidate } from '../../../domain/vaccination/sweep.ts';

async function readPdf(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) lines.push(item.str, item.hasEOL ? '\n' : '');
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: lines.join('').normalize('NFC').replace(/\s+/g, ' ') };
}

let n = 0;
const person = (o: Partial<SweepCandidate>): SweepCandidate => ({
  personId: ++n,
  fullName: `Nguyễn Văn ${n}`,
  birthDate: '1980-05-05',
  sex: 'M',
  phone: null,
  householdId: `H${Math.ceil(n / 3)}`,
  address: `Số ${Math.ceil(n / 3)} ngõ Đồng Ẩn`,
  villageCode: n > 60 ? 'V2' : 'V1',
  villageName: n > 60 ? 'Thôn Bản Cưởm' : 'Thôn Đồng Ẩn',
  comorbidity: false,
  bedridden: false,
  immunocompromised: false,
  status: { state: 'due', nextKind: 'primary_1', dueOn: '2021-07-01', overdueAfter: null, reason: null, fullyVaccinatedOn: null },
  lastVisit: null,
  homeRequest: false,
  ...o,
});

describe('renderSweepPdf', () => {
  it('prints households in walking order with a tick box per outcome, the refusals on the last page', async () => {
    const people = Array.from({ length: 90 }, (_, i) =>
      person(i === 4 ? { fullName: 'Hoàng Thị Lụa', bedridden: true, birthDate: '1938-02-01' } : i === 7 ? { fullName: 'Lò Văn Tư', lastVisit: { outcome: 'refused', reason: 'Sợ phản ứng sau tiêm', day: '2021-10-02', visitedAt: '2021-10-02T03:00:00Z' } } : {}),
    );
    const list = buildSweepList(people, '2021-10-05');
    const pdf = await renderSweepPdf({ ...list, unit: { name: 'Xã Tân Thành', communeName: 'Xã Tân Thành', level: 'commune' }, day: '2021-10-05' }, { provinceName: 'Lạng Sơn', printedBy: 'tocovid' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28\d* 841\.89\d*\]/);
    const { pages, text } = await readPdf(pdf);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain('DANH SÁCH RÀ SOÁT TIÊM VẮC XIN COVID-19 — XÃ TÂN THÀNH');
    expect(text).toContain('30 hộ, 89 người cần tiêm (1 nguy cơ cao, 0 quá hạn); 1 người từ chối ở trang cuối.');
    for (const o of ['Đã tiêm', 'Từ chối', 'Vắng', 'Chuyển đi', 'Chống CĐ']) expect(text).toContain(o);
    // Villages in Vietnamese order (B before Đ); the bedridden elder's household first in her village, marked.
    expect(text.indexOf('Thôn Bản Cưởm Số 21 ngõ')).toBeGreaterThan(0);
    expect(text.indexOf('Thôn Bản Cưởm')).toBeLessThan(text.indexOf('Thôn Đồng Ẩn (!) Số 2 ngõ Đồng Ẩn'));
    expect(text.indexOf('Hoàng Thị Lụa')).toBeLessThan(text.indexOf('Nguyễn Văn 1 '));
    expect(text.lastIndexOf('Lò Văn Tư')).toBeGreaterThan(text.indexOf('Người từ chối tiêm (1)'));
    expect(text).toContain('lý do đã ghi: Sợ phản ứng sau tiêm (02/10/2021)');
    expect(text).toContain(`Trang ${pages}`);
  });
});
