// SQL of the case area. Every read takes the caller's scope and returns nothing outside it
// (unit_path prefix of the person's residence).
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';

export interface CaseRow {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  householdId: string | null;
  communeCode: string;
  communeName: string | null;
  unitPath: string;
  status: string;
  basis: string;
  reportedVia: string;
  definitionVersion: number;
  reportDate: string;
  onsetDate: string | null;
  sampleDate: string | null;
  detectedIn: string;
  vaccinationStatus: string;
  lastDoseDate: string | null;
  comorbidities: string[];
  pregnant: boolean;
  severity: string;
  outcomeDate: string | null;
  placeDetected: string | null;
  notes: string | null;
  fromContactId: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const CASE_COLS = `c.id, c.person_id AS "personId", p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.phone,
  p.household_id AS "householdId", c.commune_code AS "communeCode", u.name AS "communeName", c.unit_path AS "unitPath",
  c.status, c.basis, c.reported_via AS "reportedVia", c.definition_version AS "definitionVersion", c.report_date AS "reportDate",
  c.onset_date AS "onsetDate", c.sample_date AS "sampleDate", c.detected_in AS "detectedIn", c.vaccination_status AS "vaccinationStatus",
  c.last_dose_date AS "lastDoseDate", c.comorbidities, c.pregnant, c.severity, c.outcome_date AS "outcomeDate",
  c.place_detected AS "placeDetected", c.notes, c.from_contact_id AS "fromContactId", c.version,
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;
const CASE_FROM = `case_record c
  JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
  LEFT JOIN admin_unit u ON u.province_code = c.province_code AND u.code = c.commune_code`;

export async function getCase(q: Queryable, scope: Scope, id: number, forUpdate = false): Promise<CaseRow | null> {
  const r = await q.query<CaseRow>(
    `SELECT ${CASE_COLS} FROM ${CASE_FROM} WHERE c.province_code = $1 AND c.id = $2 AND c.unit_path LIKE $3 || '%' ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
    [scope.provinceCode, id, scope.path],
  );
  return r.rows[0] ?? null;
}

export interface CaseFilter {
  unitPath?: string;
  from?: string;
  to?: string;
  status?: string;
  limit: number;
  offset: number;
}

