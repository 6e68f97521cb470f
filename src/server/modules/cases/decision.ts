// Gathers what the printed quarantine / isolation decision says: the order, the person, the
// issuing commune and the policy version that set the dates.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { addDays } from '../../../domain/cases/dates.ts';
import { getOrder } from './orders.ts';
import type { DecisionPdfData } from './decisionPdf.ts';
import { todayInVietnam } from '../imports/service.ts';

const fmt = (iso: string) => iso.split('-').reverse().join('/');

export async function decisionPdfData(q: Queryable, scope: Scope, orderId: number): Promise<DecisionPdfData | null> {
  const o = await getOrder(q, scope, orderId);
  if (!o) return null;
  const units = await q.query<{ level: string; name: string }>(
    `SELECT a.level, a.name FROM admin_unit c JOIN admin_unit a ON a.province_code = c.province_code AND c.path LIKE a.path || '%'
      WHERE c.province_code = $1 AND c.code = $2 ORDER BY a.depth`,
    [scope.provinceCode, o.communeCode],
  );
  const named = (level: string) => units.rows.find((u) => u.level === level)?.name ?? null;
  const policy = await q.query<{ source: string }>(`SELECT source FROM policy_version WHERE province_code = $1 AND key = $2 AND version = $3`, [scope.provinceCode, o.policyKey, o.policyVersion]);
  let reason: string;
  if (o.kind === 'isolation') {
    const c = o.caseId ? await q.query<{ reportDate: string }>(`SELECT report_date AS "reportDate" FROM case_record WHERE province_code = $1 AND id = $2`, [scope.provinceCode, o.caseId]) : null;
    reason = `Là ca bệnh COVID-19 (F0) được xác định ngày ${fmt(c?.rows[0]?.reportDate ?? o.startDate)}`;
  } else {
    const k = o.contactId
      ? await q.query<{ degree: number; exposureDate: string }>(`SELECT degree, exposure_date AS "exposureDate" FROM contact WHERE province_code = $1 AND id = $2`, [scope.provinceCode, o.contactId])
      : null;
    const row = k?.rows[0];
    reason = row ? `Tiếp xúc gần (F${row.degree}) với ${row.degree === 1 ? 'ca bệnh COVID-19' : `trường hợp F${row.degree - 1}`}, lần tiếp xúc cuối ngày ${fmt(row.exposureDate)}` : 'Tiếp xúc gần với ca bệnh COVID-19';
  }
  // Test days are counted from the reference day (last exposure or positive sample): recover it from the first test.
  const reference = await referenceDay(q, scope.provinceCode, o);
  return {
    decisionNo: o.decisionNo,
    issuedOn: todayInVietnam(new Date(o.createdAt)),
    provinceName: named('province') ?? '',
    districtName: named('district'),
    communeName: o.communeName ?? named('commune') ?? '',
    kind: o.kind,
    place: o.place,
    facilityName: o.facilityName,
    person: { fullName: o.fullName, birthDate: o.birthDate, sex: o.sex, cccd: o.cccd, phone: o.phone, address: o.address },
    reason,
    startDate: o.startDate,
    endDate: o.endDate,
    monitorUntil: o.monitorUntil,
    testDays: o.testDays.map((day) => ({ day, date: addDays(reference, day) })),
    policy: { key: o.policyKey, version: o.policyVersion, source: policy.rows[0]?.source ?? o.policyKey, rule: o.rule },
    signerTitle: 'CHỦ TỊCH',
  };
}

async function referenceDay(q: Queryable, provinceCode: string, o: { kind: string; caseId: number | null; contactId: number | null; startDate: string }) {
  if (o.kind === 'isolation' && o.caseId) {
    const r = await q.query<{ d: string }>(`SELECT coalesce(sample_date, report_date) AS d FROM case_record WHERE province_code = $1 AND id = $2`, [provinceCode, o.caseId]);
    return r.rows[0]?.d ?? o.startDate;
  }
  if (o.contactId) {
    const r = await q.query<{ d: string }>(`SELECT exposure_date AS d FROM contact WHERE province_code = $1 AND id = $2`, [provinceCode, o.contactId]);
    return r.rows[0]?.d ?? o.startDate;
  }
  return o.startDate;
}
