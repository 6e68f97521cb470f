// Quarantine (F1) and isolation (F0) orders, centralised facilities with their occupancy, daily
// checks and release. Dates come from the policy version in force (src/domain/cases/quarantine.ts).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import type { Scope } from '../units/store.ts';
import { planIsolation, planQuarantine, type ImmunityFacts, type OrderPlan } from '../../../domain/cases/quarantine.ts';
import type { IsolationPolicy, QuarantinePolicy, TracingDueHours } from '../../../domain/cases/policies.ts';
import { todayInVietnam } from '../imports/service.ts';
import * as store from './store.ts';
import { createTask } from './tasks.ts';
import { caseVaccinationFacts } from '../vaccination/status.ts';
import type { Actor } from './service.ts';

export interface FacilityRow {
  id: number;
  name: string;
  kind: string;
  communeCode: string;
  communeName: string | null;
  address: string | null;
  capacity: number;
  occupied: number;
  active: boolean;
}

const FACILITY_COLS = `f.id, f.name, f.kind, f.commune_code AS "communeCode", u.name AS "communeName", f.address, f.capacity, f.active,
  (SELECT count(*)::int FROM quarantine_order o WHERE o.province_code = f.province_code AND o.facility_id = f.id AND o.status = 'active') AS occupied`;

export async function listFacilities(q: Queryable, scope: Scope): Promise<FacilityRow[]> {
  // Facilities hold no personal data and serve beyond their commune: every officer of the province
  // sees them all (to assign people to a district or provincial facility); creating one stays in the jurisdiction.
  const r = await q.query<FacilityRow>(
    `SELECT ${FACILITY_COLS} FROM quarantine_facility f LEFT JOIN admin_unit u ON u.province_code = f.province_code AND u.code = f.commune_code
      WHERE f.province_code = $1 ORDER BY f.active DESC, f.name`,
    [scope.provinceCode],
  );
  return r.rows;
}

