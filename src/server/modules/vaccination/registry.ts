// The registry around the doses: a person's vaccination record (doses, schedule status, profile,
// adverse events), the vaccination profile (priority group, risk, contraindication or deferral),
// adverse events following immunisation and their follow-ups, doses listed by unit.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound, type FieldError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';
import type { PriorityGroup, ScheduleStatus } from '../../../domain/vaccination/types.ts';
import { loadVaccinationPolicies } from './policies.ts';
import { vaccinationStatusOf } from './status.ts';
import { DOSE_COLS, DOSE_FROM, type DoseRow, type RegistryActor } from './doses.ts';

const actorOf = (scope: Scope, a: RegistryActor) => ({ provinceCode: scope.provinceCode, id: a.id, username: a.username, role: a.role });

export interface ProfileInput {
  priorityGroup: PriorityGroup | null;
  comorbidity: boolean;
  bedridden: boolean;
  immunocompromised: boolean;
  deferral: 'contraindicated' | 'deferred' | null;
  deferralReason?: string | null;
  deferralOn?: string | null;
  deferralUntil?: string | null;
}

export interface ProfileRow extends ProfileInput {
  updatedAt: string | null;
}

const PROFILE_COLS = `priority_group AS "priorityGroup", comorbidity, bedridden, immunocompromised, deferral, deferral_reason AS "deferralReason",
  deferral_on AS "deferralOn", deferral_until AS "deferralUntil", updated_at AS "updatedAt"`;

const EMPTY_PROFILE: ProfileRow = {
  priorityGroup: null,
  comorbidity: false,
  bedridden: false,
  immunocompromised: false,
  deferral: null,
  deferralReason: null,
  deferralOn: null,
  deferralUntil: null,
  updatedAt: null,
};

async function personIn(q: Queryable, scope: Scope, id: number, lock = false) {
  const r = await q.query<{ id: number; fullName: string; birthDate: string | null; sex: string | null; cccd: string | null; phone: string | null; communeCode: string; communeName: string | null; unitPath: string; address: string | null; householdId: string | null }>(
    `SELECT p.id, p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.cccd, p.phone, p.commune_code AS "communeCode", c.name AS "communeName",
            p.unit_path AS "unitPath", p.address, p.household_id AS "householdId"
       FROM person p LEFT JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
      WHERE p.province_code = $1 AND p.id = $2 AND p.unit_path LIKE $3 || '%' ${lock ? 'FOR UPDATE OF p' : ''}`,
    [scope.provinceCode, id, scope.path],
  );
  return r.rows[0] ? { ...r.rows[0], id: Number(r.rows[0].id) } : null;
}

export async function getProfile(q: Queryable, provinceCode: string, personId: number): Promise<ProfileRow> {
  const r = await q.query<ProfileRow>(`SELECT ${PROFILE_COLS} FROM vaccination_profile WHERE province_code = $1 AND person_id = $2`, [provinceCode, personId]);
  return r.rows[0] ?? { ...EMPTY_PROFILE };
}

/** Field errors of a profile: a deferral needs its reason and start date; a contraindication has no end date. */
export function profileErrors(p: ProfileInput, today: string): FieldError[] {
  const errors: FieldError[] = [];
  const date = (field: 'deferralOn' | 'deferralUntil') => {
    const v = p[field];
    if (v != null && parseCalendarDate(v) !== v) errors.push({ field, code: 'invalid_date' });
  };
  date('deferralOn');
  date('deferralUntil');
  if (p.deferral == null) {
    for (const f of ['deferralReason', 'deferralOn', 'deferralUntil'] as const) if (p[f] != null && p[f] !== '') errors.push({ field: f, code: 'without_deferral' });
    return errors;
  }
  if (!p.deferralReason || p.deferralReason.trim().length < 3) errors.push({ field: 'deferralReason', code: 'required' });
  if (!p.deferralOn) errors.push({ field: 'deferralOn', code: 'required' });
  else if (p.deferralOn > today) errors.push({ field: 'deferralOn', code: 'in_future' });
  if (p.deferral === 'contraindicated' && p.deferralUntil) errors.push({ field: 'deferralUntil', code: 'contraindication_has_no_end' });
  if (p.deferral === 'deferred' && p.deferralUntil && p.deferralOn && p.deferralUntil <= p.deferralOn) errors.push({ field: 'deferralUntil', code: 'not_after_start' });
  return errors;
}

