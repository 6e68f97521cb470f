// The data of the daily situation report (báo cáo tình hình dịch hằng ngày) of a unit for a date:
// the dashboard's figures, the levels of its units, the decisions and the measures in force.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { addDays } from '../levels/facts.ts';
import { policyOn } from '../policies/service.ts';
import type { MeasuresPolicy } from '../../../domain/levels/policies.ts';
import { dashboard, type UnitInfo } from '../dashboard/service.ts';

export type ReportData = Awaited<ReturnType<typeof reportData>>;

export async function reportData(q: Queryable, scope: Scope, unit: UnitInfo, day: string, today: string) {
  const d = await dashboard(q, scope, unit, day, today, 14);
  const province = await q.query<{ name: string }>(`SELECT name FROM admin_unit WHERE province_code = $1 AND level = 'province' LIMIT 1`, [scope.provinceCode]);
  const measures = await policyOn<MeasuresPolicy>(q, scope.provinceCode, 'levels.measures', day);
  const decisions = await q.query<{ name: string; level: number; previousLevel: number | null; kind: string; reason: string | null; effectiveAt: Date; announcedAt: Date }>(
    `SELECT u.name, d.level, d.previous_level AS "previousLevel", d.kind, d.reason, d.effective_at AS "effectiveAt", d.announced_at AS "announcedAt"
       FROM level_decision d JOIN admin_unit u ON u.province_code = d.province_code AND u.code = d.unit_code
      WHERE d.province_code = $1 AND d.unit_path LIKE $2 || '%'
        AND d.announced_at >= $3::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND d.announced_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
      ORDER BY d.announced_at`,
    [scope.provinceCode, unit.path, day],
  );
  const levelCounts = [1, 2, 3, 4].map((l) => d.children.filter((c) => (c.official?.level ?? c.proposed) === l).length);
  const selfLevel = d.self?.official?.level ?? null;
  return {
    ...d,
    provinceName: province.rows[0]?.name ?? '',
    from14: addDays(day, -13),
    levelCounts,
    selfLevel,
    selfProposed: d.self?.proposed ?? null,
    measures: selfLevel && measures ? measures.value.levels[String(selfLevel) as '1'] ?? [] : [],
    decisionsOfDay: decisions.rows.map((x) => ({ ...x, effectiveAt: new Date(x.effectiveAt).toISOString(), announcedAt: new Date(x.announcedAt).toISOString() })),
  };
}

