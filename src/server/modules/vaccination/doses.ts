// Writing doses to the registry: record (entry at the desk, a sweep visit ending in "vaccinated",
// home vaccination), correct and delete, each checked by the domain rules (doses.ts) against the
// person's other doses and the policies in force on the dose's date, audited, and followed by the
// refresh of the commune's daily coverage facts in the same transaction.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, conflict, notFound, type FieldError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { refreshCoverage } from './coverageFacts.ts';
import { loadVaccinationPolicyVersions } from './policies.ts';
import { vaccinationStatusOf } from './status.ts';
import { checkDose, DOSE_ERROR_MESSAGES, type DoseFieldError } from '../../../domain/vaccination/doses.ts';
import { KIND_RANK, policiesOn, type VaccinationPolicyVersions } from '../../../domain/vaccination/schedule.ts';
import type { DoseFact, DoseKind, ScheduleStatus } from '../../../domain/vaccination/types.ts';

export interface RegistryActor {
  id: number;
  username: string;
  role?: string;
}

export interface DoseInput {
  personId: number;
  kind: DoseKind;
  /** Optional: the lot names its product; when given it must match the lot's. */
  productCode?: string | null;
  lotId: number;
  givenOn: string;
  siteName?: string | null;
  /** The unit where it was given (in the caller's jurisdiction); default the person's commune. */
  siteUnitCode?: string | null;
  vaccinator?: string | null;
  /** Why the dose was given before the minimum interval: required then, and the dose is flagged. */
  overrideReason?: string | null;
  source?: 'entry' | 'sweep' | 'home' | 'import' | 'demo';
  externalId?: string | null;
  importJobId?: number | null;
}

export interface DoseRow {
  id: number;
  personId: number;
  kind: DoseKind;
  productCode: string;
  lotId: number;
  lotNumber: string | null;
  givenOn: string;
  siteName: string | null;
  siteUnitCode: string | null;
  siteUnitName: string | null;
  vaccinator: string | null;
  overrideReason: string | null;
  flagged: boolean;
  source: string;
  communeCode: string;
  createdAt: string;
}

export const DOSE_COLS = `d.id, d.person_id AS "personId", d.dose_kind AS kind, d.product_code AS "productCode", d.lot_id AS "lotId", l.lot_number AS "lotNumber",
  d.given_on AS "givenOn", d.site_name AS "siteName", d.site_unit_code AS "siteUnitCode", su.name AS "siteUnitName", d.vaccinator,
  d.interval_override_reason AS "overrideReason", d.flagged, d.source, d.commune_code AS "communeCode", d.created_at AS "createdAt"`;
export const DOSE_FROM = `vaccine_dose d
  LEFT JOIN vaccine_lot l ON l.province_code = d.province_code AND l.id = d.lot_id
  LEFT JOIN admin_unit su ON su.province_code = d.province_code AND su.code = d.site_unit_code`;

const withMessages = (errors: DoseFieldError[]): FieldError[] =>
  errors.map((e) => ({ field: e.field, code: e.code, message: e.message ?? DOSE_ERROR_MESSAGES[e.code]?.vi }));

interface PersonFacts {
  id: number;
  birthDate: string | null;
  unitPath: string;
  communeCode: string;
  immunocompromised: boolean;
  comorbidity: boolean;
}

async function lockPerson(q: Queryable, scope: Scope, personId: number): Promise<PersonFacts> {
  const r = await q.query<PersonFacts>(
    `SELECT p.id, p.birth_date AS "birthDate", p.unit_path AS "unitPath", p.commune_code AS "communeCode",
            coalesce(vp.immunocompromised, false) AS immunocompromised, coalesce(vp.comorbidity, false) AS comorbidity
       FROM person p LEFT JOIN vaccination_profile vp ON vp.province_code = p.province_code AND vp.person_id = p.id
      WHERE p.province_code = $1 AND p.id = $2 AND p.unit_path LIKE $3 || '%' FOR UPDATE OF p`,
    [scope.provinceCode, personId, scope.path],
  );
  const p = r.rows[0];
  if (!p) throw new AppError(404, 'not_found', [{ field: 'personId', code: 'not_found' }]);
  return { ...p, id: Number(p.id) };
}

interface StoredDose extends DoseFact {
  id: number;
  overrideReason: string | null;
}

