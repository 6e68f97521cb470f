// Sweep lists and door-to-door visits (docs/vaccination.md): the people of a commune or village
// whose next dose is due or overdue, in walking order (domain/vaccination/sweep.ts), and the
// visits' outcomes, each written once per idempotency key so a phone's retry adds nothing.
import type { Db, Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { loadVaccinationPolicies } from './policies.ts';
import { scheduleStatus, sortDoses } from '../../../domain/vaccination/schedule.ts';
import { buildSweepList, checkVisit, type SweepCandidate, type SweepList, type SweepPerson } from '../../../domain/vaccination/sweep.ts';
import type { DoseFact, DoseKind, VisitOutcome } from '../../../domain/vaccination/types.ts';
import type { DoorDose, DoseRecorder } from './doseAdapter.ts';

export interface SweepUnit {
  code: string;
  name: string;
  level: string;
  path: string;
  communeCode: string;
  communeName: string;
}

/** A commune or village of the caller's jurisdiction (404 otherwise; 400 for a district or above). */
export async function sweepUnit(q: Queryable, scope: Scope, code: string): Promise<SweepUnit> {
  const r = await q.query<{ code: string; name: string; level: string; path: string; parent_code: string | null; parent_name: string | null }>(
    `SELECT u.code, u.name, u.level, u.path, u.parent_code, p.name AS parent_name FROM admin_unit u
       LEFT JOIN admin_unit p ON p.province_code = u.province_code AND p.code = u.parent_code
      WHERE u.province_code = $1 AND u.code = $2 AND u.path LIKE $3 || '%'`,
    [scope.provinceCode, code, scope.path],
  );
  const u = r.rows[0];
  if (!u) throw notFound();
  if (u.level !== 'commune' && u.level !== 'village') throw new AppError(400, 'validation', [{ field: 'unit', code: 'not_commune_or_village', message: 'Chọn một xã/phường hoặc thôn/xóm / choose a commune or a village' }]);
  const commune = u.level === 'commune' ? { code: u.code, name: u.name } : { code: u.parent_code!, name: u.parent_name ?? '' };
  return { code: u.code, name: u.name, level: u.level, path: u.path, communeCode: commune.code, communeName: commune.name };
}

/** A person as read for the list, with their doses by the day folded into one text ("kind product date,…"). */
interface PersonRow {
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  phone: string | null;
  householdId: string | null;
  address: string | null;
  villageCode: string | null;
  villageName: string | null;
  comorbidity: boolean | null;
  bedridden: boolean | null;
  immunocompromised: boolean | null;
  deferral: 'contraindicated' | 'deferred' | null;
  deferralUntil: string | null;
  doses: string | null;
}

/** Upper end of a path range: '/' (0x2F) then '0' (0x30), so [path, upper) is the subtree in "C" order. */
const upperOf = (path: string) => path.slice(0, -1) + '0';

/**
 * The residents of a unit with what the list needs, in one statement: the people by a range of
 * the unit index; then their doses, households and profiles each found by one sorted array of
 * keys (the probes walk the indexes in order, and the doses come from the index on
 * (province, person, kind) that carries the product and the date: no table reads). Doses are read
 * by person, not by the dose's own path, so someone who moved in keeps their history.
 */
const PEOPLE_SQL = `
  WITH p AS MATERIALIZED (
    SELECT p.id, p.full_name, p.birth_date, p.sex, p.phone, p.household_id, p.address, p.village_code
      FROM person p WHERE p.province_code = $1 AND p.unit_path >= $2 AND p.unit_path < $3
  ),
  ids AS MATERIALIZED (SELECT ARRAY(SELECT id FROM p ORDER BY id) AS a),
  d AS (
    SELECT d.person_id, string_agg(d.dose_kind || ' ' || d.product_code || ' ' || d.given_on::text, ',') AS doses
      FROM vaccine_dose d WHERE d.province_code = $1 AND d.person_id = ANY((SELECT a FROM ids)::bigint[]) AND d.given_on <= $4::date
     GROUP BY d.person_id
  ),
  h AS (
    SELECT h.household_id, h.address FROM household h
     WHERE h.province_code = $1 AND h.household_id = ANY(ARRAY(SELECT DISTINCT household_id FROM p WHERE household_id IS NOT NULL ORDER BY 1))
  ),
  vp AS (
    SELECT vp.person_id, vp.comorbidity, vp.bedridden, vp.immunocompromised, vp.deferral, vp.deferral_until
      FROM vaccination_profile vp WHERE vp.province_code = $1 AND vp.person_id = ANY((SELECT a FROM ids)::bigint[])
  )
  SELECT p.id AS "personId", p.full_name AS "fullName", p.birth_date::text AS "birthDate", p.sex, p.phone, p.household_id AS "householdId",
         coalesce(h.address, p.address) AS address, p.village_code AS "villageCode", vu.name AS "villageName",
         vp.comorbidity, vp.bedridden, vp.immunocompromised, vp.deferral, vp.deferral_until::text AS "deferralUntil", d.doses
    FROM p
    LEFT JOIN d ON d.person_id = p.id
    LEFT JOIN h ON h.household_id = p.household_id
    LEFT JOIN vp ON vp.person_id = p.id
    LEFT JOIN admin_unit vu ON vu.province_code = $1 AND vu.code = p.village_code`;

/** The doses folded by PEOPLE_SQL, in the engine's order (date, then kind). */
export function unfoldDoses(text: string | null): DoseFact[] {
  if (!text) return [];
  const out: DoseFact[] = [];
  for (const part of text.split(',')) {
    const a = part.indexOf(' ');
    const b = part.lastIndexOf(' ');
    out.push({ kind: part.slice(0, a) as DoseKind, productCode: part.slice(a + 1, b), givenOn: part.slice(b + 1) });
  }
  return out.length > 1 ? sortDoses(out) : out;
}

/** Runs a read-only statement with JIT off (a commune's statement is planned as costly but runs in milliseconds; compiling it took longer). */
async function withoutJit<T>(q: Queryable, sql: string, params: unknown[]): Promise<{ rows: T[] }> {
  const db = q as Partial<Db>;
  if (db.kind !== 'postgres' || typeof db.tx !== 'function') return q.query<T>(sql, params);
  return db.tx(async (t) => {
    await t.query('SET LOCAL jit = off');
    return t.query<T>(sql, params);
  });
}

/**
 * The sweep list of a commune or village on a day (the caller audits the read). Three reads over
 * the unit's path range, side by side on PostgreSQL's pool — the people with their doses, profile
 * and household (one statement); the latest visit of each; open home requests — then the schedule
 * engine, once per person under the policies of the day, decides who is due.
 */
export async function sweepList(q: Queryable, provinceCode: string, unit: SweepUnit, on = todayInVietnam()): Promise<SweepList & { unit: SweepUnit; day: string }> {
  const lo = unit.path;
  const hi = upperOf(unit.path);
  // Visits are read from the commune: someone may have moved between its villages since.
  const communePath = unit.level === 'village' ? unit.path.replace(/[^/]+\/$/, '') : unit.path;
  const [pol, people, visits, homes] = await Promise.all([
    loadVaccinationPolicies(q, provinceCode, on),
    withoutJit<PersonRow>(q, PEOPLE_SQL, [provinceCode, lo, hi, on]),
    q.query<{ person_id: number; outcome: VisitOutcome; reason: string | null; day: string; visited_at: Date | string }>(
      `SELECT DISTINCT ON (v.person_id) v.person_id, v.outcome, v.reason, (v.visited_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, v.visited_at
         FROM sweep_visit v WHERE v.province_code = $1 AND v.unit_path >= $2 AND v.unit_path < $3 ORDER BY v.person_id, v.visited_at DESC, v.id DESC`,
      [provinceCode, communePath, upperOf(communePath)],
    ),
    q.query<{ person_id: number }>(
      `SELECT person_id FROM home_vaccination_request WHERE province_code = $1 AND unit_path >= $2 AND unit_path < $3 AND status IN ('requested', 'scheduled')`,
      [provinceCode, communePath, upperOf(communePath)],
    ),
  ]);
  const visitOf = new Map(visits.rows.map((v) => [Number(v.person_id), v]));
  const home = new Set(homes.rows.map((h) => Number(h.person_id)));
  const candidates: SweepCandidate[] = [];
  for (const row of people.rows) {
    const id = Number(row.personId);
    const status = scheduleStatus(
      {
        birthDate: row.birthDate,
        doses: unfoldDoses(row.doses),
        on,
        profile: row.deferral || row.immunocompromised || row.comorbidity ? { immunocompromised: !!row.immunocompromised, comorbidity: !!row.comorbidity, deferral: row.deferral, deferralUntil: row.deferralUntil } : null,
      },
      pol.products,
      pol.boosters,
    );
    if (status.state !== 'due' && status.state !== 'overdue') continue;
    const v = visitOf.get(id);
    // A fresh object of one shape (with the fields the list adds), not the driver's row: the list
    // sorts and reads tens of thousands of them.
    const c: SweepPerson = {
      personId: id,
      fullName: row.fullName,
      birthDate: row.birthDate,
      sex: row.sex,
      phone: row.phone,
      householdId: row.householdId,
      address: row.address,
      villageCode: row.villageCode,
      villageName: row.villageName,
      comorbidity: !!row.comorbidity,
      bedridden: !!row.bedridden,
      immunocompromised: !!row.immunocompromised,
      status,
      lastVisit: v ? { outcome: v.outcome, reason: v.reason, day: v.day, visitedAt: new Date(v.visited_at).toISOString() } : null,
      homeRequest: home.has(id),
      age: null,
      risk: 0,
      highRisk: false,
      mark: 'new',
    };
    candidates.push(c);
  }
  return { unit, day: on, ...buildSweepList(candidates, on) };
}

export interface VisitInput {
  personId: number;
  outcome: VisitOutcome;
  reason?: string | null;
  idempotencyKey: string;
  visitedAt?: string;
  /** The dose given at the door (outcome vaccinated, by someone who may record doses). */
  dose?: DoorDose | null;
}

export interface VisitRow {
  id: number;
  personId: number;
  outcome: VisitOutcome;
  reason: string | null;
  visitedAt: string;
  doseId: number | null;
  idempotencyKey: string | null;
}

const VISIT_COLS = `id, person_id AS "personId", outcome, reason, visited_at AS "visitedAt", dose_id AS "doseId", idempotency_key AS "idempotencyKey"`;


/**
 * Records a visit (one transaction). The same idempotency key again returns the visit already
 * recorded (replayed), or 409 when it came with something else. A person outside the jurisdiction
 * is 404.
 */
export async function recordVisit(q: Queryable, scope: Scope, userId: number, input: VisitInput, recordDose: DoseRecorder | null): Promise<{ visit: VisitRow; replayed: boolean }> {
  const errors = checkVisit({ outcome: input.outcome, reason: input.reason, withDose: !!input.dose });
  if (errors.length) throw new AppError(400, 'validation', errors.map((e) => ({ ...e, message: e.code === 'reason_required' ? 'Cần ghi lý do / a reason is required' : 'Chỉ ghi mũi tiêm khi kết quả là đã tiêm / a dose only with the outcome vaccinated' })));
  const visitedAt = input.visitedAt ? new Date(input.visitedAt) : new Date();
  if (visitedAt.getTime() > Date.now() + 5 * 60_000) throw new AppError(400, 'validation', [{ field: 'visitedAt', code: 'in_future', message: 'Thời điểm thăm ở tương lai / the visit is in the future' }]);
  // Two copies of one request at once: the second waits for the first, then finds its visit.
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('sweep_visit:' || $1 || ':' || $2))`, [scope.provinceCode, input.idempotencyKey]);
  const existing = await q.query<VisitRow>(`SELECT ${VISIT_COLS} FROM sweep_visit WHERE province_code = $1 AND idempotency_key = $2`, [scope.provinceCode, input.idempotencyKey]);
  if (existing.rows[0]) {
    const v = existing.rows[0];
    if (Number(v.personId) !== input.personId || v.outcome !== input.outcome) throw new AppError(409, 'conflict', [{ field: 'idempotencyKey', code: 'key_reused', message: 'Mã yêu cầu đã dùng cho lần thăm khác / the key was used for another visit' }]);
    return { visit: norm(v), replayed: true };
  }
  const p = await q.query<{ id: number; unit_path: string; household_id: string | null }>(
    `SELECT id, unit_path, household_id FROM person WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, input.personId, scope.path],
  );
  const person = p.rows[0];
  if (!person) throw notFound();
  let doseId: number | null = null;
  if (input.dose) {
    if (!recordDose) throw new AppError(403, 'forbidden', [{ field: 'dose', code: 'cannot_record_doses', message: 'Tài khoản không được ghi mũi tiêm / this account may not record doses' }]);
    doseId = await recordDose(q, { id: Number(person.id), unitPath: person.unit_path }, input.dose, todayInVietnam(visitedAt));
  }
  const r = await q.query<VisitRow>(
    `INSERT INTO sweep_visit (province_code, person_id, unit_path, household_id, visited_at, outcome, reason, dose_id, idempotency_key, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VISIT_COLS}`,
    [scope.provinceCode, person.id, person.unit_path, person.household_id, visitedAt.toISOString(), input.outcome, input.reason?.trim() || null, doseId, input.idempotencyKey, userId],
  );
  return { visit: norm(r.rows[0]), replayed: false };
}

const norm = (v: VisitRow): VisitRow => ({ ...v, id: Number(v.id), personId: Number(v.personId), doseId: v.doseId == null ? null : Number(v.doseId), visitedAt: new Date(v.visitedAt).toISOString() });

/** The visits of a person, newest first (for the person's line on the list). */
export async function visitsOf(q: Queryable, scope: Scope, personId: number): Promise<VisitRow[]> {
  const r = await q.query<VisitRow>(
    `SELECT ${VISIT_COLS} FROM sweep_visit WHERE province_code = $1 AND person_id = $2 AND unit_path LIKE $3 || '%' ORDER BY visited_at DESC, id DESC LIMIT 50`,
    [scope.provinceCode, personId, scope.path],
  );
  return r.rows.map(norm);
}
