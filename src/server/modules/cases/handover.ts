// Contacts traced across commune borders: the tracer's commune records the exposure of someone
// living elsewhere and hands them over to the commune they live in, which accepts (and then owns
// the follow-up: call, quarantine order, checks, tasks) or returns them with a reason.
//
// Who sees what (docs/decisions.md, 2026-12-01): the receiving commune sees the contact's full
// record (they live there) and the exposure; the sending side sees, on its case and in its
// outbox, only what it recorded (the name as typed, degree, exposure date, setting) and the
// answer — never the registry record of a person outside its jurisdiction. Someone of another
// commune is found by an exact identity (CCCD, or phone + name + birth date), never by a search,
// and the answer names only the commune they live in.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import type { Scope } from '../units/store.ts';
import {
  answerTransition,
  canResend,
  matchIdentity,
  needsHandover,
  receiveDueHours,
  type HandoverAnswer,
  type HandoverStatus,
  type Identity,
  type IdentityInput,
  parseIdentity,
} from '../../../domain/cases/handover.ts';
import type { TracingDueHours } from '../../../domain/cases/policies.ts';
import type { FieldError } from '../../../domain/cases/validate.ts';
import { todayInVietnam } from '../imports/service.ts';
import * as store from './store.ts';
import { createTask } from './tasks.ts';
import type { Actor } from './service.ts';

export interface HandoverRequest {
  /** The client's key for this request (a UUID): a replay gets the first answer, nothing is written twice. */
  requestId: string;
  /** For the receiving commune: what the tracer wants them to know. */
  message?: string | null;
}

/** Where the person lives, as the hand-over needs it. */
export interface Residence {
  id: number;
  unitPath: string;
  communeCode: string;
}

const prefixed = (errors: FieldError[], at: string) => errors.map((e) => ({ ...e, field: `${at}.${e.field}` }));

async function dueHours(q: Queryable, provinceCode: string) {
  const p = await policyOn<TracingDueHours>(q, provinceCode, 'tracing.due_hours', todayInVietnam());
  if (!p) throw new AppError(409, 'conflict', [{ field: 'tracing.due_hours', code: 'no_policy_in_force' }]);
  return p.value;
}

/** The code of the unit at the end of a jurisdiction path ('20/178/05971/' → '05971'). */
const unitOfPath = (path: string) => path.split('/').filter(Boolean).pop()!;

// ---- Identity ----

interface IdentityRow extends Residence {
  cccd: string | null;
  nameKey: string;
  phone: string | null;
  birthDate: string | null;
}

/** The registry person an exact identity names, anywhere in the province (callers reveal nothing of them but their commune). */
export async function findByIdentity(q: Queryable, provinceCode: string, identity: Identity) {
  const r = await q.query<IdentityRow>(
    `SELECT id, cccd, name_search AS "nameKey", phone, birth_date AS "birthDate", unit_path AS "unitPath", commune_code AS "communeCode" FROM person
      WHERE province_code = $1 AND (($2::text IS NOT NULL AND cccd = $2) OR ($3::text IS NOT NULL AND phone = $3 AND birth_date = $4::date AND name_search = $5))
      LIMIT 5`,
    identity.by === 'cccd' ? [provinceCode, identity.cccd, null, null, null] : [provinceCode, null, identity.phone, identity.birthDate, identity.nameKey],
  );
  return matchIdentity(identity, r.rows.map((p) => ({ ...p, id: Number(p.id) })));
}

export interface CommuneLabel {
  code: string;
  name: string;
  districtName: string | null;
}

async function communeLabel(q: Queryable, provinceCode: string, code: string): Promise<CommuneLabel & { path: string }> {
  const r = await q.query<CommuneLabel & { path: string }>(
    `SELECT u.code, u.name, u.path, d.name AS "districtName" FROM admin_unit u
       LEFT JOIN admin_unit d ON d.province_code = u.province_code AND d.code = u.parent_code AND d.level = 'district'
      WHERE u.province_code = $1 AND u.code = $2`,
    [provinceCode, code],
  );
  return r.rows[0];
}

/**
 * "Is this person in the registry, and where do they live?" for someone the tracer met: the
 * answer is found / not found / several, and the commune of residence — what the tracer typed is
 * all they learn beyond that. Audited like any read of personal data.
 */
