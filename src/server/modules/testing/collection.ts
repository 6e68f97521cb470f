// Collection: sampling events, barcodes (generated, reserved for printing ahead, or a lab's own),
// specimens (a registry person, or someone identified by CCCD and/or plate), and pools composed
// by scanning barcodes under the maximum pool size of the area's risk.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { personsInScope } from '../cases/store.ts';
import { listZones } from '../cases/zones.ts';
import { normalizePhone, validateCccd } from '../../../domain/people/normalize.ts';
import { generatedBarcode, normalizeBarcode } from '../../../domain/testing/barcode.ts';
import { normalizePlate } from '../../../domain/testing/plate.ts';
import { areaRisk, canJoinPool, maxPoolSize, type PoolSizePolicy } from '../../../domain/testing/pooling.ts';
import { nextFollowUpState } from '../../../domain/testing/followUp.ts';
import type { HighRiskAreaPolicy } from '../../../domain/testing/policies.ts';
import { communeOfPath, dayInVietnam, fieldError, iso, policy, provinceScope, todayInVietnam, unitIn, type Actor } from './common.ts';
import { refreshDaily } from './aggregates.ts';
import { completeOpenTasks } from './tasks.ts';

// ---------------------------------------------------------------------------------------------
// Labs (hold no personal data: visible province-wide, like quarantine facilities)

export interface LabRow {
  id: number;
  name: string;
  unitCode: string;
  unitName: string | null;
  address: string | null;
  capacitySingle: number;
  capacityPooled: number;
  active: boolean;
}

const LAB_COLS = `l.id, l.name, l.unit_code AS "unitCode", u.name AS "unitName", l.address, l.capacity_single AS "capacitySingle", l.capacity_pooled AS "capacityPooled", l.active`;

export async function listLabs(q: Queryable, provinceCode: string): Promise<LabRow[]> {
  const r = await q.query<LabRow>(`SELECT ${LAB_COLS} FROM lab l LEFT JOIN admin_unit u ON u.province_code = l.province_code AND u.code = l.unit_code WHERE l.province_code = $1 ORDER BY l.active DESC, l.name`, [provinceCode]);
  return r.rows.map((l) => ({ ...l, id: Number(l.id) }));
}

export async function getLab(q: Queryable, provinceCode: string, id: number): Promise<LabRow | null> {
  const r = await q.query<LabRow>(`SELECT ${LAB_COLS} FROM lab l LEFT JOIN admin_unit u ON u.province_code = l.province_code AND u.code = l.unit_code WHERE l.province_code = $1 AND l.id = $2`, [provinceCode, id]);
  return r.rows[0] ? { ...r.rows[0], id: Number(r.rows[0].id) } : null;
}

