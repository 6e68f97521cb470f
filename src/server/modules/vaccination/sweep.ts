// Sweep lists and door-to-door visits (docs/vaccination.md): the people of a commune or village
// whose next dose is due or overdue, in walking order (domain/vaccination/sweep.ts), and the
// visits' outcomes, each written once per idempotency key so a phone's retry adds nothing.
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { loadVaccinationPolicies } from './policies.ts';
import { scheduleStatus, sortDoses } from '../../../domain/vaccination/schedule.ts';
import { buildSweepList, checkVisit, type SweepCandidate, type SweepList } from '../../../domain/vaccination/sweep.ts';
import type { DoseKind, VisitOutcome } from '../../../domain/vaccination/types.ts';
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

interface CandidateRow {
  id: number;
  full_name: string;
  birth_date: string | null;
  sex: string | null;
  phone: string | null;
  household_id: string | null;
  address: string | null;
  village_code: string | null;
  village_name: string | null;
  comorbidity: boolean | null;
  bedridden: boolean | null;
  immunocompromised: boolean | null;
  deferral: 'contraindicated' | 'deferred' | null;
  deferral_until: string | null;
  doses: { kind: DoseKind; productCode: string; givenOn: string }[] | null;
  v_outcome: VisitOutcome | null;
  v_reason: string | null;
  v_day: string | null;
  v_at: string | null;
  home: boolean;
}

const day10 = (d: unknown) => (d == null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** The sweep list of a commune or village on a day (the caller audits the read). */
export async function sweepList(q: Queryable, provinceCode: string, unit: SweepUnit, on = todayInVietnam()): Promise<SweepList & { unit: SweepUnit; day: string }> {
  const pol = await loadVaccinationPolicies(q, provinceCode, on);
  const r = await q.query<CandidateRow>(
    `WITH ppl AS (
       SELECT p.id, p.full_name, p.birth_date, p.sex, p.phone, p.household_id, coalesce(h.address, p.address) AS address, p.village_code
         FROM person p LEFT JOIN household h ON h.province_code = p.province_code AND h.household_id = p.household_id
        WHERE p.province_code = $1 AND p.unit_path LIKE $2 || '%'
     ),
     dz AS (
       SELECT d.person_id, json_agg(json_build_object('kind', d.dose_kind, 'productCode', d.product_code, 'givenOn', d.given_on)) AS doses
         FROM vaccine_dose d JOIN ppl ON d.province_code = $1 AND d.person_id = ppl.id WHERE d.given_on <= $3::date GROUP BY d.person_id
     ),
     lv AS (
       SELECT DISTINCT ON (v.person_id) v.person_id, v.outcome, v.reason, (v.visited_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, v.visited_at
         FROM sweep_visit v WHERE v.province_code = $1 AND v.unit_path LIKE $4 || '%' ORDER BY v.person_id, v.visited_at DESC, v.id DESC
     )
     SELECT ppl.*, vu.name AS village_name, vp.comorbidity, vp.bedridden, vp.immunocompromised, vp.deferral, vp.deferral_until, dz.doses,
            lv.outcome AS v_outcome, lv.reason AS v_reason, lv.day AS v_day, lv.visited_at AS v_at,
            EXISTS (SELECT 1 FROM home_vaccination_request hr WHERE hr.province_code = $1 AND hr.person_id = ppl.id AND hr.status IN ('requested', 'scheduled')) AS home
       FROM ppl
       LEFT JOIN admin_unit vu ON vu.province_code = $1 AND vu.code = ppl.village_code
       LEFT JOIN vaccination_profile vp ON vp.province_code = $1 AND vp.person_id = ppl.id
       LEFT JOIN dz ON dz.person_id = ppl.id
       LEFT JOIN lv ON lv.person_id = ppl.id`,
    // Visits are read from the commune: someone may have moved between its villages since.
    [provinceCode, unit.path, on, unit.level === 'village' ? unit.path.replace(/[^/]+\/$/, '') : unit.path],
  );
  const candidates: SweepCandidate[] = [];
  for (const row of r.rows) {
    const birthDate = day10(row.birth_date);
    const doses = sortDoses((row.doses ?? []).map((d) => ({ ...d, givenOn: String(d.givenOn).slice(0, 10) })));
    const status = scheduleStatus(
      { birthDate, doses, on, profile: { immunocompromised: !!row.immunocompromised, comorbidity: !!row.comorbidity, deferral: row.deferral, deferralUntil: day10(row.deferral_until) } },
      pol.products,
      pol.boosters,
    );
    if (status.state !== 'due' && status.state !== 'overdue') continue;
    candidates.push({
      personId: Number(row.id),
      fullName: row.full_name,
      birthDate,
      sex: row.sex,
      phone: row.phone,
      householdId: row.household_id,
      address: row.address,
      villageCode: row.village_code,
      villageName: row.village_name,
      comorbidity: !!row.comorbidity,
      bedridden: !!row.bedridden,
      immunocompromised: !!row.immunocompromised,
      status,
      lastVisit: row.v_outcome ? { outcome: row.v_outcome, reason: row.v_reason, day: day10(row.v_day)!, visitedAt: new Date(row.v_at!).toISOString() } : null,
      homeRequest: !!row.home,
    });
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