async function dosesOf(q: Queryable, provinceCode: string, personId: number): Promise<StoredDose[]> {
  const r = await q.query<StoredDose>(
    `SELECT id, dose_kind AS kind, product_code AS "productCode", given_on AS "givenOn", interval_override_reason AS "overrideReason"
       FROM vaccine_dose WHERE province_code = $1 AND person_id = $2 ORDER BY given_on, id`,
    [provinceCode, personId],
  );
  return r.rows.map((d) => ({ ...d, id: Number(d.id) }));
}

/** Lot errors (unknown, another product, expired on the dose date) and the product the lot names. */
async function checkLot(q: Queryable, provinceCode: string, lotId: number, productCode: string | null | undefined, givenOn: string) {
  const r = await q.query<{ productCode: string; expiryDate: string | null }>(
    `SELECT product_code AS "productCode", expiry_date AS "expiryDate" FROM vaccine_lot WHERE province_code = $1 AND id = $2`,
    [provinceCode, lotId],
  );
  const lot = r.rows[0];
  const errors: FieldError[] = [];
  if (!lot) return { errors: [{ field: 'lotId', code: 'unknown_lot', message: 'Lô vắc xin không có trong danh mục của tỉnh' }], productCode: productCode ?? '' };
  if (productCode && productCode !== lot.productCode) errors.push({ field: 'lotId', code: 'lot_product_mismatch', message: `Lô này là vắc xin ${lot.productCode}` });
  if (lot.expiryDate && lot.expiryDate < givenOn) errors.push({ field: 'lotId', code: 'lot_expired', message: lot.expiryDate });
  return { errors, productCode: lot.productCode };
}

async function siteOf(q: Queryable, scope: Scope, person: PersonFacts, siteUnitCode: string | null | undefined) {
  const code = siteUnitCode ?? person.communeCode;
  const r = await q.query<{ code: string; path: string }>(
    `SELECT code, path FROM admin_unit WHERE province_code = $1 AND code = $2 AND ($3::text IS NULL OR path LIKE $3 || '%')`,
    [scope.provinceCode, code, siteUnitCode ? scope.path : null],
  );
  if (!r.rows[0]) throw badRequest([{ field: 'siteUnitCode', code: 'unknown_unit' }]);
  return r.rows[0];
}

function check(versions: VaccinationPolicyVersions, person: PersonFacts, existing: StoredDose[], dose: DoseFact, overrideReason: string | null | undefined) {
  return checkDose(
    { birthDate: person.birthDate, existing, dose, today: todayInVietnam(), overrideReason, profile: { immunocompromised: person.immunocompromised, comorbidity: person.comorbidity } },
    policiesOn(versions, dose.givenOn),
  );
}

export async function getDose(q: Queryable, scope: Scope, id: number): Promise<DoseRow | null> {
  const r = await q.query<DoseRow>(`SELECT ${DOSE_COLS} FROM ${DOSE_FROM} WHERE d.province_code = $1 AND d.id = $2 AND d.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? { ...r.rows[0], id: Number(r.rows[0].id), personId: Number(r.rows[0].personId), lotId: Number(r.rows[0].lotId) } : null;
}

/**
 * Records a dose for a person of the caller's jurisdiction. Every bad input is a 4xx with field
 * codes and nothing written: person outside the jurisdiction (404), unknown or mismatched or
 * expired lot, dose before birth or in the future, product not in force / not for the age or the
 * kind, mixing, wrong order, interval too short without an override reason (400), the same kind
 * or another dose the same day (409).
 */
export async function recordDose(
  q: Queryable,
  actor: RegistryActor,
  scope: Scope,
  input: DoseInput,
  req?: FastifyRequest | null,
): Promise<{ dose: DoseRow; flagged: boolean; status: ScheduleStatus }> {
  const person = await lockPerson(q, scope, input.personId);
  const lot = await checkLot(q, scope.provinceCode, input.lotId, input.productCode, input.givenOn);
  const versions = await loadVaccinationPolicyVersions(q, scope.provinceCode);
  const existing = await dosesOf(q, scope.provinceCode, person.id);
  const dose: DoseFact = { kind: input.kind, productCode: lot.productCode || input.productCode || '', givenOn: input.givenOn };
  const res = check(versions, person, existing, dose, input.overrideReason);
  if (lot.errors.length || res.errors.length) {
    const all = [...lot.errors, ...withMessages(res.errors.filter((e) => !(lot.errors.length && e.code === 'product_not_in_force')))];
    throw res.errors.some((e) => e.code === 'duplicate_kind' || e.code === 'duplicate_day') ? conflict(all) : badRequest(all);
  }
  const site = await siteOf(q, scope, person, input.siteUnitCode);
  const ins = await q.query<{ id: number }>(
    `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_name, site_unit_code, site_path,
        vaccinator, interval_override_reason, flagged, source, external_id, import_job_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
    [
      scope.provinceCode,
      person.id,
      person.unitPath,
      person.communeCode,
      dose.productCode,
      input.lotId,
      input.kind,
      input.givenOn,
      input.siteName?.trim() || null,
      site.code,
      site.path,
      input.vaccinator?.trim() || actor.username,
      res.flagged ? input.overrideReason!.trim() : null,
      res.flagged,
      input.source ?? 'entry',
      input.externalId ?? null,
      input.importJobId ?? null,
      actor.id,
    ],
  );
  const id = Number(ins.rows[0].id);
  await refreshCoverage(q, scope.provinceCode, [person.communeCode], input.givenOn);
  await audit(
    q,
    req ?? null,
    { action: 'create', entity: 'vaccine_dose', entityId: id, details: { personId: person.id, kind: input.kind, productCode: dose.productCode, givenOn: input.givenOn, flagged: res.flagged, source: input.source ?? 'entry' } },
    { provinceCode: scope.provinceCode, id: actor.id, username: actor.username, role: actor.role },
  );
  const status = (await vaccinationStatusOf(q, scope.provinceCode, [person.id], todayInVietnam())).get(person.id)!.status;
  return { dose: (await getDose(q, scope, id))!, flagged: res.flagged, status };
}