export const LEVEL_NAMES: Record<number, string> = { 1: 'Cấp 1 – nguy cơ thấp (bình thường mới)', 2: 'Cấp 2 – nguy cơ trung bình', 3: 'Cấp 3 – nguy cơ cao', 4: 'Cấp 4 – nguy cơ rất cao' };
export const UNIT_LEVEL_VI: Record<string, string> = { province: 'tỉnh', district: 'huyện', commune: 'xã', village: 'thôn' };
export const fmtDate = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');
/** hh:mm dd/mm/yyyy in Viet Nam. */
export const fmtDateTime = (iso: string) => {
  const v = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${v.slice(11, 16)} ${fmtDate(v)}`;
};
export const fmtNum = (x: number | null | undefined, digits = 0) =>
  x == null ? '—' : new Intl.NumberFormat('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
export const trend = (w: number, p: number) => (p === 0 ? (w === 0 ? 'không đổi' : 'tăng') : `${w >= p ? 'tăng' : 'giảm'} ${fmtNum(Math.abs(((w - p) / p) * 100), 1)} %`);

/** The report's sections as lines of text (shared by the Excel and the PDF). */
export function sections(d: ReportData) {
  const h = d.headline;
  const unitTitle = d.unit.level === 'province' ? d.unit.name : `${d.unit.name} (${d.provinceName})`;
  const lvl = (l: number | null | undefined) => (l ? `Cấp ${l}` : 'chưa công bố');
  return {
    title: `BÁO CÁO TÌNH HÌNH DỊCH COVID-19 NGÀY ${fmtDate(d.date)}`,
    unitTitle,
    situation: [
      `Cấp độ dịch của ${d.unit.name}: ${d.selfLevel ? LEVEL_NAMES[d.selfLevel] : 'chưa công bố chính thức'}${d.selfProposed && d.selfProposed !== d.selfLevel ? ` (kết quả đánh giá: cấp ${d.selfProposed})` : ''}.`,
      `Trong ngày ghi nhận ${fmtNum(h.communityCases.day + h.quarantineCases.day)} ca mắc mới (${fmtNum(h.communityCases.day)} ca cộng đồng, ${fmtNum(h.quarantineCases.day)} ca trong khu cách ly); 7 ngày qua ${fmtNum(h.communityCases.week + h.quarantineCases.week)} ca, ${trend(h.communityCases.week + h.quarantineCases.week, h.communityCases.prevWeek + h.quarantineCases.prevWeek)} so với 7 ngày trước.`,
      `Số đơn vị theo cấp độ: cấp 1: ${d.levelCounts[0]}, cấp 2: ${d.levelCounts[1]}, cấp 3: ${d.levelCounts[2]}, cấp 4: ${d.levelCounts[3]}.`,
    ],
    cases: [
      ['Ca mắc mới trong cộng đồng', h.communityCases],
      ['Ca mắc mới trong khu cách ly', h.quarantineCases],
      ['Ca nặng, cần hỗ trợ thở oxy', h.severeCases],
      ['Tử vong', h.deaths],
    ] as [string, { day: number; week: number; prevWeek: number }][],
    testing: [
      ['Mẫu xét nghiệm lấy', h.tests],
      ['Mẫu có kết quả', h.resulted],
      ['Mẫu dương tính', h.positive],
    ] as [string, { day: number; week: number; prevWeek: number }][],
    positivity: h.positivity,
    vaccination: [
      ['Mũi tiêm thực hiện', h.doses],
    ] as [string, { day: number; week: number; prevWeek: number }][],
    coverage: [
      ['Tỷ lệ người từ 18 tuổi đã tiêm ít nhất 1 mũi', h.coverage.atLeastOne18Pct],
      ['Tỷ lệ người từ 18 tuổi đã tiêm đủ liều cơ bản', h.coverage.fully18Pct],
      ['Tỷ lệ dân số đã tiêm ít nhất 1 mũi', h.coverage.atLeastOneAllPct],
      ['Tỷ lệ dân số đã tiêm đủ liều cơ bản', h.coverage.fullyAllPct],
      ['Tỷ lệ dân số đã tiêm mũi nhắc lại', h.coverage.boosterAllPct],
    ] as [string, number | null][],
    treatment: [
      ['Người đang cách ly (F1)', fmtNum(h.inQuarantine)],
      ['Người mắc đang cách ly, điều trị (F0)', fmtNum(h.inIsolation)],
      ['Quyết định cách ly mới trong ngày', fmtNum(h.quarantineStarted)],
      ['Giường điều trị (sổ năng lực)', h.beds ? fmtNum(h.beds.total) : 'chưa có số liệu'],
      ['Giường đang sử dụng', h.beds?.occupied != null ? fmtNum(h.beds.occupied) : 'chưa có số liệu'],
    ] as [string, string][],
    levels: d.children.map((c) => [c.name, lvl(c.official?.level), c.proposed ? `Cấp ${c.proposed}` : '—', fmtNum(c.casesPer100k, 1), fmtNum(c.coverageFirstDose18Pct, 1)] as [string, string, string, string, string]),
    measures: [
      ...d.decisionsOfDay.map(
        (x) => `${x.name}: ${x.kind === 'override' ? 'điều chỉnh' : 'xác nhận'} cấp ${x.level}${x.previousLevel ? ` (trước: cấp ${x.previousLevel})` : ''}, hiệu lực từ ${fmtDateTime(x.effectiveAt)}${x.reason ? ` — ${x.reason}` : ''}.`,
      ),
      ...d.measures.map((m) => `Biện pháp theo cấp ${d.selfLevel}: ${m.vi}.`),
    ],
  };
}
