// The province's checkpoints (chốt kiểm soát on roads, cửa khẩu at the border): the officer looks
// a traveller up (registry person by CCCD, the valid test result by CCCD or plate from the testing
// area, the vaccination status from the registry, the green-lane pass by plate), records the
// passage with the decision, and the command sees daily counts per checkpoint (chart, Excel).
import type { FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { normalizeName, normalizePhone, validateCccd } from '../../../domain/people/normalize.ts';
import { normalizePlate } from '../../../domain/testing/plate.ts';
import { advise, decisionIssue, fillDaily, greenPassState, type DailyCount, type Decision, type Direction, type TestStatus } from '../../../domain/checkpoints/passage.ts';
import { isProvinceCode } from '../../../domain/checkpoints/provinces.ts';
import { validResults, type ValidResults } from '../testing/lookup.ts';
import { vaccinationStatusOf } from '../vaccination/status.ts';
import { dayInVietnam, fieldError, iso, todayInVietnam, type Actor } from '../testing/common.ts';

export interface CheckpointRow {
  id: number;
  name: string;
  kind: 'road' | 'border_gate';
  communeCode: string;
  communeName: string | null;
  districtName: string | null;
  road: string | null;
  lat: number | null;
  lon: number | null;
  active: boolean;
  today: { in: number; out: number; tested: number; held: number };
}

export async function listCheckpoints(q: Queryable, scope: Scope): Promise<CheckpointRow[]> {
  const today = todayInVietnam();
  const r = await q.query<CheckpointRow & { tin: number; tout: number; ttested: number; theld: number }>(
    `SELECT c.id, c.name, c.kind, c.commune_code AS "communeCode", u.name AS "communeName", d.name AS "districtName", c.road, c.lat, c.lon, c.active,
            count(p.id) FILTER (WHERE p.direction = 'in')::int AS tin, count(p.id) FILTER (WHERE p.direction = 'out')::int AS tout,
            count(p.id) FILTER (WHERE p.decision = 'tested')::int AS ttested, count(p.id) FILTER (WHERE p.decision IN ('held', 'turned_back'))::int AS theld
       FROM checkpoint c
       LEFT JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.commune_code
       LEFT JOIN admin_unit d ON d.province_code = u.province_code AND d.code = u.parent_code
       LEFT JOIN checkpoint_passage p ON p.province_code = c.province_code AND p.checkpoint_id = c.id
            AND p.passed_at >= ($3::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') AND p.passed_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%'
      GROUP BY c.id, c.name, c.kind, c.commune_code, u.name, d.name, c.road, c.lat, c.lon, c.active
      ORDER BY c.active DESC, c.kind DESC, c.name`,
    [scope.provinceCode, scope.path, today],
  );
  return r.rows.map(({ tin, tout, ttested, theld, ...c }) => ({ ...c, id: Number(c.id), today: { in: tin, out: tout, tested: ttested, held: theld } }));
}

async function checkpointIn(q: Queryable, scope: Scope, id: number) {
  const r = await q.query<{ id: number; name: string; unitPath: string; active: boolean }>(
    `SELECT id, name, unit_path AS "unitPath", active FROM checkpoint WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, id, scope.path],
  );
  return r.rows[0] ? { ...r.rows[0], id: Number(r.rows[0].id) } : null;
}

export interface CheckpointInput {
  name: string;
  kind: 'road' | 'border_gate';
  communeCode: string;
  road?: string | null;
  lat?: number | null;
  lon?: number | null;
}

export async function createCheckpoint(q: Queryable, scope: Scope, b: CheckpointInput): Promise<number> {
  const u = await q.query<{ path: string; level: string }>(`SELECT path, level FROM admin_unit WHERE province_code = $1 AND code = $2 AND path LIKE $3 || '%'`, [scope.provinceCode, b.communeCode, scope.path]);
  if (!u.rows[0] || u.rows[0].level !== 'commune') throw fieldError(400, 'communeCode', 'unknown_commune');
  if ((b.lat == null) !== (b.lon == null)) throw fieldError(400, 'lat', 'lat_and_lon');
  const r = await q.query<{ id: number }>(
    `INSERT INTO checkpoint (province_code, name, kind, commune_code, unit_path, road, lat, lon) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (province_code, name) DO NOTHING RETURNING id`,
    [scope.provinceCode, normalizeName(b.name), b.kind, b.communeCode, u.rows[0].path, b.road?.trim() || null, b.lat ?? null, b.lon ?? null],
  );
  if (!r.rows[0]) throw fieldError(409, 'name', 'exists');
  return Number(r.rows[0].id);
}

// ---- Green-lane passes ----
export interface GreenPassRow {
  id: number;
  code: string;
  vehiclePlate: string;
  holder: string;
  cargo: string | null;
  route: string | null;
  validFrom: string;
  validTo: string;
  status: 'active' | 'revoked';
  revokedReason: string | null;
  issuedAt: string;
  state: ReturnType<typeof greenPassState>;
}

const PASS_COLS = `id, code, vehicle_plate AS "vehiclePlate", holder, cargo, route, valid_from::text AS "validFrom", valid_to::text AS "validTo", status, revoked_reason AS "revokedReason", issued_at AS "issuedAt"`;
const passOut = (r: Omit<GreenPassRow, 'state'>, day: string): GreenPassRow => ({ ...r, id: Number(r.id), issuedAt: iso(r.issuedAt)!, state: greenPassState(r, day) });

/** The pass of a plate that decides today: a valid one if any, else the latest. */
export async function greenPassOf(q: Queryable, provinceCode: string, plate: string, day = todayInVietnam()): Promise<GreenPassRow | null> {
  const r = await q.query<Omit<GreenPassRow, 'state'>>(`SELECT ${PASS_COLS} FROM green_lane_pass WHERE province_code = $1 AND vehicle_plate = $2 ORDER BY valid_to DESC, id DESC LIMIT 20`, [provinceCode, plate]);
  const all = r.rows.map((x) => passOut(x, day));
  return all.find((p) => p.state === 'valid') ?? all[0] ?? null;
}

export async function listGreenPasses(q: Queryable, provinceCode: string, f: { plate?: string | null; state?: 'valid' | 'all'; limit: number }) {
  const day = todayInVietnam();
  const r = await q.query<Omit<GreenPassRow, 'state'>>(
    `SELECT ${PASS_COLS} FROM green_lane_pass WHERE province_code = $1 AND ($2::text IS NULL OR vehicle_plate = $2)
        AND ($3::text = 'all' OR (status = 'active' AND valid_to >= $4::date)) ORDER BY issued_at DESC, id DESC LIMIT $5`,
    [provinceCode, f.plate ?? null, f.state ?? 'valid', day, f.limit],
  );
  return r.rows.map((x) => passOut(x, day));
}

export interface GreenPassInput {
  vehiclePlate: string;
  holder: string;
  cargo?: string | null;
  route?: string | null;
  validFrom: string;
  validTo: string;
}

/** Passes are issued for at most this many days (a freight contract's month). */
export const GREEN_PASS_MAX_DAYS = 31;

export async function issueGreenPass(q: Queryable, provinceCode: string, actor: Actor, b: GreenPassInput): Promise<GreenPassRow> {
  const plate = normalizePlate(b.vehiclePlate);
  if (!plate) throw fieldError(400, 'vehiclePlate', 'invalid');
  if (b.validTo < b.validFrom) throw fieldError(400, 'validTo', 'before_from');
  if ((Date.parse(b.validTo) - Date.parse(b.validFrom)) / 86_400_000 + 1 > GREEN_PASS_MAX_DAYS) throw fieldError(400, 'validTo', 'too_long', String(GREEN_PASS_MAX_DAYS));
  if (b.validTo < todayInVietnam()) throw fieldError(400, 'validTo', 'in_past');
  const overlap = await q.query(`SELECT 1 FROM green_lane_pass WHERE province_code = $1 AND vehicle_plate = $2 AND status = 'active' AND valid_from <= $4::date AND valid_to >= $3::date`, [provinceCode, plate, b.validFrom, b.validTo]);
  if (overlap.rows.length) throw fieldError(409, 'vehiclePlate', 'pass_overlaps');
  const n = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM green_lane_pass WHERE province_code = $1`, [provinceCode]);
  const code = `LX-${provinceCode}-${b.validFrom.slice(2, 4)}${b.validFrom.slice(5, 7)}-${String(n.rows[0].n + 1).padStart(5, '0')}`;
  const r = await q.query<Omit<GreenPassRow, 'state'>>(
    `INSERT INTO green_lane_pass (province_code, code, vehicle_plate, holder, cargo, route, valid_from, valid_to, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PASS_COLS}`,
    [provinceCode, code, plate, normalizeName(b.holder), b.cargo?.trim() || null, b.route?.trim() || null, b.validFrom, b.validTo, actor.id],
  );
  return passOut(r.rows[0], todayInVietnam());
}

export async function revokeGreenPass(q: Queryable, provinceCode: string, id: number, reason: string): Promise<GreenPassRow> {
  const r = await q.query<Omit<GreenPassRow, 'state'>>(
    `UPDATE green_lane_pass SET status = 'revoked', revoked_reason = $3 WHERE province_code = $1 AND id = $2 AND status = 'active' RETURNING ${PASS_COLS}`,
    [provinceCode, id, reason.trim()],
  );
  if (!r.rows[0]) {
    const e = await q.query(`SELECT 1 FROM green_lane_pass WHERE province_code = $1 AND id = $2`, [provinceCode, id]);
    if (!e.rows.length) throw notFound();
    throw new AppError(409, 'conflict', [{ field: 'status', code: 'already_revoked' }]);
  }
  return passOut(r.rows[0], todayInVietnam());
}

// ---- Looking a traveller up ----
export interface RegistryMatch {
  id: number;
  fullName: string;
  birthYear: number | null;
  communeName: string | null;
  cccd: string;
}

export interface TravellerLookup {
  person: RegistryMatch | null;
  tests: ValidResults;
  testStatus: Exclude<TestStatus, 'tested_here'>;
  vaccination: { state: string; doses: number; fullyVaccinatedOn: string | null; lastDoseOn: string | null } | null;
  greenPass: GreenPassRow | null;
  advice: { in: Decision; out: Decision };
  /** Passages of the same CCCD or plate in the last 3 days (anywhere in the province). */
  recent: { checkpointName: string; passedAt: string; direction: Direction; decision: Decision }[];
}

export function parseKey(k: { cccd?: string | null; plate?: string | null }): { cccd: string | null; plate: string | null } {
  let cccd: string | null = null;
  let plate: string | null = null;
  if (k.cccd) {
    const c = validateCccd(k.cccd);
    if (!c.ok) throw fieldError(400, 'cccd', c.error);
    cccd = c.value;
  }
  if (k.plate) {
    plate = normalizePlate(k.plate);
    if (!plate) throw fieldError(400, 'plate', 'invalid');
  }
  if (!cccd && !plate) throw fieldError(400, 'cccd', 'cccd_or_plate');
  return { cccd, plate };
}

const testStatusOf = (v: ValidResults): TravellerLookup['testStatus'] => v.status;

/** Everything the officer needs, from the CCCD and/or the plate. The CCCD decides the result when both are given. */
export async function lookupTraveller(q: Queryable, scope: Scope, key: { cccd: string | null; plate: string | null }, now = new Date()): Promise<TravellerLookup> {
  const day = dayInVietnam(now);
  const p = key.cccd
    ? (
        await q.query<RegistryMatch & { birthDate: string | null }>(
          `SELECT p.id, p.full_name AS "fullName", p.birth_date::text AS "birthDate", c.name AS "communeName", p.cccd FROM person p
             LEFT JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
            WHERE p.province_code = $1 AND p.cccd = $2 AND p.unit_path LIKE $3 || '%'`,
          [scope.provinceCode, key.cccd, scope.path],
        )
      ).rows[0]
    : undefined;
  const person = p ? { id: Number(p.id), fullName: p.fullName, birthYear: p.birthDate ? Number(p.birthDate.slice(0, 4)) : null, communeName: p.communeName, cccd: p.cccd } : null;
  let tests = await validResults(q, scope.provinceCode, key.cccd ? { cccd: key.cccd } : { plate: key.plate! }, now);
  // A driver's result may be under the plate only (tested in the cab): look at it too when the CCCD finds nothing valid.
  if (key.cccd && key.plate && tests.status !== 'valid_negative' && tests.status !== 'positive') {
    const byPlate = await validResults(q, scope.provinceCode, { plate: key.plate }, now);
    if (byPlate.status === 'valid_negative' || byPlate.status === 'positive') tests = byPlate;
  }
  const testStatus = testStatusOf(tests);
  let vaccination: TravellerLookup['vaccination'] = null;
  if (person) {
    const v = (await vaccinationStatusOf(q, scope.provinceCode, [person.id], day)).get(person.id);
    if (v) vaccination = { state: v.status.state, doses: v.doses.length, fullyVaccinatedOn: v.fullyVaccinatedOn, lastDoseOn: v.lastDose?.givenOn ?? null };
  }
  const greenPass = key.plate ? await greenPassOf(q, scope.provinceCode, key.plate, day) : null;
  const rec = await q.query<{ checkpointName: string; passedAt: string; direction: Direction; decision: Decision }>(
    `SELECT c.name AS "checkpointName", x.passed_at AS "passedAt", x.direction, x.decision FROM checkpoint_passage x JOIN checkpoint c ON c.province_code = x.province_code AND c.id = x.checkpoint_id
      WHERE x.province_code = $1 AND (x.cccd = $2 OR x.vehicle_plate = $3) AND x.passed_at > $4 ORDER BY x.passed_at DESC LIMIT 10`,
    [scope.provinceCode, key.cccd, key.plate, new Date(now.getTime() - 3 * 86_400_000).toISOString()],
  );
  return {
    person,
    tests,
    testStatus,
    vaccination,
    greenPass,
    advice: { in: advise(testStatus, 'in'), out: advise(testStatus, 'out') },
    recent: rec.rows.map((r) => ({ ...r, passedAt: iso(r.passedAt)! })),
  };
}

// ---- Passages ----
export interface PassageInput {
  checkpointId: number;
  passedAt: string;
  direction: Direction;
  personId?: number | null;
  person?: { fullName: string; cccd?: string | null; phone?: string | null } | null;
  vehiclePlate?: string | null;
  role: 'driver' | 'passenger' | 'pedestrian';
  purpose: 'freight' | 'work' | 'return_home' | 'medical' | 'official' | 'transit' | 'other';
  fromProvinceCode?: string | null;
  toCommuneCode?: string | null;
  decision: Decision;
  note?: string | null;
  idempotencyKey: string;
}

export interface PassageRow {
  id: number;
  checkpointId: number;
  checkpointName: string;
  passedAt: string;
  direction: Direction;
  personId: number | null;
  fullName: string;
  cccd: string | null;
  phone: string | null;
  vehiclePlate: string | null;
  role: PassageInput['role'];
  purpose: PassageInput['purpose'];
  fromProvinceCode: string | null;
  toCommuneCode: string | null;
  toCommuneName: string | null;
  testStatus: TestStatus;
  testValidUntil: string | null;
  vaccinationState: string | null;
  greenPassCode: string | null;
  decision: Decision;
  note: string | null;
  recordedBy: string | null;
}

const P_COLS = `x.id, x.checkpoint_id AS "checkpointId", c.name AS "checkpointName", x.passed_at AS "passedAt", x.direction, x.person_id AS "personId", x.full_name AS "fullName", x.cccd, x.phone,
  x.vehicle_plate AS "vehiclePlate", x.role, x.purpose, x.from_province_code AS "fromProvinceCode", x.to_commune_code AS "toCommuneCode", t.name AS "toCommuneName",
  x.test_status AS "testStatus", x.test_valid_until AS "testValidUntil", x.vaccination_state AS "vaccinationState", g.code AS "greenPassCode", x.decision, x.note, a.username AS "recordedBy"`;
const P_FROM = `checkpoint_passage x JOIN checkpoint c ON c.province_code = x.province_code AND c.id = x.checkpoint_id
  LEFT JOIN admin_unit t ON t.province_code = x.province_code AND t.code = x.to_commune_code
  LEFT JOIN green_lane_pass g ON g.province_code = x.province_code AND g.id = x.green_pass_id
  LEFT JOIN app_user a ON a.province_code = x.province_code AND a.id = x.recorded_by`;
const pOut = (r: PassageRow): PassageRow => ({ ...r, id: Number(r.id), checkpointId: Number(r.checkpointId), personId: r.personId == null ? null : Number(r.personId), passedAt: iso(r.passedAt)!, testValidUntil: iso(r.testValidUntil) });

async function passageByKey(q: Queryable, provinceCode: string, key: string) {
  const r = await q.query<PassageRow & { recordedById: number | null }>(`SELECT ${P_COLS}, x.recorded_by AS "recordedById" FROM ${P_FROM} WHERE x.province_code = $1 AND x.idempotency_key = $2`, [provinceCode, key]);
  return r.rows[0] ?? null;
}

/** Records a passage: the result, vaccination and pass are read here, not taken from the phone; a positive cannot be let through. Idempotent by key. */
export async function recordPassage(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, b: PassageInput): Promise<{ passage: PassageRow; advice: Decision; replayed: boolean }> {
  const seen = await passageByKey(q, scope.provinceCode, b.idempotencyKey);
  if (seen) {
    if (seen.recordedById == null || Number(seen.recordedById) !== actor.id || Number(seen.checkpointId) !== b.checkpointId) throw fieldError(409, 'idempotencyKey', 'used_for_another_passage');
    const { recordedById: _r, ...row } = seen;
    return { passage: pOut(row), advice: row.decision, replayed: true };
  }
  const cp = await checkpointIn(q, scope, b.checkpointId);
  if (!cp) throw fieldError(404, 'checkpointId', 'not_found');
  if (!cp.active) throw fieldError(409, 'checkpointId', 'inactive');
  const at = new Date(b.passedAt);
  if (Number.isNaN(at.getTime())) throw fieldError(400, 'passedAt', 'invalid');
  if (at.getTime() > Date.now() + 5 * 60_000) throw fieldError(400, 'passedAt', 'in_future');
  if (at.getTime() < Date.now() - 2 * 86_400_000) throw fieldError(400, 'passedAt', 'too_old');
  if ((b.personId == null) === (b.person == null)) throw fieldError(400, 'personId', 'person_or_new_person');
  const plate = b.vehiclePlate ? normalizePlate(b.vehiclePlate) : null;
  if (b.vehiclePlate && !plate) throw fieldError(400, 'vehiclePlate', 'invalid');
  if (b.role === 'driver' && !plate) throw fieldError(400, 'vehiclePlate', 'required_for_driver');
  if (b.fromProvinceCode && b.fromProvinceCode !== 'abroad' && !isProvinceCode(b.fromProvinceCode)) throw fieldError(400, 'fromProvinceCode', 'unknown_province');
  if (b.toCommuneCode) {
    const u = await q.query<{ level: string }>(`SELECT level FROM admin_unit WHERE province_code = $1 AND code = $2`, [scope.provinceCode, b.toCommuneCode]);
    if (u.rows[0]?.level !== 'commune') throw fieldError(400, 'toCommuneCode', 'unknown_commune');
  }
  let who: { personId: number | null; fullName: string; cccd: string | null; phone: string | null };
  if (b.personId != null) {
    const r = await q.query<{ id: number; fullName: string; cccd: string | null; phone: string | null }>(
      `SELECT id, full_name AS "fullName", cccd, phone FROM person WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
      [scope.provinceCode, b.personId, scope.path],
    );
    if (!r.rows[0]) throw fieldError(404, 'personId', 'not_found');
    who = { personId: Number(r.rows[0].id), fullName: r.rows[0].fullName, cccd: r.rows[0].cccd, phone: r.rows[0].phone };
  } else {
    const c = b.person!.cccd ? validateCccd(b.person!.cccd) : null;
    if (c && !c.ok) throw fieldError(400, 'person.cccd', c.error);
    const phone = b.person!.phone ? normalizePhone(b.person!.phone) : null;
    if (b.person!.phone && !phone) throw fieldError(400, 'person.phone', 'invalid');
    const cccd = c?.ok ? c.value : null;
    if (!cccd && !plate) throw fieldError(400, 'person.cccd', 'cccd_or_plate_required');
    const known = cccd ? (await q.query<{ id: number }>(`SELECT id FROM person WHERE province_code = $1 AND cccd = $2`, [scope.provinceCode, cccd])).rows[0] : undefined;
    who = { personId: known ? Number(known.id) : null, fullName: normalizeName(b.person!.fullName), cccd, phone };
  }
  const found = await lookupTraveller(q, { provinceCode: scope.provinceCode, path: (await provinceRoot(q, scope.provinceCode)) ?? scope.path }, { cccd: who.cccd, plate }, new Date(Math.min(at.getTime(), Date.now())));
  const issue = decisionIssue(found.testStatus, b.decision);
  if (issue) throw new AppError(409, 'conflict', [{ field: 'decision', code: issue }]);
  const greenPass = found.greenPass?.state === 'valid' ? found.greenPass : null;
  const ins = await q.query<{ id: number }>(
    `INSERT INTO checkpoint_passage (province_code, checkpoint_id, unit_path, passed_at, direction, person_id, full_name, cccd, phone, vehicle_plate, role, purpose, from_province_code, to_commune_code,
       test_status, test_valid_until, vaccination_state, green_pass_id, decision, note, recorded_by, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
     ON CONFLICT (province_code, idempotency_key) DO NOTHING RETURNING id`,
    [
      scope.provinceCode,
      cp.id,
      cp.unitPath,
      at.toISOString(),
      b.direction,
      who.personId,
      who.fullName,
      who.cccd,
      who.phone,
      plate,
      b.role,
      b.purpose,
      b.fromProvinceCode ?? null,
      b.toCommuneCode ?? null,
      found.testStatus,
      found.tests.validUntil,
      found.vaccination?.state ?? null,
      greenPass?.id ?? null,
      b.decision,
      b.note?.trim() || null,
      actor.id,
      b.idempotencyKey,
    ],
  );
  if (!ins.rows[0]) return recordPassage(q, req, scope, actor, b);
  const r = await q.query<PassageRow>(`SELECT ${P_COLS} FROM ${P_FROM} WHERE x.province_code = $1 AND x.id = $2`, [scope.provinceCode, ins.rows[0].id]);
  return { passage: pOut(r.rows[0]), advice: advise(found.testStatus, b.direction), replayed: false };
}

async function provinceRoot(q: Queryable, provinceCode: string): Promise<string | null> {
  const r = await q.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = $1 AND level = 'province' LIMIT 1`, [provinceCode]);
  return r.rows[0]?.path ?? null;
}

export async function listPassages(q: Queryable, scope: Scope, f: { checkpointId?: number; from: string; to: string; decision?: Decision; limit: number; offset: number }) {
  const where = `x.province_code = $1 AND x.unit_path LIKE $2 || '%' AND ($3::bigint IS NULL OR x.checkpoint_id = $3)
    AND x.passed_at >= ($4::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') AND x.passed_at < (($5::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') AND ($6::text IS NULL OR x.decision = $6)`;
  const args = [scope.provinceCode, scope.path, f.checkpointId ?? null, f.from, f.to, f.decision ?? null];
  const [items, total] = await Promise.all([
    q.query<PassageRow>(`SELECT ${P_COLS} FROM ${P_FROM} WHERE ${where} ORDER BY x.passed_at DESC, x.id DESC LIMIT $7 OFFSET $8`, [...args, f.limit, f.offset]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkpoint_passage x WHERE ${where}`, args),
  ]);
  return { total: total.rows[0].n, items: items.rows.map(pOut) };
}

export async function dailyCounts(q: Queryable, scope: Scope, f: { checkpointId?: number; from: string; to: string }) {
  const cps = (await listCheckpoints(q, scope)).filter((c) => f.checkpointId == null || c.id === f.checkpointId);
  if (f.checkpointId != null && !cps.length) throw notFound();
  const r = await q.query<DailyCount>(
    `SELECT ((x.passed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::text AS day, x.checkpoint_id AS "checkpointId",
            count(*) FILTER (WHERE x.direction = 'in')::int AS in, count(*) FILTER (WHERE x.direction = 'out')::int AS out,
            count(*) FILTER (WHERE x.decision = 'tested')::int AS tested, count(*) FILTER (WHERE x.decision = 'held')::int AS held, count(*) FILTER (WHERE x.decision = 'turned_back')::int AS "turnedBack"
       FROM checkpoint_passage x
      WHERE x.province_code = $1 AND x.unit_path LIKE $2 || '%' AND ($3::bigint IS NULL OR x.checkpoint_id = $3)
        AND x.passed_at >= ($4::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') AND x.passed_at < (($5::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
      GROUP BY 1, 2`,
    [scope.provinceCode, scope.path, f.checkpointId ?? null, f.from, f.to],
  );
  const rows = fillDaily(
    r.rows.map((x) => ({ ...x, checkpointId: Number(x.checkpointId) })),
    cps.map((c) => c.id),
    f.from,
    f.to,
  );
  const days = [...new Set(rows.map((x) => x.day))];
  const total = days.map((day) => {
    const of = rows.filter((x) => x.day === day);
    const sum = (k: 'in' | 'out' | 'tested' | 'held' | 'turnedBack') => of.reduce((s, x) => s + x[k], 0);
    return { day, in: sum('in'), out: sum('out'), tested: sum('tested'), held: sum('held'), turnedBack: sum('turnedBack') };
  });
  return { from: f.from, to: f.to, checkpoints: cps.map((c) => ({ id: c.id, name: c.name, kind: c.kind })), rows, total };
}

export async function dailyWorkbook(d: Awaited<ReturnType<typeof dailyCounts>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Lượt qua chốt theo ngày');
  const vn = (s: string) => s.split('-').reverse().join('/');
  ws.addRow([`Lượt qua chốt kiểm soát, từ ${vn(d.from)} đến ${vn(d.to)}`]).font = { bold: true, size: 13 };
  ws.addRow(['Ngày', 'Chốt', 'Loại', 'Vào tỉnh', 'Ra tỉnh', 'Xét nghiệm tại chốt', 'Giữ lại', 'Quay đầu']).font = { bold: true };
  const names = new Map(d.checkpoints.map((c) => [c.id, c]));
  for (const r of d.rows) {
    const c = names.get(r.checkpointId)!;
    ws.addRow([vn(r.day), c.name, c.kind === 'border_gate' ? 'Cửa khẩu' : 'Chốt đường bộ', r.in, r.out, r.tested, r.held, r.turnedBack]);
  }
  ws.addRow([]);
  for (const t of d.total) ws.addRow([vn(t.day), 'Tổng', '', t.in, t.out, t.tested, t.held, t.turnedBack]).font = { italic: true };
  ws.columns.forEach((c, i) => (c.width = [12, 34, 14, 10, 10, 16, 10, 10][i]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