export interface DosePatch {
  kind?: DoseKind;
  productCode?: string | null;
  lotId?: number;
  givenOn?: string;
  siteName?: string | null;
  siteUnitCode?: string | null;
  vaccinator?: string | null;
  overrideReason?: string | null;
  /** Why the record is corrected (kept in the audit log). */
  reason: string;
}

async function lockDose(q: Queryable, scope: Scope, id: number) {
  const r = await q.query<{ personId: number; kind: DoseKind; productCode: string; lotId: number; givenOn: string; communeCode: string; overrideReason: string | null; siteUnitCode: string | null }>(
    `SELECT person_id AS "personId", dose_kind AS kind, product_code AS "productCode", lot_id AS "lotId", given_on AS "givenOn", commune_code AS "communeCode",
            interval_override_reason AS "overrideReason", site_unit_code AS "siteUnitCode"
       FROM vaccine_dose WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, id, scope.path],
  );
  if (!r.rows[0]) throw notFound();
  return { ...r.rows[0], personId: Number(r.rows[0].personId), lotId: Number(r.rows[0].lotId) };
}

/** Corrects a dose: the corrected dose is checked again, and so is every later dose that was valid before. */
export async function correctDose(q: Queryable, actor: RegistryActor, scope: Scope, id: number, patch: DosePatch, req?: FastifyRequest | null) {
  const old = await lockDose(q, scope, id);
  const person = await lockPerson(q, scope, old.personId);
  const givenOn = patch.givenOn ?? old.givenOn;
  const lotId = patch.lotId ?? old.lotId;
  const lot = await checkLot(q, scope.provinceCode, lotId, patch.productCode ?? (patch.lotId != null ? null : old.productCode), givenOn);
  const versions = await loadVaccinationPolicyVersions(q, scope.provinceCode);
  const all = await dosesOf(q, scope.provinceCode, person.id);
  const others = all.filter((d) => d.id !== id);
  const overrideReason = patch.overrideReason !== undefined ? patch.overrideReason : old.overrideReason;
  const dose: DoseFact = { kind: patch.kind ?? old.kind, productCode: lot.productCode || old.productCode, givenOn };
  const res = check(versions, person, others, dose, overrideReason);
  if (lot.errors.length || res.errors.length) {
    const fields = [...lot.errors, ...withMessages(res.errors)];
    throw res.errors.some((e) => e.code === 'duplicate_kind' || e.code === 'duplicate_day') ? conflict(fields) : badRequest(fields);
  }
  // Later doses must stay valid (moving a first dose later can make the second one too early).
  const corrected: StoredDose = { ...dose, id, overrideReason: res.flagged ? overrideReason ?? null : null };
  for (const d of others) {
    if (KIND_RANK[d.kind] <= KIND_RANK[dose.kind] && KIND_RANK[d.kind] <= KIND_RANK[old.kind]) continue;
    const before = check(versions, person, all.filter((x) => x.id !== d.id), d, d.overrideReason);
    const after = check(versions, person, [...others.filter((x) => x.id !== d.id), corrected], d, d.overrideReason);
    if (before.errors.length === 0 && after.errors.length > 0) {
      throw conflict([{ field: 'givenOn', code: 'later_dose_invalid', message: `${d.kind}: ${after.errors.map((e) => e.code).join(', ')}` }]);
    }
  }
  const site = patch.siteUnitCode !== undefined ? await siteOf(q, scope, person, patch.siteUnitCode) : null;
  await q.query(
    `UPDATE vaccine_dose SET dose_kind = $3, product_code = $4, lot_id = $5, given_on = $6, interval_override_reason = $7, flagged = $8,
        site_name = CASE WHEN $9::boolean THEN $10 ELSE site_name END, vaccinator = CASE WHEN $11::boolean THEN $12 ELSE vaccinator END,
        site_unit_code = coalesce($13, site_unit_code), site_path = coalesce($14, site_path)
      WHERE province_code = $1 AND id = $2`,
    [
      scope.provinceCode,
      id,
      dose.kind,
      dose.productCode,
      lotId,
      givenOn,
      res.flagged ? overrideReason!.trim() : null,
      res.flagged,
      patch.siteName !== undefined,
      patch.siteName?.trim() || null,
      patch.vaccinator !== undefined,
      patch.vaccinator?.trim() || null,
      site?.code ?? null,
      site?.path ?? null,
    ],
  );
  await refreshCoverage(q, scope.provinceCode, [old.communeCode], givenOn < old.givenOn ? givenOn : old.givenOn);
  await audit(
    q,
    req ?? null,
    {
      action: 'update',
      entity: 'vaccine_dose',
      entityId: id,
      details: { personId: person.id, reason: patch.reason, before: { kind: old.kind, productCode: old.productCode, lotId: old.lotId, givenOn: old.givenOn }, after: { kind: dose.kind, productCode: dose.productCode, lotId, givenOn }, flagged: res.flagged },
    },
    { provinceCode: scope.provinceCode, id: actor.id, username: actor.username, role: actor.role },
  );
  return { dose: (await getDose(q, scope, id))!, flagged: res.flagged };
}

/** Deletes a dose recorded by mistake: refused while later doses or adverse events depend on it. */
export async function deleteDose(q: Queryable, actor: RegistryActor, scope: Scope, id: number, reason: string, req?: FastifyRequest | null) {
  const old = await lockDose(q, scope, id);
  await lockPerson(q, scope, old.personId);
  const later = (await dosesOf(q, scope.provinceCode, old.personId)).filter((d) => d.id !== id && KIND_RANK[d.kind] > KIND_RANK[old.kind]);
  if (later.length) throw conflict([{ field: 'id', code: 'later_doses', message: later.map((d) => d.kind).join(', ') }]);
  const ae = await q.query(`SELECT 1 FROM adverse_event WHERE province_code = $1 AND dose_id = $2 LIMIT 1`, [scope.provinceCode, id]);
  if (ae.rows.length) throw conflict([{ field: 'id', code: 'has_adverse_events' }]);
  // A visit or a home request that ended in this dose keeps its outcome, without the dose.
  await q.query(`UPDATE sweep_visit SET dose_id = NULL WHERE province_code = $1 AND dose_id = $2`, [scope.provinceCode, id]);
  await q.query(`UPDATE home_vaccination_request SET dose_id = NULL WHERE province_code = $1 AND dose_id = $2`, [scope.provinceCode, id]);
  await q.query(`DELETE FROM vaccine_dose WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id]);
  await refreshCoverage(q, scope.provinceCode, [old.communeCode], old.givenOn);
  await audit(
    q,
    req ?? null,
    { action: 'delete', entity: 'vaccine_dose', entityId: id, details: { personId: old.personId, reason, kind: old.kind, productCode: old.productCode, lotId: old.lotId, givenOn: old.givenOn } },
    { provinceCode: scope.provinceCode, id: actor.id, username: actor.username, role: actor.role },
  );
  return { id, deleted: true };
}