export async function createLab(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: { name: string; unitCode: string; address?: string | null; capacitySingle: number; capacityPooled: number }) {
  const u = await unitIn(q, scope, input.unitCode);
  const name = input.name.normalize('NFC').trim();
  const dup = await q.query(`SELECT 1 FROM lab WHERE province_code = $1 AND lower(name) = lower($2)`, [scope.provinceCode, name]);
  if (dup.rows.length) throw fieldError(409, 'name', 'exists');
  const r = await q.query<{ id: number }>(
    `INSERT INTO lab (province_code, name, unit_code, unit_path, address, capacity_single, capacity_pooled, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [scope.provinceCode, name, u.code, u.path, input.address ?? null, input.capacitySingle, input.capacityPooled, actor.id],
  );
  const id = Number(r.rows[0].id);
  await audit(q, req, { action: 'create', entity: 'lab', entityId: id });
  return (await getLab(q, scope.provinceCode, id))!;
}

export async function requireLab(q: Queryable, provinceCode: string, id: number, field = 'labId'): Promise<LabRow> {
  const lab = await getLab(q, provinceCode, id);
  if (!lab) throw fieldError(400, field, 'not_found');
  if (!lab.active) throw fieldError(409, field, 'inactive');
  return lab;
}

// ---------------------------------------------------------------------------------------------
// Barcodes

/** New platform barcodes, registered at once so nobody else can take them. */
export async function allocateBarcodes(q: Queryable, provinceCode: string, kind: 'specimen' | 'pool', count: number, as: 'specimen' | 'pool' | 'reserved', userId: number | null): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const need = count - out.length;
    const r = await q.query<{ last: number }>(
      `INSERT INTO test_barcode_counter (province_code, kind, last_value) VALUES ($1, $2, $3)
       ON CONFLICT (province_code, kind) DO UPDATE SET last_value = test_barcode_counter.last_value + $3 RETURNING last_value AS last`,
      [provinceCode, kind, need],
    );
    const last = Number(r.rows[0].last);
    const codes = Array.from({ length: need }, (_, i) => generatedBarcode(kind, provinceCode, last - need + 1 + i));
    // A lab's own pre-printed code could coincide with a generated one: those are skipped.
    const ins = await q.query<{ barcode: string }>(
      `INSERT INTO test_barcode (province_code, barcode, kind, reserved_for, created_by) SELECT $1, unnest($2::text[]), $3, $4, $5 ON CONFLICT DO NOTHING RETURNING barcode`,
      [provinceCode, codes, as, as === 'reserved' ? kind : null, userId],
    );
    const got = new Set(ins.rows.map((x) => x.barcode));
    out.push(...codes.filter((c) => got.has(c)));
  }
  return out;
}

export async function reserveBarcodes(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, kind: 'specimen' | 'pool', count: number) {
  const codes = await allocateBarcodes(q, scope.provinceCode, kind, count, 'reserved', actor.id);
  await audit(q, req, { action: 'create', entity: 'test_barcode', details: { kind, count, first: codes[0], last: codes[codes.length - 1] } });
  return codes;
}

type BarcodeKind = 'specimen' | 'pool' | 'reserved';

async function barcodeKind(q: Queryable, provinceCode: string, barcode: string): Promise<{ kind: BarcodeKind; reservedFor: 'specimen' | 'pool' | null } | null> {
  const r = await q.query<{ kind: BarcodeKind; reservedFor: 'specimen' | 'pool' | null }>(
    `SELECT kind, reserved_for AS "reservedFor" FROM test_barcode WHERE province_code = $1 AND barcode = $2 FOR UPDATE`,
    [provinceCode, barcode],
  );
  return r.rows[0] ?? null;
}

/** Claims a scanned or typed barcode for a new specimen or pool; throws when it belongs to something else. */
async function claimBarcode(q: Queryable, provinceCode: string, raw: string, as: 'specimen' | 'pool', userId: number): Promise<string> {
  const barcode = normalizeBarcode(raw);
  if (!barcode) throw fieldError(400, 'barcode', 'barcode_invalid');
  const existing = await barcodeKind(q, provinceCode, barcode);
  if (!existing) {
    await q.query(`INSERT INTO test_barcode (province_code, barcode, kind, created_by) VALUES ($1, $2, $3, $4)`, [provinceCode, barcode, as, userId]);
    return barcode;
  }
  if (existing.kind === 'reserved') {
    if (existing.reservedFor && existing.reservedFor !== as) throw fieldError(409, 'barcode', `reserved_for_${existing.reservedFor}`);
    await q.query(`UPDATE test_barcode SET kind = $3 WHERE province_code = $1 AND barcode = $2`, [provinceCode, barcode, as]);
    return barcode;
  }
  throw fieldError(409, 'barcode', existing.kind === as ? 'barcode_taken' : `barcode_is_${existing.kind}`);
}

// ---------------------------------------------------------------------------------------------
// Collection events

export interface EventInput {
  eventDate: string;
  siteName: string;
  unitCode: string;
  team?: string | null;
  planId?: number | null;
  siteId?: number | null;
  labId?: number | null;
  defaultKind?: 'single' | 'pool_member';
}

export interface EventRow {
  id: number;
  eventDate: string;
  siteName: string;
  unitCode: string;
  unitName: string | null;
  unitPath: string;
  team: string | null;
  planId: number | null;
  siteId: number | null;
  labId: number | null;
  labName: string | null;
  defaultKind: 'single' | 'pool_member';
  status: 'open' | 'closed';
  specimens: number;
  pools: number;
  createdAt: string;
}

const EVENT_COLS = `e.id, e.event_date AS "eventDate", e.site_name AS "siteName", e.unit_code AS "unitCode", u.name AS "unitName", e.unit_path AS "unitPath", e.team,
  e.plan_id AS "planId", e.site_id AS "siteId", e.lab_id AS "labId", l.name AS "labName", e.default_kind AS "defaultKind", e.status, e.created_at AS "createdAt",
  (SELECT count(*)::int FROM specimen s WHERE s.province_code = e.province_code AND s.event_id = e.id) AS specimens,
  (SELECT count(*)::int FROM pool p WHERE p.province_code = e.province_code AND p.event_id = e.id) AS pools`;
const EVENT_FROM = `collection_event e LEFT JOIN admin_unit u ON u.province_code = e.province_code AND u.code = e.unit_code
  LEFT JOIN lab l ON l.province_code = e.province_code AND l.id = e.lab_id`;
const ids = <T extends { id: number | string }>(x: T) => ({ ...x, id: Number(x.id) });

export async function getEvent(q: Queryable, scope: Scope, id: number, lock = false): Promise<EventRow | null> {
  const r = await q.query<EventRow>(`SELECT ${EVENT_COLS} FROM ${EVENT_FROM} WHERE e.province_code = $1 AND e.id = $2 AND e.unit_path LIKE $3 || '%' ${lock ? 'FOR UPDATE OF e' : ''}`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ? ids(r.rows[0]) : null;
}

export async function listEvents(q: Queryable, scope: Scope, f: { unitPath?: string; from?: string; to?: string; planId?: number; limit: number }) {
  const r = await q.query<EventRow>(
    `SELECT ${EVENT_COLS} FROM ${EVENT_FROM}
      WHERE e.province_code = $1 AND e.unit_path LIKE $2 || '%' AND ($3::date IS NULL OR e.event_date >= $3) AND ($4::date IS NULL OR e.event_date <= $4)
        AND ($5::bigint IS NULL OR e.plan_id = $5)
      ORDER BY e.event_date DESC, e.id DESC LIMIT $6`,
    [scope.provinceCode, f.unitPath ?? scope.path, f.from ?? null, f.to ?? null, f.planId ?? null, f.limit],
  );
  return r.rows.map(ids);
}

export async function createEvent(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: EventInput): Promise<EventRow> {
  const u = await unitIn(q, scope, input.unitCode);
  if (input.eventDate > todayInVietnam(new Date(Date.now() + 30 * 86_400_000))) throw fieldError(400, 'eventDate', 'too_far');
  if (input.eventDate < todayInVietnam(new Date(Date.now() - 30 * 86_400_000))) throw fieldError(400, 'eventDate', 'too_old');
  if (input.planId != null) {
    // A commune carries out its district's plan: the plan's unit overlaps the caller's jurisdiction.
    const p = await q.query<{ status: string }>(`SELECT status FROM sampling_plan WHERE province_code = $1 AND id = $2 AND (unit_path LIKE $3 || '%' OR $3 LIKE unit_path || '%')`, [
      scope.provinceCode,
      input.planId,
      scope.path,
    ]);
    if (!p.rows[0]) throw fieldError(400, 'planId', 'not_found');
    if (p.rows[0].status === 'draft') throw fieldError(409, 'planId', 'not_drawn');
  }
  if (input.siteId != null) {
    if (input.planId == null) throw fieldError(400, 'siteId', 'plan_required');
    const s = await q.query(`SELECT 1 FROM sampling_site WHERE province_code = $1 AND plan_id = $2 AND id = $3`, [scope.provinceCode, input.planId, input.siteId]);
    if (!s.rows.length) throw fieldError(400, 'siteId', 'not_found');
  }
  if (input.labId != null) await requireLab(q, scope.provinceCode, input.labId);
  const r = await q.query<{ id: number }>(
    `INSERT INTO collection_event (province_code, event_date, site_name, unit_code, unit_path, team, plan_id, site_id, lab_id, default_kind, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [scope.provinceCode, input.eventDate, input.siteName.normalize('NFC').trim(), u.code, u.path, input.team?.normalize('NFC').trim() || null, input.planId ?? null, input.siteId ?? null, input.labId ?? null, input.defaultKind ?? 'pool_member', actor.id],
  );
  const id = Number(r.rows[0].id);
  await audit(q, req, { action: 'create', entity: 'collection_event', entityId: id, details: { planId: input.planId ?? null } });
  return (await getEvent(q, scope, id))!;
}

export async function closeEvent(q: Queryable, req: FastifyRequest, scope: Scope, id: number) {
  const e = await getEvent(q, scope, id, true);
  if (!e) throw notFound();
  if (e.status === 'closed') throw new AppError(409, 'invalid_state', [{ field: 'status', code: 'closed' }]);
  await q.query(`UPDATE collection_event SET status = 'closed' WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id]);
  await audit(q, req, { action: 'update', entity: 'collection_event', entityId: id, details: { status: 'closed' } });
  return (await getEvent(q, scope, id))!;
}

// ---------------------------------------------------------------------------------------------
// Specimens

export interface SpecimenInput {
  eventId: number;
  barcode?: string | null;
  personId?: number | null;
  person?: { fullName: string; cccd?: string | null; phone?: string | null } | null;
  vehiclePlate?: string | null;
  kind?: 'single' | 'pool_member';
  collectedAt?: string | null;
  labId?: number | null;
  idempotencyKey?: string | null;
}

export interface SpecimenRow {
  id: number;
  barcode: string;
  eventId: number;
  personId: number | null;
  subjectName: string;
  subjectCccd: string | null;
  subjectPhone: string | null;
  vehiclePlate: string | null;
  birthDate: string | null;
  communeCode: string;
  communeName: string | null;
  kind: 'single' | 'pool_member';
  planId: number | null;
  stratumId: number | null;
  followUpId: number | null;
  labId: number | null;
  poolId: number | null;
  poolBarcode: string | null;
  collectedAt: string;
  status: string;
  outcome: 'positive' | 'negative' | null;
  outcomeSource: 'own' | 'pool' | null;
  resultedAt: string | null;
  siteName: string | null;
}

export const SPECIMEN_COLS = `s.id, s.barcode, s.event_id AS "eventId", s.person_id AS "personId", s.subject_name AS "subjectName", s.subject_cccd AS "subjectCccd",
  s.subject_phone AS "subjectPhone", s.vehicle_plate AS "vehiclePlate", pe.birth_date AS "birthDate", s.commune_code AS "communeCode", cu.name AS "communeName",
  s.kind, s.plan_id AS "planId", s.stratum_id AS "stratumId", s.follow_up_id AS "followUpId", s.lab_id AS "labId", pm.pool_id AS "poolId", po.barcode AS "poolBarcode",
  s.collected_at AS "collectedAt", s.status, s.outcome, s.outcome_source AS "outcomeSource", s.resulted_at AS "resultedAt", ev.site_name AS "siteName"`;
export const SPECIMEN_FROM = `specimen s
  LEFT JOIN person pe ON pe.province_code = s.province_code AND pe.id = s.person_id
  LEFT JOIN admin_unit cu ON cu.province_code = s.province_code AND cu.code = s.commune_code
  LEFT JOIN pool_member pm ON pm.province_code = s.province_code AND pm.specimen_id = s.id
  LEFT JOIN pool po ON po.province_code = pm.province_code AND po.id = pm.pool_id
  LEFT JOIN collection_event ev ON ev.province_code = s.province_code AND ev.id = s.event_id`;
/** A specimen is visible where the person lives and where it was collected. */
export const SPECIMEN_SCOPE = `(s.unit_path LIKE $SCOPE || '%' OR s.site_path LIKE $SCOPE || '%')`;
const scoped = (n: number) => SPECIMEN_SCOPE.replace(/\$SCOPE/g, '$' + n);

const specimenOut = (s: SpecimenRow): SpecimenRow => ({
  ...s,
  id: Number(s.id),
  eventId: Number(s.eventId),
  personId: s.personId == null ? null : Number(s.personId),
  planId: s.planId == null ? null : Number(s.planId),
  stratumId: s.stratumId == null ? null : Number(s.stratumId),
  followUpId: s.followUpId == null ? null : Number(s.followUpId),
  labId: s.labId == null ? null : Number(s.labId),
  poolId: s.poolId == null ? null : Number(s.poolId),
  collectedAt: iso(s.collectedAt)!,
  resultedAt: iso(s.resultedAt),
});

export async function getSpecimen(q: Queryable, scope: Scope, id: number): Promise<SpecimenRow | null> {
  const r = await q.query<SpecimenRow>(`SELECT ${SPECIMEN_COLS} FROM ${SPECIMEN_FROM} WHERE s.province_code = $1 AND s.id = $2 AND ${scoped(3)}`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? specimenOut(r.rows[0]) : null;
}

export async function specimenByBarcode(q: Queryable, scope: Scope, barcode: string): Promise<SpecimenRow | null> {
  const r = await q.query<SpecimenRow>(`SELECT ${SPECIMEN_COLS} FROM ${SPECIMEN_FROM} WHERE s.province_code = $1 AND s.barcode = $2 AND ${scoped(3)}`, [scope.provinceCode, barcode, scope.path]);
  return r.rows[0] ? specimenOut(r.rows[0]) : null;
}

export async function listSpecimens(q: Queryable, scope: Scope, f: { eventId?: number; personId?: number; status?: string; limit: number; offset: number }) {
  const where = `s.province_code = $1 AND ${scoped(2)} AND ($3::bigint IS NULL OR s.event_id = $3) AND ($4::bigint IS NULL OR s.person_id = $4) AND ($5::text IS NULL OR s.status = $5)`;
  const args = [scope.provinceCode, scope.path, f.eventId ?? null, f.personId ?? null, f.status ?? null];
  const [items, total] = await Promise.all([
    q.query<SpecimenRow>(`SELECT ${SPECIMEN_COLS} FROM ${SPECIMEN_FROM} WHERE ${where} ORDER BY s.collected_at DESC, s.id DESC LIMIT $6 OFFSET $7`, [...args, f.limit, f.offset]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM specimen s WHERE ${where}`, args),
  ]);
  return { total: total.rows[0].n, items: items.rows.map(specimenOut) };
}

