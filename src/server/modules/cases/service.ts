// Use cases of the case area: register a case (with its contacts), trace contacts to any depth,
// turn a contact into a case, edit with optimistic locking. Rules come from src/domain/cases with
// the policy versions in force; every write is one transaction with its audit entry.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import type { Scope } from '../units/store.ts';
import { classifyF0, checkF1, transmissionWindow, type Proximity } from '../../../domain/cases/definitions.ts';
import type { F0DefinitionPolicy, F1DefinitionPolicy, TracingDueHours } from '../../../domain/cases/policies.ts';
import { validateCaseDates, validateContactLink, type FieldError } from '../../../domain/cases/validate.ts';
import { todayInVietnam } from '../imports/service.ts';
import * as store from './store.ts';
import { createTask } from './tasks.ts';
import { caseVaccinationFacts } from '../vaccination/status.ts';
import { noteCaseInZones } from './zones.ts';
import { addTracedPerson, type NewPersonInput } from './tracedPerson.ts';
import { recordHandover, replayedHandover, residences, resolveIdentity, type HandoverRequest, type HandoverSummary } from './handover.ts';
import type { IdentityInput } from '../../../domain/cases/handover.ts';
import { normalizeName } from '../../../domain/people/normalize.ts';

export interface Actor {
  id: number;
  username: string;
}

export interface ContactInput {
  /** A person of the registry, or: */
  personId?: number;
  /** someone not in it yet (added to the registry after the duplicate check), or: */
  newPerson?: NewPersonInput;
  /** someone living in another commune, named by an exact identity (with `handover`). */
  identity?: IdentityInput;
  /** The contact lives outside the jurisdiction: recorded and handed over to their commune (one contact per request). */
  handover?: HandoverRequest;
  exposureDate: string;
  setting: 'household' | 'workplace' | 'venue' | 'transport' | 'health_facility' | 'school' | 'other';
  proximity: Proximity;
  durationMinutes?: number | null;
  masked?: boolean | null;
  source?: 'interview' | 'checkin' | 'household' | 'other';
  note?: string | null;
}

export interface CaseInput {
  personId: number;
  reportDate: string;
  onsetDate?: string | null;
  sampleDate?: string | null;
  detectedIn: 'community' | 'quarantine';
  reportedVia: 'lab' | 'rapid_test' | 'health_worker' | 'contact';
  evidence: { pcrPositive?: boolean; rapidPositiveAt?: string[]; suspected?: boolean; epiLink?: boolean };
  severity?: string;
  vaccinationStatus?: string;
  lastDoseDate?: string | null;
  comorbidities?: string[];
  pregnant?: boolean;
  placeDetected?: string | null;
  notes?: string | null;
  contacts?: ContactInput[];
}

async function policy<T>(q: Queryable, provinceCode: string, key: string, date: string) {
  const p = await policyOn<T>(q, provinceCode, key, date);
  if (!p) throw new AppError(409, 'conflict', [{ field: key, code: 'no_policy_in_force' }]);
  return p;
}

const prefix = (fields: FieldError[], at: string) => fields.map((f) => ({ ...f, field: `${at}.${f.field}` }));