export async function lookupIdentity(q: Queryable, req: FastifyRequest, scope: Scope, input: IdentityInput) {
  const parsed = parseIdentity(input, todayInVietnam());
  if (!parsed.ok) throw badRequest(parsed.errors);
  const found = await findByIdentity(q, scope.provinceCode, parsed.identity);
  const by = parsed.identity.by;
  if (found.match !== 'one') {
    await audit(q, req, { action: 'read', entity: 'person_identity', outcome: 'not_found', details: { by, ambiguous: found.match === 'ambiguous' } });
    return { found: false, ambiguous: found.match === 'ambiguous' };
  }
  const inJurisdiction = !needsHandover(found.person.unitPath, scope.path);
  const commune = await communeLabel(q, scope.provinceCode, found.person.communeCode);
  await audit(q, req, { action: 'read', entity: 'person_identity', entityId: found.person.id, details: { by, commune: commune.code } });
  return { found: true, inJurisdiction, commune: { code: commune.code, name: commune.name, districtName: commune.districtName } };
}

/**
 * Resolves the contact of a hand-over request: the person named by the identity, who must live
 * outside the caller's jurisdiction (inside it no hand-over is needed).
 */
export async function resolveIdentity(q: Queryable, scope: Scope, input: IdentityInput, field: string): Promise<{ personId: number; identifiedBy: Identity['by']; contactName: string }> {
  const parsed = parseIdentity(input, todayInVietnam());
  if (!parsed.ok) throw badRequest(prefixed(parsed.errors, field));
  const found = await findByIdentity(q, scope.provinceCode, parsed.identity);
  if (found.match === 'none') throw badRequest([{ field, code: 'not_found' }]);
  if (found.match === 'ambiguous') throw conflict([{ field, code: 'ambiguous' }]);
  if (!needsHandover(found.person.unitPath, scope.path)) throw badRequest([{ field, code: 'in_jurisdiction' }]);
  return { personId: found.person.id, identifiedBy: parsed.identity.by, contactName: parsed.identity.fullName };
}

/** Where people live, for those outside the caller's jurisdiction (internal: never sent to the caller). */
export async function residences(q: Queryable, provinceCode: string, ids: number[]): Promise<Map<number, store.PersonLite>> {
  if (!ids.length) return new Map();
  const r = await q.query<store.PersonLite>(
    `SELECT id, full_name AS "fullName", birth_date AS "birthDate", sex, phone, cccd, household_id AS "householdId", commune_code AS "communeCode",
            village_code AS "villageCode", unit_path AS "unitPath", address
       FROM person WHERE province_code = $1 AND id = ANY($2::bigint[])`,
    [provinceCode, ids],
  );
  return new Map(r.rows.map((p) => [Number(p.id), { ...p, id: Number(p.id) }]));
}

/** Communes and villages of the province outside the caller's jurisdiction (admin units, no personal data), to place a new contact in. */
export async function otherUnits(q: Queryable, scope: Scope, key: string, limit = 20) {
  const r = await q.query<{ code: string; name: string; level: string; parentName: string | null }>(
    `SELECT u.code, u.name, u.level, pu.name AS "parentName" FROM admin_unit u
       LEFT JOIN admin_unit pu ON pu.province_code = u.province_code AND pu.code = u.parent_code
      WHERE u.province_code = $1 AND u.level IN ('commune', 'village') AND u.path NOT LIKE $2 || '%' AND u.name_search LIKE '%' || $3 || '%'
      ORDER BY u.depth, u.name_search, u.code LIMIT $4`,
    [scope.provinceCode, scope.path, key, limit],
  );
  return r.rows;
}

// ---- Recording ----

export interface HandoverSummary {
  id: number;
  status: HandoverStatus;
  toUnitCode: string;
  toUnitName: string;
  replayed?: boolean;
}

/**
 * A replayed request (same requestId) gets the first answer back. Serialised on the key, so two
 * copies sent at once cannot both write. A key reused for something else is refused.
 */