export async function saveProfile(q: Queryable, actor: RegistryActor, scope: Scope, personId: number, input: ProfileInput, req?: FastifyRequest | null) {
  const person = await personIn(q, scope, personId, true);
  if (!person) throw notFound();
  const errors = profileErrors(input, todayInVietnam());
  if (errors.length) throw badRequest(errors);
  const before = await getProfile(q, scope.provinceCode, personId);
  const d = input.deferral;
  await q.query(
    `INSERT INTO vaccination_profile (province_code, person_id, priority_group, comorbidity, bedridden, immunocompromised, deferral, deferral_reason, deferral_on, deferral_until, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (province_code, person_id) DO UPDATE SET priority_group = EXCLUDED.priority_group, comorbidity = EXCLUDED.comorbidity, bedridden = EXCLUDED.bedridden,
       immunocompromised = EXCLUDED.immunocompromised, deferral = EXCLUDED.deferral, deferral_reason = EXCLUDED.deferral_reason, deferral_on = EXCLUDED.deferral_on,
       deferral_until = EXCLUDED.deferral_until, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [
      scope.provinceCode,
      personId,
      input.priorityGroup,
      input.comorbidity,
      input.bedridden,
      input.immunocompromised,
      d,
      d ? input.deferralReason!.trim() : null,
      d ? input.deferralOn : null,
      d === 'deferred' ? (input.deferralUntil ?? null) : null,
      actor.id,
    ],
  );
  const after = await getProfile(q, scope.provinceCode, personId);
  const changed = (Object.keys(EMPTY_PROFILE) as (keyof ProfileRow)[]).filter((k) => k !== 'updatedAt' && before[k] !== after[k]);
  await audit(q, req ?? null, { action: 'update', entity: 'vaccination_profile', entityId: personId, details: { changed } }, actorOf(scope, actor));
  return after;
}

// ---- Adverse events ----

export const AE_STATUSES = ['open', 'recovered', 'hospitalised', 'sequelae', 'died'] as const;
export type AeStatus = (typeof AE_STATUSES)[number];

export interface AdverseEventRow {
  id: number;
  doseId: number;
  personId: number;
  onsetAt: string;
  severity: 'mild' | 'serious';
  description: string;
  status: AeStatus;
  createdAt: string;
  followUps: { id: number; at: string; status: AeStatus; note: string | null }[];
}

const AE_COLS = `e.id, e.dose_id AS "doseId", e.person_id AS "personId", e.onset_at AS "onsetAt", e.severity, e.description, e.status, e.created_at AS "createdAt",
  coalesce((SELECT json_agg(json_build_object('id', f.id, 'at', f.at, 'status', f.status, 'note', f.note) ORDER BY f.at, f.id)
              FROM adverse_event_follow_up f WHERE f.province_code = e.province_code AND f.adverse_event_id = e.id), '[]'::json) AS "followUps"`;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const aeRow = (r: AdverseEventRow): AdverseEventRow => ({
  ...r,
  id: Number(r.id),
  doseId: Number(r.doseId),
  personId: Number(r.personId),
  onsetAt: iso(r.onsetAt),
  createdAt: iso(r.createdAt),
  followUps: r.followUps.map((f) => ({ ...f, at: iso(f.at) })),
});

export async function getAdverseEvent(q: Queryable, scope: Scope, id: number): Promise<AdverseEventRow | null> {
  const r = await q.query<AdverseEventRow>(`SELECT ${AE_COLS} FROM adverse_event e WHERE e.province_code = $1 AND e.id = $2 AND e.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? aeRow(r.rows[0]) : null;
}

/** The instant must not be in the future (a few minutes of clock difference allowed). */
const future = (at: string) => Date.parse(at) > Date.now() + 5 * 60_000;

export async function reportAdverseEvent(
  q: Queryable,
  actor: RegistryActor,
  scope: Scope,
  doseId: number,
  input: { onsetAt: string; severity: 'mild' | 'serious'; description: string },
  req?: FastifyRequest | null,
) {
  const r = await q.query<{ personId: number; unitPath: string; givenOn: string }>(
    `SELECT person_id AS "personId", unit_path AS "unitPath", given_on AS "givenOn" FROM vaccine_dose WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, doseId, scope.path],
  );
  const dose = r.rows[0];
  if (!dose) throw notFound();
  const onset = Date.parse(input.onsetAt);
  if (Number.isNaN(onset)) throw badRequest([{ field: 'onsetAt', code: 'invalid_date' }]);
  if (future(input.onsetAt)) throw badRequest([{ field: 'onsetAt', code: 'in_future' }]);
  // The dose date is a day in Viet Nam: an onset before that day's start (UTC+7) is before the dose.
  if (onset < Date.parse(`${dose.givenOn}T00:00:00+07:00`)) throw badRequest([{ field: 'onsetAt', code: 'before_dose' }]);
  if (input.description.trim().length < 3) throw badRequest([{ field: 'description', code: 'required' }]);
  const ins = await q.query<{ id: number }>(
    `INSERT INTO adverse_event (province_code, dose_id, person_id, unit_path, onset_at, severity, description, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [scope.provinceCode, doseId, dose.personId, dose.unitPath, new Date(onset).toISOString(), input.severity, input.description.trim(), actor.id],
  );
  const id = Number(ins.rows[0].id);
  await audit(q, req ?? null, { action: 'create', entity: 'adverse_event', entityId: id, details: { doseId, personId: Number(dose.personId), severity: input.severity } }, actorOf(scope, actor));
  return (await getAdverseEvent(q, scope, id))!;
}

export async function followUpAdverseEvent(
  q: Queryable,
  actor: RegistryActor,
  scope: Scope,
  id: number,
  input: { status: AeStatus; note?: string | null; at?: string | null },
  req?: FastifyRequest | null,
) {
  const r = await q.query<{ status: AeStatus; onsetAt: string }>(
    `SELECT status, onset_at AS "onsetAt" FROM adverse_event WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`,
    [scope.provinceCode, id, scope.path],
  );
  const ev = r.rows[0];
  if (!ev) throw notFound();
  if (ev.status === 'died') throw new AppError(409, 'invalid_state', [{ field: 'status', code: 'died' }]);
  const at = input.at ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(at))) throw badRequest([{ field: 'at', code: 'invalid_date' }]);
  if (future(at)) throw badRequest([{ field: 'at', code: 'in_future' }]);
  if (Date.parse(at) < Date.parse(iso(ev.onsetAt))) throw badRequest([{ field: 'at', code: 'before_onset' }]);
  await q.query(`INSERT INTO adverse_event_follow_up (province_code, adverse_event_id, at, status, note, created_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
    scope.provinceCode,
    id,
    new Date(Date.parse(at)).toISOString(),
    input.status,
    input.note?.trim() || null,
    actor.id,
  ]);
  await q.query(`UPDATE adverse_event SET status = $3 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, input.status]);
  await audit(q, req ?? null, { action: 'update', entity: 'adverse_event', entityId: id, details: { status: input.status, from: ev.status } }, actorOf(scope, actor));
  return (await getAdverseEvent(q, scope, id))!;
}