export async function createCase(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: CaseInput, fromContactId: number | null = null) {
  const today = todayInVietnam();
  const errors = validateCaseDates(input, today);
  if (input.lastDoseDate && input.lastDoseDate > today) errors.push({ field: 'lastDoseDate', code: 'in_future' });
  // A test read "in the future" is a clock or typing mistake (a few minutes of clock skew allowed).
  (input.evidence.rapidPositiveAt ?? []).forEach((at, i) => {
    if (Date.parse(at) > Date.now() + 10 * 60_000) errors.push({ field: `evidence.rapidPositiveAt.${i}`, code: 'in_future' });
  });
  if (errors.length) throw badRequest(errors);
  const people = await store.personsInScope(q, scope, [input.personId]);
  const person = people.get(input.personId);
  if (!person) throw notFound();
  if (input.pregnant && person.sex === 'M') throw badRequest([{ field: 'pregnant', code: 'not_applicable' }]);
  if (await store.openCaseOfPerson(q, scope.provinceCode, person.id)) throw conflict([{ field: 'personId', code: 'already_case' }]);

  const definition = await policy<F0DefinitionPolicy>(q, scope.provinceCode, 'cases.f0_definition', input.reportDate);
  const traced = await q.query<{ id: number }>(`SELECT id FROM contact WHERE province_code = $1 AND person_id = $2 AND degree = 1 AND status <> 'rejected' ORDER BY id DESC LIMIT 1`, [
    scope.provinceCode,
    person.id,
  ]);
  const decision = classifyF0(
    {
      pcrPositive: input.evidence.pcrPositive ?? false,
      rapidPositiveAt: input.evidence.rapidPositiveAt ?? [],
      isF1: traced.rows.length > 0,
      suspected: input.evidence.suspected ?? false,
      epiLink: (input.evidence.epiLink ?? false) || traced.rows.length > 0,
    },
    definition.value,
  );
  if (!decision.confirmed) throw new AppError(400, 'not_a_case', [{ field: 'evidence', code: 'not_a_case' }]);

  // The vaccination registry, when it has doses of the person, rather than what was typed in.
  const registry = await caseVaccinationFacts(q, scope.provinceCode, person.id, input.reportDate);
  const r = await q.query<{ id: number }>(
    `INSERT INTO case_record (province_code, person_id, unit_path, commune_code, basis, reported_via, definition_version, report_date, onset_date, sample_date,
       detected_in, vaccination_status, last_dose_date, comorbidities, pregnant, severity, place_detected, notes, from_contact_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
    [
      scope.provinceCode,
      person.id,
      person.unitPath,
      person.communeCode,
      decision.basis,
      input.reportedVia,
      definition.version,
      input.reportDate,
      input.onsetDate ?? null,
      input.sampleDate ?? null,
      input.detectedIn,
      registry?.vaccinationStatus ?? input.vaccinationStatus ?? 'unknown',
      registry?.lastDoseDate ?? input.lastDoseDate ?? null,
      input.comorbidities ?? [],
      input.pregnant ?? false,
      input.severity ?? 'mild',
      input.placeDetected ?? null,
      input.notes ?? null,
      fromContactId ?? traced.rows[0]?.id ?? null,
      actor.id,
    ],
  );
  const caseId = Number(r.rows[0].id);
  // A traced contact who becomes a case keeps the record of how they were exposed.
  await q.query(`UPDATE contact SET status = 'became_case' WHERE province_code = $1 AND person_id = $2 AND status IN ('traced', 'proposed')`, [scope.provinceCode, person.id]);
  await q.query(`UPDATE task SET status = 'cancelled', note = 'became_case' WHERE province_code = $1 AND person_id = $2 AND status = 'open' AND kind IN ('call_contact', 'test_contact')`, [
    scope.provinceCode,
    person.id,
  ]);
  await noteCaseInZones(q, scope.provinceCode, person, input.reportDate);
  await store.addCaseEvent(q, scope.provinceCode, caseId, actor, 'created', { basis: decision.basis, reportedVia: input.reportedVia, definitionVersion: definition.version });
  const due = await policy<TracingDueHours>(q, scope.provinceCode, 'tracing.due_hours', today);
  await createTask(q, scope.provinceCode, {
    kind: 'investigate_case',
    personId: person.id,
    caseId,
    unitPath: person.unitPath,
    communeCode: person.communeCode,
    role: 'health_worker',
    dueAt: new Date(Date.now() + due.value.investigateCase * 3_600_000),
  });
  await audit(q, req, { action: 'create', entity: 'case', entityId: caseId, details: { personId: person.id, basis: decision.basis } });
  const contacts = input.contacts?.length ? await addContacts(q, req, scope, actor, { kind: 'case', caseId }, input.contacts, 'contacts') : [];
  return { id: caseId, contacts };
}

type ContactSource = { kind: 'case'; caseId: number } | { kind: 'contact'; contactId: number };

export interface AddedContact {
  id: number;
  personId: number;
  degree: number;
  meetsDefinition: boolean;
  /** Set when the contact was handed over to the commune they live in. */
  handover?: HandoverSummary;
}

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/**
 * Records exposures of people to a case (F1) or to a contact (next degree). The F1 definition in
 * force is checked for each and kept with it; loops, self-contacts and future dates are refused.
 * A contact living outside the jurisdiction is recorded with a hand-over to their commune
 * (handover.ts): alone in its request, found by identity or entered as someone new there.
 */
export async function addContacts(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, source: ContactSource, contactInputs: ContactInput[], field = 'contacts'): Promise<AddedContact[]> {
  let inputs: (ContactInput & { personId: number })[] = [];
  const today = todayInVietnam();
  let sourcePersonId: number;
  let rootCaseId: number;
  let degree: number;
  let chain: number[];
  let window: { from: string; to: string | null };
  const f1 = await policy<F1DefinitionPolicy>(q, scope.provinceCode, 'cases.f1_definition', today);
  if (source.kind === 'case') {
    const c = await store.getCase(q, scope, source.caseId);
    if (!c) throw notFound();
    sourcePersonId = c.personId;
    rootCaseId = c.id;
    degree = 1;
    chain = [];
    window = transmissionWindow(c, f1.value);
  } else {
    const k = await store.getContact(q, scope, source.contactId);
    if (!k) throw notFound();
    if (k.status === 'rejected') throw new AppError(409, 'invalid_state', [{ field: 'contactId', code: 'rejected' }]);
    sourcePersonId = k.personId;
    rootCaseId = k.rootCaseId;
    degree = k.degree + 1;
    chain = await store.chainAbove(q, scope.provinceCode, k.id);
    // An F2 is exposed to an F1 between the F1's own exposure and the F1's quarantine.
    window = { from: k.exposureDate, to: k.orderEndDate };
  }
  if (degree > 9) throw badRequest([{ field, code: 'too_deep' }]);

  const handoverAt = contactInputs.findIndex((c) => c.handover != null);
  if (handoverAt >= 0 && contactInputs.length > 1) throw badRequest([{ field: `${field}.${handoverAt}.handover`, code: 'handover_alone' }]);
  const strayIdentity = contactInputs.findIndex((c) => c.identity != null && c.handover == null);
  if (strayIdentity >= 0) throw badRequest([{ field: `${field}.${strayIdentity}.handover`, code: 'required' }]);
  if (handoverAt >= 0) {
    // The same request again (a phone retrying): the first answer, nothing written twice.
    const replay = await replayedHandover(q, scope, actor, contactInputs[handoverAt].handover!.requestId, { sourcePersonId }, `${field}.${handoverAt}.handover.requestId`);
    if (replay) return [{ id: replay.contactId, personId: replay.personId, degree: replay.degree, meetsDefinition: replay.meetsDefinition, handover: replay.handover }];
  }

  // People not in the registry yet are added first (refused when they may already be there);
  // people of other communes are named by identity or added there.
  const resolved: (ContactInput & { personId: number })[] = [];
  const outside = new Map<number, { identifiedBy: 'cccd' | 'phone_name_birth' | 'new_person'; contactName: string }>();
  for (const [i, c] of contactInputs.entries()) {
    const at = `${field}.${i}`;
    if (c.handover != null) {
      if (c.identity != null && c.newPerson == null && c.personId == null) {
        const found = await resolveIdentity(q, scope, c.identity, `${at}.identity`);
        resolved.push({ ...c, personId: found.personId });
        outside.set(found.personId, found);
      } else if (c.newPerson != null && c.identity == null && c.personId == null) {
        const personId = await addTracedPerson(q, scope, c.newPerson, `${at}.newPerson`, today, { outside: true });
        resolved.push({ ...c, personId });
        outside.set(personId, { identifiedBy: 'new_person', contactName: normalizeName(c.newPerson.fullName) });
      } else throw badRequest([{ field: `${at}.identity`, code: 'identity_or_new_person' }]);
    } else if (c.personId != null && c.newPerson == null) resolved.push({ ...c, personId: c.personId });
    else if (c.newPerson != null && c.personId == null) resolved.push({ ...c, personId: await addTracedPerson(q, scope, c.newPerson, `${at}.newPerson`, today) });
    else throw badRequest([{ field: `${at}.personId`, code: 'person_or_new_person' }]);
  }
  inputs = resolved;
  const ids = [...new Set(inputs.map((i) => i.personId))];
  if (ids.length !== inputs.length) {
    const seen = new Set<number>();
    const errors: FieldError[] = [];
    inputs.forEach((c, i) => {
      if (seen.has(c.personId)) errors.push({ field: `${field}.${i}.personId`, code: 'duplicate' });
      seen.add(c.personId);
    });
    throw badRequest(errors);
  }
  const people = await store.personsInScope(q, scope, ids.filter((id) => !outside.has(id)));
  for (const [id, p] of await residences(q, scope.provinceCode, [...outside.keys()])) people.set(id, p);
  const errors: FieldError[] = [];
  inputs.forEach((c, i) => {
    if (!people.has(c.personId)) errors.push({ field: `${field}.${i}.personId`, code: 'not_found' });
    errors.push(...prefix(validateContactLink({ personId: c.personId, sourcePersonId, sourceChain: chain, exposureDate: c.exposureDate }, today), `${field}.${i}`));
  });
  if (errors.length) throw badRequest(errors);
  const existing = await q.query<{ personId: number; handedOver: boolean }>(
    `SELECT k.person_id AS "personId", EXISTS (SELECT 1 FROM contact_handover h WHERE h.province_code = k.province_code AND h.contact_id = k.id) AS "handedOver"
       FROM contact k WHERE k.province_code = $1 AND k.source_person_id = $2 AND k.person_id = ANY($3::bigint[])`,
    [scope.provinceCode, sourcePersonId, ids],
  );
  const already = new Map(existing.rows.map((r) => [Number(r.personId), r.handedOver]));
  // Whether someone of another commune is an open case is theirs to know: their commune answers the hand-over.
  const openCases = await q.query<{ personId: number }>(
    `SELECT person_id AS "personId" FROM case_record WHERE province_code = $1 AND person_id = ANY($2::bigint[]) AND status = 'confirmed'`,
    [scope.provinceCode, ids.filter((id) => !outside.has(id))],
  );
  const cases = new Set(openCases.rows.map((r) => Number(r.personId)));
  inputs.forEach((c, i) => {
    if (already.has(c.personId)) errors.push({ field: `${field}.${i}.personId`, code: already.get(c.personId) ? 'already_handed_over' : 'already_traced' });
    if (cases.has(c.personId)) errors.push({ field: `${field}.${i}.personId`, code: 'already_case' });
  });
  if (errors.length) throw conflict(errors);

  const rows = inputs.map((c) => {
    const p = people.get(c.personId)!;
    const check = checkF1({ exposureDate: c.exposureDate, proximity: c.proximity, durationMinutes: c.durationMinutes ?? null, masked: c.masked ?? null }, window, f1.value);
    return {
      person_id: c.personId,
      unit_path: p.unitPath,
      commune_code: p.communeCode,
      exposure_date: c.exposureDate,
      setting: c.setting,
      proximity: c.proximity,
      duration_minutes: c.durationMinutes ?? null,
      masked: c.masked ?? null,
      meets_definition: check.meets,
      source: c.source ?? 'interview',
      note: c.note ?? null,
    };
  });
  const insert = () => q.query<{ id: number; personId: number; meetsDefinition: boolean }>(
    `INSERT INTO contact (province_code, person_id, source_person_id, source_contact_id, root_case_id, degree, unit_path, commune_code, exposure_date,
       setting, proximity, duration_minutes, masked, meets_definition, source, note, created_by)
     SELECT $1, x.person_id, $2, $3, $4, $5, x.unit_path, x.commune_code, x.exposure_date, x.setting, x.proximity, x.duration_minutes, x.masked,
            x.meets_definition, x.source, x.note, $6
       FROM jsonb_to_recordset($7::jsonb) AS x(person_id bigint, unit_path text, commune_code text, exposure_date date, setting text, proximity text,
            duration_minutes int, masked boolean, meets_definition boolean, source text, note text)
     RETURNING id, person_id AS "personId", meets_definition AS "meetsDefinition"`,
    [scope.provinceCode, sourcePersonId, source.kind === 'contact' ? source.contactId : null, rootCaseId, degree, actor.id, JSON.stringify(rows)],
  );
  let inserted: Awaited<ReturnType<typeof insert>>;
  try {
    inserted = await insert();
  } catch (e) {
    // Someone recorded the same exposure meanwhile (unique source + person).
    if (isUniqueViolation(e)) throw conflict([{ field, code: 'already_traced' }]);
    throw e;
  }
  const due = await policy<TracingDueHours>(q, scope.provinceCode, 'tracing.due_hours', today);
  const dueAt = new Date(Date.now() + due.value.callContact * 3_600_000);
  const handovers = new Map<number, HandoverSummary>();
  for (const k of inserted.rows) {
    const p = people.get(Number(k.personId))!;
    const away = outside.get(p.id);
    if (away) {
      // Their commune calls them once it has accepted the hand-over.
      const c = inputs.find((x) => x.personId === p.id)!;
      const sent = await recordHandover(q, req, scope, actor, {
        requestId: c.handover!.requestId,
        message: c.handover!.message,
        contactId: Number(k.id),
        caseId: rootCaseId,
        person: p,
        contactName: away.contactName,
        degree,
        exposureDate: c.exposureDate,
        setting: c.setting,
        meetsDefinition: k.meetsDefinition,
        identifiedBy: away.identifiedBy,
      });
      handovers.set(Number(k.id), sent);
    } else
      await createTask(q, scope.provinceCode, { kind: 'call_contact', personId: p.id, contactId: Number(k.id), unitPath: p.unitPath, communeCode: p.communeCode, role: 'community_team', dueAt, detail: { degree } });
  }
  await store.addCaseEvent(q, scope.provinceCode, rootCaseId, actor, 'contacts_added', { degree, count: inserted.rows.length, via: source.kind === 'contact' ? source.contactId : null });
  await audit(q, req, { action: 'create', entity: 'contact', entityId: inserted.rows.map((r) => r.id).join(','), details: { rootCaseId, degree, count: inserted.rows.length, handedOver: handovers.size } });
  return inserted.rows.map((r) => {
    const handover = handovers.get(Number(r.id));
    return { id: Number(r.id), personId: Number(r.personId), degree, meetsDefinition: r.meetsDefinition, ...(handover ? { handover } : {}) };
  });
}

const EDITABLE = {
  onsetDate: 'onset_date',
  sampleDate: 'sample_date',
  reportDate: 'report_date',
  detectedIn: 'detected_in',
  vaccinationStatus: 'vaccination_status',
  lastDoseDate: 'last_dose_date',
  comorbidities: 'comorbidities',
  pregnant: 'pregnant',
  severity: 'severity',
  status: 'status',
  outcomeDate: 'outcome_date',
  placeDetected: 'place_detected',
  notes: 'notes',
} as const;
export type CasePatch = { version: number } & Partial<Record<keyof typeof EDITABLE, unknown>>;

/** Updates the fields given, if the case is still at the version the editor read; else 409 'stale'. */
export async function updateCase(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, id: number, patch: CasePatch) {
  const current = await store.getCase(q, scope, id, true);
  if (!current) throw notFound();
  if (current.version !== patch.version) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale', message: String(current.version) }]);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(EDITABLE) as (keyof typeof EDITABLE)[]) {
    if (!(key in patch)) continue;
    const before = (current as unknown as Record<string, unknown>)[key];
    const after = patch[key];
    if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) changes[key] = { from: before ?? null, to: after ?? null };
  }
  const merged = { ...current, ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])) } as store.CaseRow;
  const errors = validateCaseDates(merged, todayInVietnam());
  if (merged.status !== 'confirmed' && merged.status !== 'discarded' && !merged.outcomeDate) errors.push({ field: 'outcomeDate', code: 'required' });
  if (merged.pregnant && current.sex === 'M') errors.push({ field: 'pregnant', code: 'not_applicable' });
  if (errors.length) throw badRequest(errors);
  if (!Object.keys(changes).length) return current;
  if ('status' in changes && merged.status === 'confirmed' && (await store.openCaseOfPerson(q, scope.provinceCode, current.personId)) !== current.id) {
    if (await store.openCaseOfPerson(q, scope.provinceCode, current.personId)) throw conflict([{ field: 'status', code: 'already_case' }]);
  }
  const sets = Object.keys(changes).map((k, i) => `${EDITABLE[k as keyof typeof EDITABLE]} = $${i + 4}`);
  const r = await q.query(
    `UPDATE case_record SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE province_code = $1 AND id = $2 AND version = $3`,
    [scope.provinceCode, id, patch.version, ...Object.values(changes).map((c) => c.to)],
  );
  if (r.rowCount === 0) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale' }]);
  await store.addCaseEvent(q, scope.provinceCode, id, actor, 'updated', changes);
  await audit(q, req, { action: 'update', entity: 'case', entityId: id, details: { fields: Object.keys(changes) } });
  return (await store.getCase(q, scope, id))!;
}

/** Evidence another area found for an open case (a positive lab result, a rapid test): kept on the case's timeline. */
export async function noteCaseEvidence(q: Queryable, req: FastifyRequest | null, provinceCode: string, actor: Actor | null, caseId: number, kind: string, details: Record<string, unknown>) {
  await store.addCaseEvent(q, provinceCode, caseId, actor, kind, details);
  await audit(q, req, { action: 'update', entity: 'case', entityId: caseId, details: { event: kind } }, actor ? { provinceCode, id: actor.id, username: actor.username } : { provinceCode });
}