export async function replayedHandover(q: Queryable, scope: Scope, actor: Actor, requestId: string, check: { sourcePersonId?: number; resentFrom?: number }, field: string) {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${scope.provinceCode}:handover:${requestId}`]);
  const r = await q.query<{ id: number; contactId: number; status: HandoverStatus; toUnitCode: string; toUnitName: string; createdBy: number; sourcePersonId: number | null; personId: number | null; resentFrom: number | null; degree: number; meetsDefinition: boolean }>(
    `SELECT h.id, h.contact_id AS "contactId", h.status, h.to_unit_code AS "toUnitCode", u.name AS "toUnitName", h.created_by AS "createdBy",
            k.source_person_id AS "sourcePersonId", k.person_id AS "personId", h.resent_from AS "resentFrom", h.degree, h.meets_definition AS "meetsDefinition"
       FROM contact_handover h
       LEFT JOIN contact k ON k.province_code = h.province_code AND k.id = h.contact_id
       LEFT JOIN admin_unit u ON u.province_code = h.province_code AND u.code = h.to_unit_code
      WHERE h.province_code = $1 AND h.request_id = $2`,
    [scope.provinceCode, requestId],
  );
  const h = r.rows[0];
  if (!h) return null;
  const same =
    Number(h.createdBy) === actor.id &&
    (check.sourcePersonId == null || Number(h.sourcePersonId) === check.sourcePersonId) &&
    (check.resentFrom == null || Number(h.resentFrom) === check.resentFrom);
  if (!same) throw conflict([{ field, code: 'request_reused' }]);
  return {
    contactId: Number(h.contactId),
    personId: Number(h.personId),
    degree: h.degree,
    meetsDefinition: h.meetsDefinition,
    handover: { id: Number(h.id), status: h.status, toUnitCode: h.toUnitCode, toUnitName: h.toUnitName, replayed: true } as HandoverSummary,
  };
}

export interface NewHandover {
  requestId: string;
  message?: string | null;
  contactId: number;
  caseId: number;
  person: Residence;
  contactName: string;
  degree: number;
  exposureDate: string;
  setting: string;
  meetsDefinition: boolean;
  identifiedBy: 'cccd' | 'phone_name_birth' | 'new_person';
  resentFrom?: number | null;
}

/** Writes the hand-over, the receiving commune's task and the sender's case event; audited. */
export async function recordHandover(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, h: NewHandover): Promise<HandoverSummary> {
  const to = await communeLabel(q, scope.provinceCode, h.person.communeCode);
  let id: number;
  try {
    const r = await q.query<{ id: number }>(
      `INSERT INTO contact_handover (province_code, request_id, contact_id, case_id, from_unit_code, from_path, to_unit_code, to_path, contact_name, degree,
         exposure_date, setting, meets_definition, identified_by, message, resent_from, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
      [
        scope.provinceCode,
        h.requestId,
        h.contactId,
        h.caseId,
        unitOfPath(scope.path),
        scope.path,
        to.code,
        to.path,
        h.contactName,
        h.degree,
        h.exposureDate,
        h.setting,
        h.meetsDefinition,
        h.identifiedBy,
        h.message?.trim() || null,
        h.resentFrom ?? null,
        actor.id,
      ],
    );
    id = Number(r.rows[0].id);
  } catch (e) {
    // Another hand-over of this contact opened meanwhile (one open per contact), or the key was taken.
    if ((e as { code?: string }).code === '23505') throw conflict([{ field: 'handover', code: 'already_handed_over' }]);
    throw e;
  }
  const due = await dueHours(q, scope.provinceCode);
  await createTask(q, scope.provinceCode, {
    kind: 'receive_handover',
    personId: h.person.id,
    contactId: h.contactId,
    unitPath: h.person.unitPath,
    communeCode: h.person.communeCode,
    role: 'health_worker',
    dueAt: new Date(Date.now() + receiveDueHours(due) * 3_600_000),
    detail: { handoverId: id, degree: h.degree },
  });
  await store.addCaseEvent(q, scope.provinceCode, h.caseId, actor, 'handover_sent', { handoverId: id, to: to.name, name: h.contactName, degree: h.degree });
  await audit(q, req, { action: 'create', entity: 'contact_handover', entityId: id, details: { contactId: h.contactId, caseId: h.caseId, to: to.code, identifiedBy: h.identifiedBy, resentFrom: h.resentFrom ?? null } });
  return { id, status: 'pending', toUnitCode: to.code, toUnitName: to.name };
}

// ---- Reading ----

/** What the sending side sees: what it recorded, where it went and the answer. */
export interface OutgoingHandover {
  id: number;
  status: HandoverStatus;
  caseId: number;
  contactName: string;
  degree: number;
  exposureDate: string;
  setting: string;
  meetsDefinition: boolean;
  identifiedBy: string;
  message: string | null;
  fromUnitName: string | null;
  toUnitCode: string;
  toUnitName: string | null;
  toDistrictName: string | null;
  createdAt: string;
  createdByName: string | null;
  answeredAt: string | null;
  answeredByName: string | null;
  returnReason: string | null;
  answerNote: string | null;
  resentFrom: number | null;
  /** Handed over again after this return. */
  resent: boolean;
  /** The case is in the caller's jurisdiction (a commune tracing onward from another's case cannot open it). */
  caseVisible: boolean;
}