export async function listAdverseEvents(q: Queryable, scope: Scope, f: { unitPath: string; severity?: string; status?: string; limit: number }) {
  const r = await q.query<AdverseEventRow & { fullName: string; productCode: string; doseKind: string; givenOn: string }>(
    `SELECT ${AE_COLS}, p.full_name AS "fullName", d.product_code AS "productCode", d.dose_kind AS "doseKind", d.given_on AS "givenOn"
       FROM adverse_event e
       JOIN person p ON p.province_code = e.province_code AND p.id = e.person_id
       JOIN vaccine_dose d ON d.province_code = e.province_code AND d.id = e.dose_id
      WHERE e.province_code = $1 AND e.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR e.severity = $3) AND ($4::text IS NULL OR e.status = $4)
      ORDER BY e.onset_at DESC, e.id DESC LIMIT $5`,
    [scope.provinceCode, f.unitPath, f.severity ?? null, f.status ?? null, f.limit],
  );
  return r.rows.map(aeRow);
}

// ---- The person's record ----

export interface VaccinationRecord {
  person: NonNullable<Awaited<ReturnType<typeof personIn>>>;
  profile: ProfileRow;
  doses: DoseRow[];
  status: ScheduleStatus;
  on: string;
  adverseEvents: AdverseEventRow[];
}

