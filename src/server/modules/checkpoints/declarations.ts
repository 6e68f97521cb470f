// Health declarations (tờ khai y tế): sent from a citizen's phone without an account, checked,
// assessed against the province's dated list of level 3–4 areas and its lockdown zones, stored
// with what they set off (tasks for the destination commune), listed for tracing staff of the
// destination's jurisdiction (every read audited) and exported to Excel.
import type { FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { normalizeName, normalizePhone } from '../../../domain/people/normalize.ts';
import { assessDeclaration, checkDeclaration, isVietnamese, type Assessment, type DeclarationInput } from '../../../domain/checkpoints/declaration.ts';
import type { DeclarationFollowUpPolicy, DeclaredContactFollowUpPolicy, HighRiskAreasPolicy } from '../../../domain/checkpoints/policies.ts';
import { provinceName } from '../../../domain/checkpoints/provinces.ts';
import { fieldError, iso, policy, todayInVietnam } from '../testing/common.ts';

/** Declarations a day from one phone number beyond which the page is refused (a family may declare for a few people). */
export const DECLARATIONS_PER_PHONE_PER_DAY = 10;

export interface DeclarationBody extends DeclarationInput {
  provinceCode: string;
  destinationAddress?: string | null;
  transport?: string | null;
  idempotencyKey: string;
}

export interface DeclarationRow {
  id: number;
  kind: 'arrival' | 'domestic';
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  nationality: string;
  cccd: string | null;
  passport: string | null;
  phone: string;
  address: string;
  personId: number | null;
  destinationCommuneCode: string;
  destinationCommuneName: string | null;
  destinationAddress: string | null;
  arrivalDate: string;
  fromProvinceCode: string;
  fromUnitCode: string | null;
  fromName: string | null;
  transport: string | null;
  places: { provinceCode: string; unitCode?: string | null; districtCode?: string | null; name?: string | null }[];
  symptoms: string[];
  contacts: string[];
  risk: Assessment['risk'];
  riskAreas: Assessment['areas'];
  effects: string[];
  declaredAt: string;
}

const COLS = `d.id, d.kind, d.full_name AS "fullName", d.birth_date::text AS "birthDate", d.sex, d.nationality, d.cccd, d.passport, d.phone, d.address, d.person_id AS "personId",
  d.destination_commune_code AS "destinationCommuneCode", u.name AS "destinationCommuneName", d.destination_address AS "destinationAddress", d.arrival_date::text AS "arrivalDate",
  d.from_province_code AS "fromProvinceCode", d.from_unit_code AS "fromUnitCode", d.places->0->>'name' AS "fromName", d.transport, d.places, d.symptoms, d.contacts, d.risk, d.risk_areas AS "riskAreas", d.effects, d.declared_at AS "declaredAt"`;
const FROM = `health_declaration d LEFT JOIN admin_unit u ON u.province_code = d.province_code AND u.code = d.destination_commune_code`;
const out = (r: DeclarationRow): DeclarationRow => ({
  ...r,
  id: Number(r.id),
  personId: r.personId == null ? null : Number(r.personId),
  // The origin is stored as the first place; the list shows the places visited after it.
  places: r.places.slice(1),
  declaredAt: iso(r.declaredAt)!,
});

async function replay(q: Queryable, provinceCode: string, key: string, phone: string) {
  const r = await q.query<DeclarationRow>(`SELECT ${COLS} FROM ${FROM} WHERE d.province_code = $1 AND d.idempotency_key = $2`, [provinceCode, key]);
  const row = r.rows[0];
  if (!row) return null;
  // The key is the phone's name for one declaration: another phone number with it is another declaration.
  if (row.phone !== phone) throw fieldError(409, 'idempotencyKey', 'used_for_another_declaration');
  return out(row);
}

/** The province's communes (and their paths) for the form and the checks. */
async function unitsByCode(q: Queryable, provinceCode: string, codes: string[]) {
  const r = await q.query<{ code: string; path: string; level: string; name: string }>(`SELECT code, path, level, name FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`, [provinceCode, codes]);
  return new Map(r.rows.map((u) => [u.code, u]));
}

/** The names of the districts of other provinces that the places name, by `province|district`. */
async function outsideDistrictNames(q: Queryable, places: DeclarationBody['from'][]): Promise<Map<string, string>> {
  const wanted = places.filter((p) => p.districtCode && p.provinceCode !== 'abroad');
  if (!wanted.length) return new Map();
  const r = await q.query<{ p: string; c: string; name: string }>(
    `SELECT province_code AS p, code AS c, name FROM gso_district WHERE (province_code, code) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [wanted.map((p) => p.provinceCode), wanted.map((p) => p.districtCode!)],
  );
  return new Map(r.rows.map((x) => [`${x.p}|${x.c}`, x.name]));
}

/** Unit codes inside the province under a lockdown that overlapped the look-back window. */
async function lockdownUnits(q: Queryable, provinceCode: string, since: string, today: string): Promise<Set<string>> {
  const r = await q.query<{ codes: string[] }>(
    `SELECT unit_codes AS codes FROM zone WHERE province_code = $1 AND kind = 'lockdown' AND start_date <= $3::date AND (lifted_date IS NULL OR lifted_date >= $2::date)`,
    [provinceCode, since, today],
  );
  return new Set(r.rows.flatMap((z) => z.codes));
}

async function declarationTask(q: Queryable, provinceCode: string, t: { kind: string; role: string; dueHours: number }, d: { personId: number | null; unitPath: string; communeCode: string; declarationId: number; fullName: string; phone: string; address: string; areas: string[]; symptoms: string[]; contacts: string[] }) {
  await q.query(
    `INSERT INTO task (province_code, kind, person_id, unit_path, commune_code, role, due_at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      provinceCode,
      t.kind,
      d.personId,
      d.unitPath,
      d.communeCode,
      t.role,
      new Date(Date.now() + t.dueHours * 3_600_000).toISOString(),
      JSON.stringify({ declarationId: d.declarationId, fullName: d.fullName, phone: d.phone, address: d.address, areas: d.areas, symptoms: d.symptoms, contacts: d.contacts }),
    ],
  );
}

/** A citizen's declaration: checked (nothing written on a bad one), assessed, stored with its tasks. Idempotent by key. */
export async function submitDeclaration(q: Queryable, req: FastifyRequest, b: DeclarationBody): Promise<{ declaration: DeclarationRow; replayed: boolean }> {
  const province = await q.query<{ code: string }>(`SELECT province_code AS code FROM province WHERE province_code = $1`, [b.provinceCode]);
  if (!province.rows[0]) throw fieldError(404, 'provinceCode', 'not_found');
  const phone = normalizePhone(b.phone);
  if (!phone) throw fieldError(400, 'phone', 'invalid');
  const seen = await replay(q, b.provinceCode, b.idempotencyKey, phone);
  if (seen) return { declaration: seen, replayed: true };
  const today = todayInVietnam();
  const follow = await policy<DeclarationFollowUpPolicy>(q, b.provinceCode, 'declarations.follow_up', today);
  const areasPolicy = await policy<HighRiskAreasPolicy>(q, b.provinceCode, 'declarations.high_risk_areas', today);
  const contactPolicy = await policy<DeclaredContactFollowUpPolicy>(q, b.provinceCode, 'declarations.contact_follow_up', today);
  const issues = checkDeclaration(b, { today, lookbackDays: follow.value.lookbackDays });
  if (issues.length) throw new AppError(400, 'validation', issues);
  // Places inside the province name a unit of it; the destination is one of its communes.
  const inside = [b.from, ...b.places].filter((p) => p.provinceCode === b.provinceCode);
  const units = await unitsByCode(q, b.provinceCode, [b.destinationCommuneCode, ...inside.flatMap((p) => (p.unitCode ? [p.unitCode] : []))]);
  const dest = units.get(b.destinationCommuneCode);
  if (!dest || dest.level !== 'commune') throw fieldError(400, 'destinationCommuneCode', 'unknown_commune');
  // A district of another province is one of the country's districts (the national units file); inside the province, a unit code names it.
  const outsideDistricts = await outsideDistrictNames(q, [b.from, ...b.places]);
  [b.from, ...b.places].forEach((p, i) => {
    const field = i === 0 ? 'from' : `places.${i - 1}`;
    if (p.provinceCode === b.provinceCode && p.unitCode && !units.has(p.unitCode)) throw fieldError(400, `${field}.unitCode`, 'unknown_unit');
    if (p.provinceCode !== b.provinceCode && p.unitCode) throw fieldError(400, `${field}.unitCode`, 'outside_province');
    if (p.districtCode && p.provinceCode === b.provinceCode) throw fieldError(400, `${field}.districtCode`, 'use_unit_code');
    if (p.districtCode && !outsideDistricts.has(`${p.provinceCode}|${p.districtCode}`)) throw fieldError(400, `${field}.districtCode`, 'unknown_district');
  });
  const recent = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM health_declaration WHERE province_code = $1 AND phone = $2 AND declared_at > now() - interval '1 day'`, [b.provinceCode, phone]);
  if (recent.rows[0].n >= DECLARATIONS_PER_PHONE_PER_DAY) throw new AppError(429, 'rate_limited', [{ field: 'phone', code: 'too_many_today', message: String(DECLARATIONS_PER_PHONE_PER_DAY) }]);

  const since = new Date(Date.parse(today + 'T00:00:00Z') - follow.value.lookbackDays * 86_400_000).toISOString().slice(0, 10);
  const lockdowns = await lockdownUnits(q, b.provinceCode, since, today);
  const parents = new Map<string, string>();
  for (const u of units.values()) {
    const segs = u.path.split('/').filter(Boolean);
    for (let i = segs.length - 1; i > 0; i--) parents.set(segs[i], segs[i - 1]);
  }
  const named = (p: DeclarationBody['from']) => {
    const district = p.districtCode ? outsideDistricts.get(`${p.provinceCode}|${p.districtCode}`) : null;
    const province = p.provinceCode === 'abroad' ? null : provinceName(p.provinceCode);
    return { ...p, name: p.name?.trim() || (p.unitCode ? units.get(p.unitCode)?.name : null) || (district ? `${district}, ${province}` : province) };
  };
  const from = named(b.from);
  const places = b.places.map(named);
  const assessment = assessDeclaration({ from, places, symptoms: b.symptoms, contacts: b.contacts }, {
    provinceCode: b.provinceCode,
    highRiskAreas: areasPolicy.value.areas,
    lockdownUnitCodes: lockdowns,
    parentOf: (c) => parents.get(c) ?? null,
    followUp: follow.value,
    contactFollowUp: contactPolicy.value,
  });
  const cccd = b.cccd ? b.cccd.replace(/[\s.-]/g, '') : null;
  const person = cccd ? (await q.query<{ id: number }>(`SELECT id FROM person WHERE province_code = $1 AND cccd = $2`, [b.provinceCode, cccd])).rows[0] : undefined;
  const fullName = normalizeName(b.fullName);
  const address = b.address.normalize('NFC').trim();
  const ins = await q.query<{ id: number }>(
    `INSERT INTO health_declaration (province_code, kind, full_name, birth_date, sex, nationality, cccd, passport, phone, address, person_id, destination_commune_code, unit_path,
       destination_address, arrival_date, from_province_code, from_unit_code, transport, places, symptoms, contacts, risk, risk_areas, effects, policy_versions, idempotency_key, client_ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
     ON CONFLICT (province_code, idempotency_key) DO NOTHING RETURNING id`,
    [
      b.provinceCode,
      b.kind,
      fullName,
      b.birthDate,
      b.sex,
      isVietnamese(b.nationality) ? 'Việt Nam' : b.nationality.normalize('NFC').trim(),
      cccd,
      b.passport ? b.passport.replace(/\s+/g, '').toUpperCase() : null,
      phone,
      address,
      person ? Number(person.id) : null,
      dest.code,
      dest.path,
      b.destinationAddress?.normalize('NFC').trim() || null,
      b.arrivalDate,
      b.from.provinceCode,
      b.from.unitCode ?? null,
      b.transport?.trim() || null,
      JSON.stringify([from, ...places]),
      b.symptoms,
      b.contacts,
      assessment.risk,
      JSON.stringify(assessment.areas),
      assessment.tasks.map((t) => t.kind),
      JSON.stringify({ high_risk_areas: areasPolicy.version, follow_up: follow.version, contact_follow_up: contactPolicy.version }),
      b.idempotencyKey,
      req.ip,
    ],
  );
  if (!ins.rows[0]) return { declaration: (await replay(q, b.provinceCode, b.idempotencyKey, phone))!, replayed: true };
  const id = Number(ins.rows[0].id);
  for (const t of assessment.tasks)
    await declarationTask(q, b.provinceCode, t, {
      personId: person ? Number(person.id) : null,
      unitPath: dest.path,
      communeCode: dest.code,
      declarationId: id,
      fullName,
      phone,
      address: b.destinationAddress?.trim() || address,
      areas: assessment.areas.map((a) => a.name),
      symptoms: b.symptoms,
      contacts: b.contacts,
    });
  const r = await q.query<DeclarationRow>(`SELECT ${COLS} FROM ${FROM} WHERE d.province_code = $1 AND d.id = $2`, [b.provinceCode, id]);
  return { declaration: out(r.rows[0]), replayed: false };
}

export interface DeclarationFilter {
  unitPath: string;
  from?: string;
  to?: string;
  risk?: 'none' | 'high_risk_area' | 'lockdown' | 'any_risk';
  symptoms?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

function where(scope: Scope, f: DeclarationFilter) {
  const sql = `d.province_code = $1 AND d.unit_path LIKE $2 || '%'
    AND ($3::date IS NULL OR d.declared_at >= ($3::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
    AND ($4::date IS NULL OR d.declared_at < (($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
    AND ($5::text IS NULL OR ($5 = 'any_risk' AND d.risk <> 'none') OR d.risk = $5)
    AND ($6::boolean IS NULL OR (cardinality(d.symptoms) > 0) = $6)
    AND ($7::text IS NULL OR d.phone LIKE '%' || $7 || '%' OR d.cccd = $7 OR lower(d.full_name) LIKE '%' || lower($7) || '%')`;
  return { sql, args: [scope.provinceCode, f.unitPath, f.from ?? null, f.to ?? null, f.risk ?? null, f.symptoms ?? null, f.q?.trim() || null] };
}

export async function listDeclarations(q: Queryable, scope: Scope, f: DeclarationFilter) {
  const w = where(scope, f);
  const [items, total] = await Promise.all([
    q.query<DeclarationRow>(`SELECT ${COLS} FROM ${FROM} WHERE ${w.sql} ORDER BY d.declared_at DESC, d.id DESC LIMIT $8 OFFSET $9`, [...w.args, f.limit, f.offset]),
    q.query<{ n: number; risky: number; symptomatic: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE d.risk <> 'none')::int AS risky, count(*) FILTER (WHERE cardinality(d.symptoms) > 0)::int AS symptomatic FROM health_declaration d WHERE ${w.sql}`,
      w.args,
    ),
  ]);
  const t = total.rows[0];
  return { total: t.n, withRisk: t.risky, withSymptoms: t.symptomatic, items: items.rows.map(out) };
}

export async function getDeclaration(q: Queryable, scope: Scope, id: number): Promise<DeclarationRow | null> {
  const r = await q.query<DeclarationRow>(`SELECT ${COLS} FROM ${FROM} WHERE d.province_code = $1 AND d.id = $2 AND d.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? out(r.rows[0]) : null;
}

const SYMPTOM_VI: Record<string, string> = { fever: 'Sốt', cough: 'Ho', shortness_of_breath: 'Khó thở', pneumonia: 'Viêm phổi', sore_throat: 'Đau họng', fatigue: 'Mệt mỏi' };
const CONTACT_VI: Record<string, string> = { case: 'Tiếp xúc ca bệnh', affected_area: 'Tiếp xúc người từ vùng dịch', symptomatic: 'Tiếp xúc người có triệu chứng' };
const RISK_VI: Record<string, string> = { none: '', high_risk_area: 'Từ vùng cấp độ 3–4', lockdown: 'Từ vùng phong tỏa' };
const EFFECT_VI: Record<string, string> = { monitor_arrival: 'Theo dõi sức khỏe', test_arrival: 'Xét nghiệm', check_symptoms: 'Trạm y tế liên hệ', check_declared_contact: 'Xác minh tiếp xúc' };
const vnDate = (d: string | null) => (d ? d.slice(0, 10).split('-').reverse().join('/') : '');

export async function declarationsWorkbook(rows: DeclarationRow[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Khai báo y tế');
  ws.addRow([title]).font = { bold: true, size: 13 };
  ws.addRow([`Số tờ khai: ${rows.length}`]);
  const header = ws.addRow(['STT', 'Thời gian khai', 'Loại', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Quốc tịch', 'CCCD/Hộ chiếu', 'Số điện thoại', 'Nơi ở', 'Xã/phường đến', 'Địa chỉ lưu trú', 'Ngày đến', 'Đi từ', 'Nơi đã qua (14 ngày)', 'Triệu chứng', 'Tiếp xúc', 'Nguy cơ', 'Vùng', 'Việc giao']);
  header.font = { bold: true };
  rows.forEach((d, i) =>
    ws.addRow([
      i + 1,
      new Date(d.declaredAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }),
      d.kind === 'arrival' ? 'Nhập tỉnh' : 'Di chuyển nội địa',
      d.fullName,
      vnDate(d.birthDate),
      d.sex === 'M' ? 'Nam' : 'Nữ',
      d.nationality,
      d.cccd ?? d.passport ?? '',
      d.phone.replace(/^\+84/, '0'),
      d.address,
      d.destinationCommuneName ?? d.destinationCommuneCode,
      d.destinationAddress ?? '',
      vnDate(d.arrivalDate),
      d.fromName ?? d.fromProvinceCode,
      d.places.map((p) => p.name ?? p.provinceCode).join('; '),
      d.symptoms.map((s) => SYMPTOM_VI[s] ?? s).join(', '),
      d.contacts.map((s) => CONTACT_VI[s] ?? s).join(', '),
      RISK_VI[d.risk] ?? d.risk,
      d.riskAreas.map((a) => a.name).join('; '),
      d.effects.map((e) => EFFECT_VI[e] ?? e).join(', '),
    ]),
  );
  ws.columns.forEach((c, i) => (c.width = [5, 18, 14, 24, 11, 8, 10, 15, 13, 30, 20, 24, 11, 20, 30, 20, 24, 16, 24, 20][i] ?? 12));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** What the public form needs: the province's districts and communes (codes, names). Not personal. */
export async function declarationForm(q: Queryable, provinceCode: string) {
  const p = await q.query<{ code: string; name: string }>(`SELECT province_code AS code, name FROM province WHERE province_code = $1`, [provinceCode]);
  if (!p.rows[0]) return null;
  const u = await q.query<{ code: string; name: string; level: string; parentCode: string | null }>(
    `SELECT code, name, level, parent_code AS "parentCode" FROM admin_unit WHERE province_code = $1 AND level IN ('district', 'commune') ORDER BY level, name`,
    [provinceCode],
  );
  const districts = u.rows.filter((x) => x.level === 'district').map((d) => ({ code: d.code, name: d.name, communes: [] as { code: string; name: string }[] }));
  const byCode = new Map(districts.map((d) => [d.code, d]));
  for (const c of u.rows) if (c.level === 'commune' && c.parentCode) byCode.get(c.parentCode)?.communes.push({ code: c.code, name: c.name });
  const coll = new Intl.Collator('vi');
  districts.sort((a, b) => coll.compare(a.name, b.name));
  for (const d of districts) d.communes.sort((a, b) => coll.compare(a.name, b.name));
  return { provinceCode, provinceName: p.rows[0].name, districts };
}