/**
 * Registers a specimen at an open event. Re-sending the same barcode for the same person, or the
 * same idempotency key, returns the specimen already registered (`replayed`), so a phone can retry.
 */
export async function registerSpecimen(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: SpecimenInput): Promise<{ specimen: SpecimenRow; replayed: boolean; drawn: boolean }> {
  const event = await getEvent(q, scope, input.eventId);
  if (!event) throw fieldError(400, 'eventId', 'not_found');
  if (input.idempotencyKey) {
    const seen = await q.query<{ id: number }>(`SELECT id FROM specimen WHERE province_code = $1 AND idempotency_key = $2`, [scope.provinceCode, input.idempotencyKey]);
    if (seen.rows[0]) {
      const s = await getSpecimen(q, scope, Number(seen.rows[0].id));
      if (s) return { specimen: s, replayed: true, drawn: s.stratumId != null };
    }
  }
  if (event.status !== 'open') throw fieldError(409, 'eventId', 'event_closed');

  // Who: a registry person in the caller's jurisdiction, or someone identified by CCCD / plate.
  const errors: { field: string; code: string }[] = [];
  if ((input.personId == null) === (input.person == null)) errors.push({ field: 'personId', code: 'person_or_new_person' });
  const plate = input.vehiclePlate ? normalizePlate(input.vehiclePlate) : null;
  if (input.vehiclePlate && !plate) errors.push({ field: 'vehiclePlate', code: 'invalid' });
  let cccd: string | null = null;
  let phone: string | null = null;
  if (input.person) {
    if (input.person.cccd) {
      const c = validateCccd(input.person.cccd);
      if (c.ok) cccd = c.value;
      else errors.push({ field: 'person.cccd', code: c.error });
    }
    if (input.person.phone) {
      phone = normalizePhone(input.person.phone);
      if (!phone) errors.push({ field: 'person.phone', code: 'invalid' });
    }
    if (!input.person.cccd && !input.vehiclePlate) errors.push({ field: 'person.cccd', code: 'cccd_or_plate_required' });
  }
  const collectedAt = input.collectedAt ? new Date(input.collectedAt) : new Date();
  if (Number.isNaN(collectedAt.getTime())) errors.push({ field: 'collectedAt', code: 'invalid' });
  else if (collectedAt.getTime() > Date.now() + 10 * 60_000) errors.push({ field: 'collectedAt', code: 'in_future' });
  else if (dayInVietnam(collectedAt) < event.eventDate) errors.push({ field: 'collectedAt', code: 'before_event' });
  if (errors.length) throw badRequest(errors);

  let personId: number | null = null;
  let subjectName: string;
  let unitPath = event.unitPath;
  let communeCode: string;
  if (input.personId != null) {
    const p = (await personsInScope(q, scope, [input.personId])).get(input.personId);
    if (!p) throw fieldError(404, 'personId', 'not_found');
    personId = p.id;
    subjectName = p.fullName;
    cccd = p.cccd;
    phone = p.phone;
    unitPath = p.unitPath;
    communeCode = p.communeCode;
  } else {
    subjectName = input.person!.fullName.normalize('NFC').trim().replace(/\s+/g, ' ');
    // Someone known to the registry by CCCD is linked to their record (the result reaches their commune).
    const known = cccd ? await q.query<{ id: number; unitPath: string; communeCode: string }>(`SELECT id, unit_path AS "unitPath", commune_code AS "communeCode" FROM person WHERE province_code = $1 AND cccd = $2`, [scope.provinceCode, cccd]) : null;
    if (known?.rows[0]) {
      personId = Number(known.rows[0].id);
      unitPath = known.rows[0].unitPath;
      communeCode = known.rows[0].communeCode;
    } else communeCode = (await communeOfPath(q, scope.provinceCode, event.unitPath)).code;
  }

  // A barcode sent again for the same person at the same event is a retry.
  if (input.barcode) {
    const code = normalizeBarcode(input.barcode);
    if (!code) throw fieldError(400, 'barcode', 'barcode_invalid');
    const same = await q.query<{ id: number; eventId: number; personId: number | null; subjectCccd: string | null; vehiclePlate: string | null }>(
      `SELECT id, event_id AS "eventId", person_id AS "personId", subject_cccd AS "subjectCccd", vehicle_plate AS "vehiclePlate" FROM specimen WHERE province_code = $1 AND barcode = $2`,
      [scope.provinceCode, code],
    );
    const s = same.rows[0];
    if (s && Number(s.eventId) === event.id && (personId != null ? Number(s.personId) === personId : s.subjectCccd === cccd && s.vehiclePlate === plate)) {
      const found = await getSpecimen(q, scope, Number(s.id));
      if (found) return { specimen: found, replayed: true, drawn: found.stratumId != null };
    }
  }
  const barcode = input.barcode ? await claimBarcode(q, scope.provinceCode, input.barcode, 'specimen', actor.id) : (await allocateBarcodes(q, scope.provinceCode, 'specimen', 1, 'specimen', actor.id))[0];
  const labId = input.labId ?? event.labId;
  if (input.labId != null) await requireLab(q, scope.provinceCode, input.labId);

  // A person drawn for the event's plan belongs to their stratum.
  let stratumId: number | null = null;
  if (event.planId != null && personId != null) {
    const d = await q.query<{ stratumId: number }>(`SELECT stratum_id AS "stratumId" FROM sampling_draw WHERE province_code = $1 AND plan_id = $2 AND person_id = $3`, [scope.provinceCode, event.planId, personId]);
    stratumId = d.rows[0] ? Number(d.rows[0].stratumId) : null;
  }
  // A member of a positive pool waiting to be sampled again: this is their re-sample, tested alone.
  let followUpId: number | null = null;
  if (personId != null) {
    const f = await q.query<{ id: number; status: 'pending' }>(
      `SELECT id, status FROM follow_up WHERE province_code = $1 AND person_id = $2 AND action = 'resample' AND status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE`,
      [scope.provinceCode, personId],
    );
    if (f.rows[0] && nextFollowUpState('resample', 'pending', { type: 'collected' }).ok) followUpId = Number(f.rows[0].id);
  }
  const kind = followUpId != null ? 'single' : (input.kind ?? event.defaultKind);
  const collectedOn = dayInVietnam(collectedAt);
  let inserted;
  try {
    inserted = await q.query<{ id: number }>(
      `INSERT INTO specimen (province_code, barcode, event_id, person_id, subject_name, subject_cccd, subject_phone, vehicle_plate, unit_path, commune_code, site_path,
         kind, plan_id, stratum_id, follow_up_id, lab_id, collected_at, collected_on, idempotency_key, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
      [scope.provinceCode, barcode, event.id, personId, subjectName, cccd, phone, plate, unitPath, communeCode, event.unitPath, kind, stratumId != null ? event.planId : null, stratumId, followUpId, labId, collectedAt.toISOString(), collectedOn, input.idempotencyKey ?? null, actor.id],
    );
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw fieldError(409, 'idempotencyKey', 'exists');
    throw e;
  }
  const id = Number(inserted.rows[0].id);
  if (stratumId != null) await q.query(`UPDATE sampling_draw SET specimen_id = coalesce(specimen_id, $4) WHERE province_code = $1 AND plan_id = $2 AND person_id = $3`, [scope.provinceCode, event.planId, personId, id]);
  if (followUpId != null) {
    await q.query(`UPDATE follow_up SET status = 'collected', new_specimen_id = $3, updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, followUpId, id]);
    await completeOpenTasks(q, scope.provinceCode, actor.id, 'resample_pool_member', { personId: personId!, followUpId }, `resampled:${barcode}`);
  }
  await refreshDaily(q, scope.provinceCode, [{ day: collectedOn, communeCode }]);
  await audit(q, req, { action: 'create', entity: 'specimen', entityId: id, details: { barcode, eventId: event.id, personId, followUpId } });
  return { specimen: (await getSpecimen(q, scope, id))!, replayed: false, drawn: stratumId != null };
}