export async function createFacility(q: Queryable, req: FastifyRequest, scope: Scope, input: { name: string; kind: 'centralised' | 'hospital'; communeCode: string; address?: string | null; capacity: number }) {
  const u = await q.query<{ path: string; level: string }>(`SELECT path, level FROM admin_unit WHERE province_code = $1 AND code = $2 AND path LIKE $3 || '%'`, [
    scope.provinceCode,
    input.communeCode,
    scope.path,
  ]);
  if (!u.rows[0] || u.rows[0].level !== 'commune') throw badRequest([{ field: 'communeCode', code: 'unknown' }]);
  const r = await q.query<{ id: number }>(
    `INSERT INTO quarantine_facility (province_code, name, kind, unit_path, commune_code, address, capacity) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [scope.provinceCode, input.name, input.kind, u.rows[0].path, input.communeCode, input.address ?? null, input.capacity],
  );
  await audit(q, req, { action: 'create', entity: 'quarantine_facility', entityId: r.rows[0].id, details: { name: input.name, capacity: input.capacity } });
  return Number(r.rows[0].id);
}

export interface OrderInput {
  personId: number;
  kind: 'quarantine' | 'isolation';
  /** Override the place the policy gives (e.g. hospital for a severe case). */
  place?: 'home' | 'centralised' | 'hospital';
  facilityId?: number | null;
  orderDate?: string;
  immunity?: { fullyVaccinatedOn?: string | null; recoveredOn?: string | null };
}

export interface OrderRow {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  cccd: string | null;
  phone: string | null;
  address: string | null;
  communeCode: string;
  communeName: string | null;
  kind: 'quarantine' | 'isolation';
  place: 'home' | 'centralised' | 'hospital';
  facilityId: number | null;
  facilityName: string | null;
  caseId: number | null;
  contactId: number | null;
  startDate: string;
  endDate: string;
  monitorUntil: string;
  testDays: number[];
  policyKey: string;
  policyVersion: number;
  rule: string;
  status: string;
  releasedDate: string | null;
  releaseNote: string | null;
  decisionNo: string;
  createdAt: string;
  checks: { day: string; status: string; note: string | null }[];
}

const ORDER_COLS = `o.id, o.person_id AS "personId", p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.cccd, p.phone, p.address,
  o.commune_code AS "communeCode", u.name AS "communeName", o.kind, o.place, o.facility_id AS "facilityId", f.name AS "facilityName",
  o.case_id AS "caseId", o.contact_id AS "contactId", o.start_date AS "startDate", o.end_date AS "endDate", o.monitor_until AS "monitorUntil",
  o.test_days AS "testDays", o.policy_key AS "policyKey", o.policy_version AS "policyVersion", o.rule, o.status, o.released_date AS "releasedDate",
  o.release_note AS "releaseNote", o.decision_no AS "decisionNo", o.created_at AS "createdAt",
  coalesce((SELECT json_agg(json_build_object('day', ch.day, 'status', ch.status, 'note', ch.note) ORDER BY ch.day)
              FROM quarantine_check ch WHERE ch.province_code = o.province_code AND ch.order_id = o.id), '[]'::json) AS checks`;
const ORDER_FROM = `quarantine_order o
  JOIN person p ON p.province_code = o.province_code AND p.id = o.person_id
  LEFT JOIN admin_unit u ON u.province_code = o.province_code AND u.code = o.commune_code
  LEFT JOIN quarantine_facility f ON f.province_code = o.province_code AND f.id = o.facility_id`;

export async function getOrder(q: Queryable, scope: Scope, id: number): Promise<OrderRow | null> {
  const r = await q.query<OrderRow>(`SELECT ${ORDER_COLS} FROM ${ORDER_FROM} WHERE o.province_code = $1 AND o.id = $2 AND o.unit_path LIKE $3 || '%'`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ?? null;
}

export async function listOrders(q: Queryable, scope: Scope, f: { status?: string; personId?: number; limit: number }): Promise<OrderRow[]> {
  const r = await q.query<OrderRow>(
    `SELECT ${ORDER_COLS} FROM ${ORDER_FROM} WHERE o.province_code = $1 AND o.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR o.status = $3)
       AND ($4::bigint IS NULL OR o.person_id = $4) ORDER BY o.end_date, o.id LIMIT $5`,
    [scope.provinceCode, scope.path, f.status ?? null, f.personId ?? null, f.limit],
  );
  return r.rows;
}

/** Fully vaccinated / recovered dates: from the request, else the vaccination registry when it has doses of the person, else the person's case records. */
async function immunityOf(q: Queryable, provinceCode: string, personId: number, given?: OrderInput['immunity']): Promise<ImmunityFacts> {
  const registry = await caseVaccinationFacts(q, provinceCode, personId, todayInVietnam());
  const r = await q.query<{ lastDose: string | null; recovered: string | null }>(
    `SELECT max(last_dose_date) FILTER (WHERE vaccination_status IN ('full', 'booster')) AS "lastDose",
            max(outcome_date) FILTER (WHERE status = 'recovered') AS recovered
       FROM case_record WHERE province_code = $1 AND person_id = $2`,
    [provinceCode, personId],
  );
  return { fullyVaccinatedOn: given?.fullyVaccinatedOn ?? (registry ? registry.fullyVaccinatedOn : (r.rows[0]?.lastDose ?? null)), recoveredOn: given?.recoveredOn ?? r.rows[0]?.recovered ?? null };
}

export async function issueOrder(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: OrderInput): Promise<OrderRow> {
  const today = todayInVietnam();
  const orderDate = input.orderDate ?? today;
  if (orderDate > today) throw badRequest([{ field: 'orderDate', code: 'in_future' }]);
  for (const k of ['fullyVaccinatedOn', 'recoveredOn'] as const) {
    const v = input.immunity?.[k];
    if (v && v > today) throw badRequest([{ field: `immunity.${k}`, code: 'in_future' }]);
  }
  const person = (await store.personsInScope(q, scope, [input.personId])).get(input.personId);
  if (!person) throw notFound();
  // One active order per person: serialise on the person so two officers cannot both issue one.
  await q.query(`SELECT 1 FROM person WHERE province_code = $1 AND id = $2 FOR UPDATE`, [scope.provinceCode, person.id]);
  const active = await q.query(`SELECT id FROM quarantine_order WHERE province_code = $1 AND person_id = $2 AND status = 'active'`, [scope.provinceCode, person.id]);
  if (active.rows.length) throw conflict([{ field: 'personId', code: 'already_ordered' }]);

  const immunity = await immunityOf(q, scope.provinceCode, person.id, input.immunity);
  let plan: OrderPlan;
  let policyKey: string;
  let policyVersion: number;
  let caseId: number | null = null;
  let contactId: number | null = null;
  if (input.kind === 'isolation') {
    const c = await q.query<{ id: number; sampleDate: string | null; reportDate: string }>(
      `SELECT id, sample_date AS "sampleDate", report_date AS "reportDate" FROM case_record WHERE province_code = $1 AND person_id = $2 AND status = 'confirmed'`,
      [scope.provinceCode, person.id],
    );
    if (!c.rows[0]) throw new AppError(409, 'invalid_state', [{ field: 'personId', code: 'not_a_case' }]);
    caseId = Number(c.rows[0].id);
    const start = c.rows[0].sampleDate ?? c.rows[0].reportDate;
    const p = await policyOn<IsolationPolicy>(q, scope.provinceCode, 'isolation.f0', start);
    if (!p) throw conflict([{ field: 'isolation.f0', code: 'no_policy_in_force' }]);
    plan = planIsolation(p.value, immunity, start, orderDate);
    policyKey = p.key;
    policyVersion = p.version;
  } else {
    const k = await q.query<{ id: number; exposureDate: string }>(
      `SELECT id, exposure_date AS "exposureDate" FROM contact WHERE province_code = $1 AND person_id = $2 AND status IN ('traced', 'proposed') ORDER BY exposure_date DESC, id DESC LIMIT 1`,
      [scope.provinceCode, person.id],
    );
    if (!k.rows[0]) throw new AppError(409, 'invalid_state', [{ field: 'personId', code: 'not_a_contact' }]);
    contactId = Number(k.rows[0].id);
    const lastExposure = k.rows[0].exposureDate;
    const p = await policyOn<QuarantinePolicy>(q, scope.provinceCode, 'quarantine.f1', lastExposure);
    if (!p) throw conflict([{ field: 'quarantine.f1', code: 'no_policy_in_force' }]);
    plan = planQuarantine(p.value, immunity, lastExposure, orderDate);
    policyKey = p.key;
    policyVersion = p.version;
  }
  const place = input.place ?? plan.place;
  let facilityId: number | null = null;
  if (place !== 'home') {
    if (!input.facilityId) throw badRequest([{ field: 'facilityId', code: 'required' }]);
    // Lock the facility row: two assignments at once must not both take its last bed.
    const f = await q.query<{ capacity: number; kind: string; active: boolean; path: string }>(
      `SELECT capacity, kind, active, unit_path AS path FROM quarantine_facility WHERE province_code = $1 AND id = $2 FOR UPDATE`,
      [scope.provinceCode, input.facilityId],
    );
    if (!f.rows[0] || !f.rows[0].active) throw badRequest([{ field: 'facilityId', code: 'unknown' }]);
    const occupied = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM quarantine_order WHERE province_code = $1 AND facility_id = $2 AND status = 'active'`, [
      scope.provinceCode,
      input.facilityId,
    ]);
    if (occupied.rows[0].n >= f.rows[0].capacity) throw new AppError(409, 'facility_full', [{ field: 'facilityId', code: 'facility_full' }]);
    facilityId = input.facilityId;
  }
  const seq = await q.query<{ n: number }>(`SELECT count(*)::int + 1 AS n FROM quarantine_order WHERE province_code = $1 AND commune_code = $2`, [scope.provinceCode, person.communeCode]);
  const decisionNo = `${seq.rows[0].n}/QĐ-UBND`;
  const r = await q.query<{ id: number }>(
    `INSERT INTO quarantine_order (province_code, person_id, unit_path, commune_code, kind, place, facility_id, case_id, contact_id, start_date, end_date,
       monitor_until, test_days, policy_key, policy_version, rule, decision_no, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
    [
      scope.provinceCode,
      person.id,
      person.unitPath,
      person.communeCode,
      input.kind,
      place,
      facilityId,
      caseId,
      contactId,
      plan.startDate,
      plan.endDate,
      plan.monitorUntil,
      plan.testDays.map((t) => t.day),
      policyKey,
      policyVersion,
      plan.rule,
      decisionNo,
      actor.id,
    ],
  );
  const orderId = Number(r.rows[0].id);
  const due = await policyOn<TracingDueHours>(q, scope.provinceCode, 'tracing.due_hours', today);
  const base = { personId: person.id, orderId, caseId, contactId, unitPath: person.unitPath, communeCode: person.communeCode };
  await createTask(q, scope.provinceCode, { ...base, kind: 'deliver_decision', role: 'community_team', dueAt: new Date(Date.now() + (due?.value.deliverDecision ?? 24) * 3_600_000) });
  for (const t of plan.testDays) {
    // Tests are due by 17:00 Vietnam time on their day.
    await createTask(q, scope.provinceCode, { ...base, kind: 'test_contact', role: 'health_worker', dueAt: new Date(`${t.date}T10:00:00Z`), detail: { day: t.day, date: t.date } });
  }
  if (caseId) await store.addCaseEvent(q, scope.provinceCode, caseId, actor, 'isolation_ordered', { orderId, endDate: plan.endDate, place });
  await audit(q, req, { action: 'create', entity: 'quarantine_order', entityId: orderId, details: { personId: person.id, kind: input.kind, endDate: plan.endDate, policyVersion } });
  return (await getOrder(q, scope, orderId))!;
}

export async function recordCheck(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, orderId: number, input: { day: string; status: 'ok' | 'symptoms' | 'absent'; note?: string | null }) {
  const o = await getOrder(q, scope, orderId);
  if (!o) throw notFound();
  if (input.day > todayInVietnam()) throw badRequest([{ field: 'day', code: 'in_future' }]);
  if (input.day < o.startDate || input.day > o.monitorUntil) throw badRequest([{ field: 'day', code: 'outside_order' }]);
  if (o.status !== 'active') throw new AppError(409, 'invalid_state', [{ field: 'status', code: o.status }]);
  await q.query(
    `INSERT INTO quarantine_check (province_code, order_id, day, status, note, checked_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (province_code, order_id, day) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, checked_by = EXCLUDED.checked_by, checked_at = now()`,
    [scope.provinceCode, orderId, input.day, input.status, input.note ?? null, actor.id],
  );
  await audit(q, req, { action: 'update', entity: 'quarantine_order', entityId: orderId, details: { check: input.day, status: input.status } });
  return (await getOrder(q, scope, orderId))!;
}

export async function releaseOrder(q: Queryable, req: FastifyRequest, scope: Scope, orderId: number, input: { date: string; note?: string | null; early?: boolean }) {
  const o = await getOrder(q, scope, orderId);
  if (!o) throw notFound();
  if (o.status !== 'active') throw new AppError(409, 'invalid_state', [{ field: 'status', code: o.status }]);
  if (input.date > todayInVietnam()) throw badRequest([{ field: 'date', code: 'in_future' }]);
  if (input.date < o.startDate) throw badRequest([{ field: 'date', code: 'before_start' }]);
  // Releasing before the end date the policy gave needs a stated reason.
  if (input.date < o.endDate && !input.note?.trim()) throw badRequest([{ field: 'note', code: 'required_for_early_release' }]);
  await q.query(`UPDATE quarantine_order SET status = 'released', released_date = $3, release_note = $4 WHERE province_code = $1 AND id = $2`, [
    scope.provinceCode,
    orderId,
    input.date,
    input.note ?? null,
  ]);
  await q.query(`UPDATE task SET status = 'cancelled', note = 'released' WHERE province_code = $1 AND order_id = $2 AND status = 'open'`, [scope.provinceCode, orderId]);
  await audit(q, req, { action: 'update', entity: 'quarantine_order', entityId: orderId, details: { released: input.date } });
  return (await getOrder(q, scope, orderId))!;
}