export async function listCases(q: Queryable, scope: Scope, f: CaseFilter): Promise<{ items: CaseRow[]; total: number }> {
  const path = f.unitPath && f.unitPath.startsWith(scope.path) ? f.unitPath : scope.path;
  const where = `c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND ($3::date IS NULL OR c.report_date >= $3) AND ($4::date IS NULL OR c.report_date <= $4)
    AND ($5::text IS NULL OR c.status = $5)`;
  const args = [scope.provinceCode, path, f.from ?? null, f.to ?? null, f.status ?? null];
  const [items, total] = await Promise.all([
    q.query<CaseRow>(`SELECT ${CASE_COLS} FROM ${CASE_FROM} WHERE ${where} ORDER BY c.report_date DESC, c.id DESC LIMIT $6 OFFSET $7`, [...args, f.limit, f.offset]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_record c WHERE ${where}`, args),
  ]);
  return { items: items.rows, total: total.rows[0].n };
}

export async function openCaseOfPerson(q: Queryable, provinceCode: string, personId: number): Promise<number | null> {
  const r = await q.query<{ id: number }>(`SELECT id FROM case_record WHERE province_code = $1 AND person_id = $2 AND status = 'confirmed'`, [provinceCode, personId]);
  return r.rows[0]?.id ?? null;
}

export interface ContactRow {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  communeCode: string;
  communeName: string | null;
  sourcePersonId: number;
  sourceName: string | null;
  sourceContactId: number | null;
  rootCaseId: number;
  degree: number;
  exposureDate: string;
  setting: string;
  proximity: string;
  durationMinutes: number | null;
  masked: boolean | null;
  meetsDefinition: boolean;
  source: string;
  status: string;
  note: string | null;
  caseId: number | null;
  orderId: number | null;
  orderEndDate: string | null;
}

const CONTACT_COLS = `k.id, k.person_id AS "personId", p.full_name AS "fullName", p.birth_date AS "birthDate", p.phone,
  k.commune_code AS "communeCode", u.name AS "communeName", k.source_person_id AS "sourcePersonId", sp.full_name AS "sourceName",
  k.source_contact_id AS "sourceContactId", k.root_case_id AS "rootCaseId", k.degree, k.exposure_date AS "exposureDate", k.setting,
  k.proximity, k.duration_minutes AS "durationMinutes", k.masked, k.meets_definition AS "meetsDefinition", k.source, k.status, k.note,
  (SELECT c.id FROM case_record c WHERE c.province_code = k.province_code AND c.person_id = k.person_id ORDER BY c.id DESC LIMIT 1) AS "caseId",
  o.id AS "orderId", o.end_date AS "orderEndDate"`;
const CONTACT_FROM = `contact k
  JOIN person p ON p.province_code = k.province_code AND p.id = k.person_id
  LEFT JOIN person sp ON sp.province_code = k.province_code AND sp.id = k.source_person_id
  LEFT JOIN admin_unit u ON u.province_code = k.province_code AND u.code = k.commune_code
  LEFT JOIN quarantine_order o ON o.province_code = k.province_code AND o.person_id = k.person_id AND o.status = 'active'`;

export async function getContact(q: Queryable, scope: Scope, id: number): Promise<ContactRow | null> {
  const r = await q.query<ContactRow>(`SELECT ${CONTACT_COLS} FROM ${CONTACT_FROM} WHERE k.province_code = $1 AND k.id = $2 AND k.unit_path LIKE $3 || '%'`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ?? null;
}

/** Every contact in a case's chain (F1, F2, …) visible to the caller, closest first. */
export async function contactsOfCase(q: Queryable, scope: Scope, caseId: number): Promise<ContactRow[]> {
  const r = await q.query<ContactRow>(
    `SELECT ${CONTACT_COLS} FROM ${CONTACT_FROM} WHERE k.province_code = $1 AND k.root_case_id = $2 AND k.unit_path LIKE $3 || '%' ORDER BY k.degree, k.id`,
    [scope.provinceCode, caseId, scope.path],
  );
  return r.rows;
}

export async function contactsOfPerson(q: Queryable, scope: Scope, personId: number): Promise<ContactRow[]> {
  const r = await q.query<ContactRow>(
    `SELECT ${CONTACT_COLS} FROM ${CONTACT_FROM} WHERE k.province_code = $1 AND k.person_id = $2 AND k.unit_path LIKE $3 || '%' ORDER BY k.exposure_date DESC, k.id DESC`,
    [scope.provinceCode, personId, scope.path],
  );
  return r.rows;
}

export interface CaseEventRow {
  id: number;
  at: string;
  username: string | null;
  kind: string;
  changes: Record<string, unknown> | null;
}

export async function caseEvents(q: Queryable, provinceCode: string, caseId: number): Promise<CaseEventRow[]> {
  const r = await q.query<CaseEventRow>(`SELECT id, at, username, kind, changes FROM case_event WHERE province_code = $1 AND case_id = $2 ORDER BY at, id`, [provinceCode, caseId]);
  return r.rows;
}

export async function addCaseEvent(q: Queryable, provinceCode: string, caseId: number, user: { id: number; username: string } | null, kind: string, changes: unknown) {
  await q.query(`INSERT INTO case_event (province_code, case_id, user_id, username, kind, changes) VALUES ($1, $2, $3, $4, $5, $6)`, [
    provinceCode,
    caseId,
    user?.id ?? null,
    user?.username ?? null,
    kind,
    changes == null ? null : JSON.stringify(changes),
  ]);
}

export interface PersonLite {
  id: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  cccd: string | null;
  householdId: string | null;
  communeCode: string;
  villageCode: string | null;
  unitPath: string;
  address: string | null;
}

export async function personsInScope(q: Queryable, scope: Scope, ids: number[]): Promise<Map<number, PersonLite>> {
  if (!ids.length) return new Map();
  const r = await q.query<PersonLite>(
    `SELECT id, full_name AS "fullName", birth_date AS "birthDate", sex, phone, cccd, household_id AS "householdId", commune_code AS "communeCode",
            village_code AS "villageCode", unit_path AS "unitPath", address
       FROM person WHERE province_code = $1 AND id = ANY($2::bigint[]) AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, ids, scope.path],
  );
  return new Map(r.rows.map((p) => [Number(p.id), p]));
}

/** Household members of a person who are not yet traced from them (proposed F1). */
export async function householdProposals(q: Queryable, scope: Scope, personId: number, householdId: string | null) {
  if (!householdId) return [];
  const r = await q.query<{ id: number; fullName: string; birthDate: string | null; sex: string | null; phone: string | null }>(
    `SELECT p.id, p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.phone FROM person p
      WHERE p.province_code = $1 AND p.household_id = $2 AND p.id <> $3 AND p.unit_path LIKE $4 || '%'
        AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.source_person_id = $3 AND k.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id AND c.status = 'confirmed')
      ORDER BY p.birth_date NULLS LAST, p.id`,
    [scope.provinceCode, householdId, personId, scope.path],
  );
  return r.rows;
}

/** Person ids up the chain from a contact to its root case's person: used to refuse loops. */
export async function chainAbove(q: Queryable, provinceCode: string, contactId: number | null): Promise<number[]> {
  const chain: number[] = [];
  let id = contactId;
  for (let guard = 0; id != null && guard < 20; guard++) {
    const r = await q.query<{ personId: number; sourcePersonId: number; sourceContactId: number | null }>(
      `SELECT person_id AS "personId", source_person_id AS "sourcePersonId", source_contact_id AS "sourceContactId" FROM contact WHERE province_code = $1 AND id = $2`,
      [provinceCode, id],
    );
    const row = r.rows[0];
    if (!row) break;
    chain.push(Number(row.personId), Number(row.sourcePersonId));
    id = row.sourceContactId;
  }
  return chain;
}