export async function rejectSpecimen(q: Queryable, req: FastifyRequest, scope: Scope, id: number, reason: string) {
  const s = await getSpecimen(q, scope, id);
  if (!s) throw notFound();
  if (s.poolId != null) throw fieldError(409, 'status', 'in_pool');
  if (s.status !== 'collected') throw new AppError(409, 'invalid_state', [{ field: 'status', code: s.status }]);
  await q.query(`UPDATE specimen SET status = 'rejected', rejected_reason = $3 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, reason]);
  const day = await q.query<{ day: string; code: string }>(`SELECT collected_on AS day, commune_code AS code FROM specimen WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id]);
  await refreshDaily(q, scope.provinceCode, [{ day: day.rows[0].day, communeCode: day.rows[0].code }]);
  await audit(q, req, { action: 'update', entity: 'specimen', entityId: id, details: { status: 'rejected', reason } });
  return (await getSpecimen(q, scope, id))!;
}

// ---------------------------------------------------------------------------------------------
// Pools

export interface PoolRow {
  id: number;
  barcode: string;
  eventId: number | null;
  labId: number;
  labName: string | null;
  method: 'collection' | 'lab';
  unitCode: string;
  unitName: string | null;
  areaRisk: 'low' | 'high';
  maxSize: number;
  policyVersion: number;
  members: number;
  status: 'open' | 'sealed' | 'resulted';
  outcome: 'positive' | 'negative' | null;
  createdAt: string;
  sealedAt: string | null;
  resultedAt: string | null;
}