const doseRow = (d: DoseRow): DoseRow => ({ ...d, id: Number(d.id), personId: Number(d.personId), lotId: Number(d.lotId), createdAt: iso(d.createdAt) });

export async function vaccinationRecord(q: Queryable, scope: Scope, personId: number, on: string): Promise<VaccinationRecord | null> {
  const person = await personIn(q, scope, personId);
  if (!person) return null;
  const policies = await loadVaccinationPolicies(q, scope.provinceCode, on);
  const [profile, doses, events, st] = await Promise.all([
    getProfile(q, scope.provinceCode, personId),
    q.query<DoseRow>(`SELECT ${DOSE_COLS} FROM ${DOSE_FROM} WHERE d.province_code = $1 AND d.person_id = $2 ORDER BY d.given_on, d.id`, [scope.provinceCode, personId]),
    q.query<AdverseEventRow>(`SELECT ${AE_COLS} FROM adverse_event e WHERE e.province_code = $1 AND e.person_id = $2 ORDER BY e.onset_at, e.id`, [scope.provinceCode, personId]),
    vaccinationStatusOf(q, scope.provinceCode, [personId], on, policies),
  ]);
  return { person, profile, doses: doses.rows.map(doseRow), status: st.get(personId)!.status, on, adverseEvents: events.rows.map(aeRow) };
}

export async function listDoses(q: Queryable, scope: Scope, f: { unitPath: string; from: string; to: string; flagged?: boolean; limit: number }) {
  const r = await q.query<DoseRow & { fullName: string; birthDate: string | null }>(
    `SELECT ${DOSE_COLS}, p.full_name AS "fullName", p.birth_date AS "birthDate"
       FROM ${DOSE_FROM} JOIN person p ON p.province_code = d.province_code AND p.id = d.person_id
      WHERE d.province_code = $1 AND d.unit_path LIKE $2 || '%' AND d.given_on BETWEEN $3 AND $4 AND ($5::boolean IS NULL OR d.flagged = $5)
      ORDER BY d.given_on DESC, d.id DESC LIMIT $6`,
    [scope.provinceCode, f.unitPath, f.from, f.to, f.flagged ?? null, f.limit],
  );
  return r.rows.map((d) => ({ ...doseRow(d), fullName: d.fullName, birthDate: d.birthDate }));
}

/** Lots of the province usable on a date (not expired), for the desk's choice of lot. */
export async function usableLots(q: Queryable, provinceCode: string, on: string) {
  const r = await q.query<{ id: number; productCode: string; lotNumber: string; expiryDate: string | null }>(
    `SELECT id, product_code AS "productCode", lot_number AS "lotNumber", expiry_date AS "expiryDate" FROM vaccine_lot
      WHERE province_code = $1 AND (expiry_date IS NULL OR expiry_date >= $2::date) ORDER BY product_code, expiry_date NULLS LAST, lot_number LIMIT 500`,
    [provinceCode, on],
  );
  return r.rows.map((l) => ({ ...l, id: Number(l.id) }));
}