/** What the receiving commune sees: the above, the exposure in full and the person of its registry. */
export interface IncomingHandover extends OutgoingHandover {
  contactId: number | null;
  personId: number | null;
  fullName: string | null;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  proximity: string | null;
  durationMinutes: number | null;
  masked: boolean | null;
  contactStatus: string | null;
  orderId: number | null;
  orderEndDate: string | null;
}

const OUT_COLS = `h.id, h.status, h.case_id AS "caseId", h.contact_name AS "contactName", h.degree, h.exposure_date AS "exposureDate", h.setting,
  h.meets_definition AS "meetsDefinition", h.identified_by AS "identifiedBy", h.message, fu.name AS "fromUnitName", h.to_unit_code AS "toUnitCode",
  tu.name AS "toUnitName", td.name AS "toDistrictName", h.created_at AS "createdAt", cu.full_name AS "createdByName", h.answered_at AS "answeredAt",
  au.full_name AS "answeredByName", h.return_reason AS "returnReason", h.answer_note AS "answerNote", h.resent_from AS "resentFrom",
  EXISTS (SELECT 1 FROM contact_handover n WHERE n.province_code = h.province_code AND n.resent_from = h.id) AS resent,
  EXISTS (SELECT 1 FROM case_record cr WHERE cr.province_code = h.province_code AND cr.id = h.case_id AND cr.unit_path LIKE $2 || '%') AS "caseVisible"`;
// Every query using OUT_COLS passes the caller's jurisdiction path as $2.
const OUT_FROM = `contact_handover h
  LEFT JOIN admin_unit fu ON fu.province_code = h.province_code AND fu.code = h.from_unit_code
  LEFT JOIN admin_unit tu ON tu.province_code = h.province_code AND tu.code = h.to_unit_code
  LEFT JOIN admin_unit td ON td.province_code = tu.province_code AND td.code = tu.parent_code AND td.level = 'district'
  LEFT JOIN app_user cu ON cu.province_code = h.province_code AND cu.id = h.created_by
  LEFT JOIN app_user au ON au.province_code = h.province_code AND au.id = h.answered_by`;
// The person is shown only while they live in the caller's jurisdiction ($2): a merge or a move can take them out of it.
const IN_COLS = `${OUT_COLS}, k.id AS "contactId", p.id AS "personId", p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.phone, p.address,
  v.name AS "villageName", c.name AS "communeName", k.proximity, k.duration_minutes AS "durationMinutes", k.masked, k.status AS "contactStatus",
  o.id AS "orderId", o.end_date AS "orderEndDate"`;
const IN_FROM = `${OUT_FROM}
  LEFT JOIN contact k ON k.province_code = h.province_code AND k.id = h.contact_id AND k.unit_path LIKE $2 || '%'
  LEFT JOIN person p ON p.province_code = k.province_code AND p.id = k.person_id AND p.unit_path LIKE $2 || '%'
  LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
  LEFT JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
  LEFT JOIN quarantine_order o ON o.province_code = p.province_code AND o.person_id = p.id AND o.status = 'active'`;

export type Box = 'in' | 'out';