const POOL_COLS = `p.id, p.barcode, p.event_id AS "eventId", p.lab_id AS "labId", l.name AS "labName", p.method, p.unit_code AS "unitCode", u.name AS "unitName",
  p.area_risk AS "areaRisk", p.max_size AS "maxSize", p.policy_version AS "policyVersion", p.members, p.status, p.outcome,
  p.created_at AS "createdAt", p.sealed_at AS "sealedAt", p.resulted_at AS "resultedAt"`;
const POOL_FROM = `pool p LEFT JOIN lab l ON l.province_code = p.province_code AND l.id = p.lab_id LEFT JOIN admin_unit u ON u.province_code = p.province_code AND u.code = p.unit_code`;
const poolOut = (p: PoolRow): PoolRow => ({ ...p, id: Number(p.id), eventId: p.eventId == null ? null : Number(p.eventId), labId: Number(p.labId), createdAt: iso(p.createdAt)!, sealedAt: iso(p.sealedAt), resultedAt: iso(p.resultedAt) });

export async function getPoolRow(q: Queryable, scope: Scope, id: number, lock = false): Promise<PoolRow | null> {
  const r = await q.query<PoolRow>(`SELECT ${POOL_COLS} FROM ${POOL_FROM} WHERE p.province_code = $1 AND p.id = $2 AND p.unit_path LIKE $3 || '%' ${lock ? 'FOR UPDATE OF p' : ''}`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ? poolOut(r.rows[0]) : null;
}

export async function poolByBarcode(q: Queryable, scope: Scope, barcode: string): Promise<PoolRow | null> {
  const r = await q.query<PoolRow>(`SELECT ${POOL_COLS} FROM ${POOL_FROM} WHERE p.province_code = $1 AND p.barcode = $2 AND p.unit_path LIKE $3 || '%'`, [scope.provinceCode, barcode, scope.path]);
  return r.rows[0] ? poolOut(r.rows[0]) : null;
}

export async function poolMembers(q: Queryable, scope: Scope, poolId: number) {
  const r = await q.query<SpecimenRow & { addedAt: string }>(
    `SELECT ${SPECIMEN_COLS}, pm2.added_at AS "addedAt" FROM pool_member pm2 JOIN ${SPECIMEN_FROM} ON s.province_code = pm2.province_code AND s.id = pm2.specimen_id
      WHERE pm2.province_code = $1 AND pm2.pool_id = $2 ORDER BY pm2.added_at, s.id`,
    [scope.provinceCode, poolId],
  );
  return r.rows.map((m) => ({ ...specimenOut(m), addedAt: iso(m.addedAt)! }));
}

export async function getPool(q: Queryable, scope: Scope, id: number) {
  const pool = await getPoolRow(q, scope, id);
  if (!pool) return null;
  const [members, results, followUps] = await Promise.all([
    poolMembers(q, scope, id),
    q.query(`SELECT id, outcome, ct, tested_at AS "testedAt", lab_id AS "labId", source, current FROM test_result WHERE province_code = $1 AND pool_id = $2 ORDER BY id`, [scope.provinceCode, id]),
    q.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM follow_up WHERE province_code = $1 AND pool_id = $2 GROUP BY status`, [scope.provinceCode, id]),
  ]);
  return {
    ...pool,
    members,
    results: results.rows.map((r) => ({ ...r, id: Number(r.id), testedAt: iso(r.testedAt) })),
    followUps: Object.fromEntries(followUps.rows.map((f) => [f.status, f.n])),
  };
}

export async function listPools(q: Queryable, scope: Scope, f: { eventId?: number; labId?: number; status?: string; limit: number }) {
  const r = await q.query<PoolRow>(
    `SELECT ${POOL_COLS} FROM ${POOL_FROM} WHERE p.province_code = $1 AND p.unit_path LIKE $2 || '%' AND ($3::bigint IS NULL OR p.event_id = $3)
        AND ($4::bigint IS NULL OR p.lab_id = $4) AND ($5::text IS NULL OR p.status = $5) ORDER BY p.created_at DESC, p.id DESC LIMIT $6`,
    [scope.provinceCode, scope.path, f.eventId ?? null, f.labId ?? null, f.status ?? null, f.limit],
  );
  return r.rows.map(poolOut);
}

/** Whether a unit is a higher-risk area today, by the policy: overlapping an active zone of a named kind, or listed. */
export async function riskOfUnit(q: Queryable, provinceCode: string, unitPath: string, date: string) {
  const p = await policy<HighRiskAreaPolicy>(q, provinceCode, 'testing.high_risk_areas', date);
  const zones = (await listZones(q, await provinceScope(q, provinceCode), 'active')).filter((z) => p.value.activeZoneKinds.includes(z.kind));
  const codes = [...new Set([...zones.flatMap((z) => z.unitCodes), ...p.value.unitCodes])];
  const paths = codes.length ? (await q.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`, [provinceCode, codes])).rows : [];
  const pathOf = new Map(paths.map((x) => [x.code, x.path]));
  const zonePaths = zones.flatMap((z) => z.unitCodes.map((c) => pathOf.get(c)).filter((x): x is string => !!x));
  const listedPaths = p.value.unitCodes.map((c) => pathOf.get(c)).filter((x): x is string => !!x);
  return { ...areaRisk(unitPath, { zonePaths, listedPaths }), policyVersion: p.version };
}

export async function createPool(
  q: Queryable,
  req: FastifyRequest,
  scope: Scope,
  actor: Actor,
  input: { labId: number; method: 'collection' | 'lab'; eventId?: number | null; unitCode?: string | null; barcode?: string | null },
) {
  let unit: { code: string; path: string };
  let eventId: number | null = null;
  if (input.eventId != null) {
    const e = await getEvent(q, scope, input.eventId);
    if (!e) throw fieldError(400, 'eventId', 'not_found');
    if (e.status !== 'open') throw fieldError(409, 'eventId', 'event_closed');
    unit = { code: e.unitCode, path: e.unitPath };
    eventId = e.id;
  } else if (input.unitCode) unit = await unitIn(q, scope, input.unitCode);
  else throw badRequest([{ field: 'eventId', code: 'event_or_unit_required' }]);
  await requireLab(q, scope.provinceCode, input.labId);
  const today = todayInVietnam();
  const risk = await riskOfUnit(q, scope.provinceCode, unit.path, today);
  const sizes = await policy<PoolSizePolicy>(q, scope.provinceCode, 'testing.pool_max_size', today);
  const maxSize = maxPoolSize(sizes.value, risk.risk);
  const barcode = input.barcode ? await claimBarcode(q, scope.provinceCode, input.barcode, 'pool', actor.id) : (await allocateBarcodes(q, scope.provinceCode, 'pool', 1, 'pool', actor.id))[0];
  const r = await q.query<{ id: number }>(
    `INSERT INTO pool (province_code, barcode, event_id, lab_id, method, unit_code, unit_path, area_risk, max_size, policy_version, created_on, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [scope.provinceCode, barcode, eventId, input.labId, input.method, unit.code, unit.path, risk.risk, maxSize, sizes.version, today, actor.id],
  );
  const id = Number(r.rows[0].id);
  await audit(q, req, { action: 'create', entity: 'pool', entityId: id, details: { barcode, maxSize, areaRisk: risk.risk, reason: risk.reason } });
  return { ...(await getPool(q, scope, id))!, riskReason: risk.reason };
}

/** Adds a specimen to an open pool by its scanned barcode. */
export async function addPoolMember(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, poolId: number, rawBarcode: string) {
  const pool = await getPoolRow(q, scope, poolId, true);
  if (!pool) throw notFound();
  const barcode = normalizeBarcode(rawBarcode);
  if (!barcode) throw fieldError(400, 'barcode', 'barcode_invalid');
  const s = await specimenByBarcode(q, scope, barcode);
  if (!s) {
    const k = await q.query<{ kind: string }>(`SELECT kind FROM test_barcode WHERE province_code = $1 AND barcode = $2`, [scope.provinceCode, barcode]);
    const kind = k.rows[0]?.kind;
    if (kind === 'reserved') throw fieldError(409, 'barcode', 'not_collected');
    if (kind === 'pool') throw fieldError(400, 'barcode', 'barcode_is_pool');
    throw fieldError(400, 'barcode', 'unknown_barcode');
  }
  const check = canJoinPool(pool, s);
  if (!check.ok) {
    const message = check.reason === 'already_pooled' ? (s.poolBarcode ?? undefined) : check.reason === 'pool_full' ? String(pool.maxSize) : undefined;
    throw fieldError(check.reason === 'single_specimen' ? 400 : 409, 'barcode', check.reason, message);
  }
  try {
    await q.query(`INSERT INTO pool_member (province_code, specimen_id, pool_id, added_by) VALUES ($1, $2, $3, $4)`, [scope.provinceCode, s.id, poolId, actor.id]);
    await q.query(`UPDATE pool SET members = members + 1 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, poolId]);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '23505') throw fieldError(409, 'barcode', 'already_pooled');
    if (code === '23514') throw fieldError(409, 'barcode', 'pool_full', String(pool.maxSize));
    throw e;
  }
  await q.query(`UPDATE specimen SET status = 'pooled' WHERE province_code = $1 AND id = $2`, [scope.provinceCode, s.id]);
  const day = await q.query<{ day: string; code: string }>(`SELECT collected_on AS day, commune_code AS code FROM specimen WHERE province_code = $1 AND id = $2`, [scope.provinceCode, s.id]);
  await refreshDaily(q, scope.provinceCode, [{ day: day.rows[0].day, communeCode: day.rows[0].code }]);
  await audit(q, req, { action: 'update', entity: 'pool', entityId: poolId, details: { added: s.id, barcode } });
  return (await getPool(q, scope, poolId))!;
}

export async function removePoolMember(q: Queryable, req: FastifyRequest, scope: Scope, poolId: number, specimenId: number) {
  const pool = await getPoolRow(q, scope, poolId, true);
  if (!pool) throw notFound();
  if (pool.status !== 'open') throw new AppError(409, 'invalid_state', [{ field: 'status', code: pool.status }]);
  const r = await q.query(`DELETE FROM pool_member WHERE province_code = $1 AND pool_id = $2 AND specimen_id = $3`, [scope.provinceCode, poolId, specimenId]);
  if (!r.rowCount) throw notFound();
  await q.query(`UPDATE pool SET members = members - 1 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, poolId]);
  await q.query(`UPDATE specimen SET status = 'collected' WHERE province_code = $1 AND id = $2`, [scope.provinceCode, specimenId]);
  const day = await q.query<{ day: string; code: string }>(`SELECT collected_on AS day, commune_code AS code FROM specimen WHERE province_code = $1 AND id = $2`, [scope.provinceCode, specimenId]);
  await refreshDaily(q, scope.provinceCode, [{ day: day.rows[0].day, communeCode: day.rows[0].code }]);
  await audit(q, req, { action: 'update', entity: 'pool', entityId: poolId, details: { removed: specimenId } });
  return (await getPool(q, scope, poolId))!;
}

export async function sealPool(q: Queryable, req: FastifyRequest, scope: Scope, poolId: number) {
  const pool = await getPoolRow(q, scope, poolId, true);
  if (!pool) throw notFound();
  if (pool.status !== 'open') throw new AppError(409, 'invalid_state', [{ field: 'status', code: pool.status }]);
  if (pool.members < 1) throw fieldError(409, 'members', 'pool_empty');
  await q.query(`UPDATE pool SET status = 'sealed', sealed_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, poolId]);
  await audit(q, req, { action: 'update', entity: 'pool', entityId: poolId, details: { status: 'sealed', members: pool.members } });
  return (await getPool(q, scope, poolId))!;
}

/** What a scanned barcode is, within the caller's jurisdiction. */
export async function scanBarcode(q: Queryable, scope: Scope, raw: string) {
  const barcode = normalizeBarcode(raw);
  if (!barcode) throw fieldError(400, 'barcode', 'barcode_invalid');
  const s = await specimenByBarcode(q, scope, barcode);
  if (s) return { type: 'specimen' as const, barcode, specimen: s };
  const p = await poolByBarcode(q, scope, barcode);
  if (p) return { type: 'pool' as const, barcode, pool: p };
  const k = await q.query<{ kind: string; reservedFor: string | null }>(`SELECT kind, reserved_for AS "reservedFor" FROM test_barcode WHERE province_code = $1 AND barcode = $2`, [scope.provinceCode, barcode]);
  if (k.rows[0]?.kind === 'reserved') return { type: 'reserved' as const, barcode, reservedFor: k.rows[0].reservedFor };
  return null;
}