export async function listHandovers(q: Queryable, scope: Scope, f: { box: Box; status?: HandoverStatus | null; limit: number }) {
  const side = f.box === 'in' ? 'h.to_path' : 'h.from_path';
  const where = `h.province_code = $1 AND ${side} LIKE $2 || '%'`;
  const [items, counts] = await Promise.all([
    q.query<IncomingHandover | OutgoingHandover>(
      `SELECT ${f.box === 'in' ? IN_COLS : OUT_COLS} FROM ${f.box === 'in' ? IN_FROM : OUT_FROM}
        WHERE ${where} AND ($3::text IS NULL OR h.status = $3)
        ORDER BY (h.status = 'pending') DESC, h.created_at DESC, h.id DESC LIMIT $4`,
      [scope.provinceCode, scope.path, f.status ?? null, f.limit],
    ),
    q.query<{ pending: number; accepted: number; returned: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
              count(*) FILTER (WHERE status = 'returned')::int AS returned
         FROM contact_handover h WHERE ${where}`,
      [scope.provinceCode, scope.path],
    ),
  ]);
  return { items: items.rows, counts: counts.rows[0] };
}

/** The hand-overs a case's side sent (the sender keeps seeing the exposure it recorded). */
export async function handoversOfCase(q: Queryable, scope: Scope, caseId: number): Promise<OutgoingHandover[]> {
  const r = await q.query<OutgoingHandover>(
    `SELECT ${OUT_COLS} FROM ${OUT_FROM} WHERE h.province_code = $1 AND h.from_path LIKE $2 || '%' AND h.case_id = $3 ORDER BY h.created_at, h.id`,
    [scope.provinceCode, scope.path, caseId],
  );
  return r.rows;
}

interface HandoverState {
  id: number;
  status: HandoverStatus;
  contactId: number;
  caseId: number;
  fromPath: string;
  toPath: string;
  contactName: string;
  degree: number;
  exposureDate: string;
  setting: string;
  meetsDefinition: boolean;
  identifiedBy: NewHandover['identifiedBy'];
  toName: string | null;
}

/** A hand-over the caller sent or received (404 otherwise), locked for an answer. */
async function handoverForUpdate(q: Queryable, scope: Scope, id: number): Promise<HandoverState & { incoming: boolean; outgoing: boolean }> {
  const r = await q.query<HandoverState>(
    `SELECT h.id, h.status, h.contact_id AS "contactId", h.case_id AS "caseId", h.from_path AS "fromPath", h.to_path AS "toPath", h.contact_name AS "contactName",
            h.degree, h.exposure_date AS "exposureDate", h.setting, h.meets_definition AS "meetsDefinition", h.identified_by AS "identifiedBy", u.name AS "toName"
       FROM contact_handover h LEFT JOIN admin_unit u ON u.province_code = h.province_code AND u.code = h.to_unit_code
      WHERE h.province_code = $1 AND h.id = $2 AND (h.to_path LIKE $3 || '%' OR h.from_path LIKE $3 || '%') FOR UPDATE OF h`,
    [scope.provinceCode, id, scope.path],
  );
  const h = r.rows[0];
  if (!h) throw notFound();
  return { ...h, id: Number(h.id), contactId: Number(h.contactId), caseId: Number(h.caseId), incoming: h.toPath.startsWith(scope.path), outgoing: h.fromPath.startsWith(scope.path) };
}

export async function getIncoming(q: Queryable, scope: Scope, id: number): Promise<IncomingHandover | null> {
  const r = await q.query<IncomingHandover>(`SELECT ${IN_COLS} FROM ${IN_FROM} WHERE h.province_code = $1 AND h.to_path LIKE $2 || '%' AND h.id = $3`, [scope.provinceCode, scope.path, id]);
  return r.rows[0] ?? null;
}

async function getOutgoing(q: Queryable, scope: Scope, id: number): Promise<OutgoingHandover | null> {
  const r = await q.query<OutgoingHandover>(`SELECT ${OUT_COLS} FROM ${OUT_FROM} WHERE h.province_code = $1 AND h.from_path LIKE $2 || '%' AND h.id = $3`, [scope.provinceCode, scope.path, id]);
  return r.rows[0] ?? null;
}

// ---- Answers ----

/**
 * The receiving commune accepts (it now follows the contact up: the call task goes to its team)
 * or returns the hand-over with a reason (the sender sees it). The same answer sent again changes
 * nothing; the sender cannot answer its own hand-over.
 */
export async function answerHandover(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, id: number, answer: HandoverAnswer): Promise<IncomingHandover> {
  const h = await handoverForUpdate(q, scope, id);
  if (!h.incoming) throw new AppError(403, 'forbidden', [{ field: 'id', code: 'not_addressed_to_you' }]);
  const step = answerTransition(h.status, answer);
  if (!step.ok) throw step.kind === 'bad_input' ? badRequest(step.errors) : new AppError(409, 'invalid_state', step.errors);
  if (step.replay) return (await getIncoming(q, scope, id))!;
  const note = answer.note?.trim() || null;
  const contact = await store.getContact(q, scope, h.contactId);
  if (answer.action === 'accept' && !contact) throw new AppError(409, 'invalid_state', [{ field: 'contactId', code: 'not_a_contact' }]);
  // They may have moved out since (a registry correction): then this commune cannot follow them up.
  const person = contact ? (await store.personsInScope(q, scope, [contact.personId])).get(contact.personId) : undefined;
  if (answer.action === 'accept' && !person) throw new AppError(409, 'invalid_state', [{ field: 'contactId', code: 'moved_away' }]);
  await q.query(
    `UPDATE contact_handover SET status = $3, return_reason = $4, answer_note = $5, answered_by = $6, answered_at = now() WHERE province_code = $1 AND id = $2`,
    [scope.provinceCode, id, step.next, answer.action === 'return' ? answer.reason : null, note, actor.id],
  );
  await q.query(
    `UPDATE task SET status = 'done', done_at = now(), done_by = $3, assignee_id = coalesce(assignee_id, $3), note = $4
      WHERE province_code = $1 AND contact_id = $2 AND kind = 'receive_handover' AND status = 'open'`,
    [scope.provinceCode, h.contactId, actor.id, answer.action === 'accept' ? 'handover_accepted' : 'handover_returned'],
  );
  if (answer.action === 'accept' && contact && person && (contact.status === 'traced' || contact.status === 'proposed')) {
    const due = await dueHours(q, scope.provinceCode);
    const p = person;
    await createTask(q, scope.provinceCode, {
      kind: 'call_contact',
      personId: p.id,
      contactId: h.contactId,
      unitPath: p.unitPath,
      communeCode: p.communeCode,
      role: 'community_team',
      dueAt: new Date(Date.now() + due.callContact * 3_600_000),
      detail: { degree: h.degree, handoverId: id },
    });
  }
  await store.addCaseEvent(q, scope.provinceCode, h.caseId, actor, answer.action === 'accept' ? 'handover_accepted' : 'handover_returned', {
    handoverId: id,
    to: h.toName,
    name: h.contactName,
    reason: answer.action === 'return' ? answer.reason : undefined,
    note: answer.action === 'return' ? note : undefined,
  });
  await audit(q, req, { action: 'update', entity: 'contact_handover', entityId: id, details: { status: step.next, reason: answer.action === 'return' ? answer.reason : null } });
  return (await getIncoming(q, scope, id))!;
}

/**
 * The sender hands a returned contact over again (after clarifying with the other commune, or
 * once the registry has their right residence): to the commune they live in now.
 */
export async function resendHandover(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, id: number, r: HandoverRequest): Promise<OutgoingHandover> {
  const h = await handoverForUpdate(q, scope, id);
  if (!h.outgoing) throw new AppError(403, 'forbidden', [{ field: 'id', code: 'not_sent_by_you' }]);
  const replay = await replayedHandover(q, scope, actor, r.requestId, { resentFrom: id }, 'requestId');
  if (replay) return (await getOutgoing(q, scope, replay.handover.id))!;
  const open = await q.query(`SELECT 1 FROM contact_handover WHERE province_code = $1 AND contact_id = $2 AND status IN ('pending', 'accepted')`, [scope.provinceCode, h.contactId]);
  const errors = canResend(h.status, open.rows.length > 0);
  if (errors.length) throw new AppError(409, 'invalid_state', errors);
  const k = await q.query<{ personId: number; status: string }>(`SELECT person_id AS "personId", status FROM contact WHERE province_code = $1 AND id = $2`, [scope.provinceCode, h.contactId]);
  if (!k.rows[0] || k.rows[0].status === 'rejected') throw new AppError(409, 'invalid_state', [{ field: 'contactId', code: 'not_a_contact' }]);
  const person = (await residences(q, scope.provinceCode, [Number(k.rows[0].personId)])).get(Number(k.rows[0].personId))!;
  if (!needsHandover(person.unitPath, scope.path)) throw badRequest([{ field: 'id', code: 'in_jurisdiction' }]);
  // The contact row follows the person's residence of today, so the commune it goes to sees it.
  await q.query(`UPDATE contact SET unit_path = $3, commune_code = $4 WHERE province_code = $1 AND id = $2 AND (unit_path <> $3 OR commune_code <> $4)`, [
    scope.provinceCode,
    h.contactId,
    person.unitPath,
    person.communeCode,
  ]);
  const sent = await recordHandover(q, req, scope, actor, {
    requestId: r.requestId,
    message: r.message,
    contactId: h.contactId,
    caseId: h.caseId,
    person,
    contactName: h.contactName,
    degree: h.degree,
    exposureDate: h.exposureDate,
    setting: h.setting,
    meetsDefinition: h.meetsDefinition,
    identifiedBy: h.identifiedBy,
    resentFrom: id,
  });
  return (await getOutgoing(q, scope, sent.id))!;
}
