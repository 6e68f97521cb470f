// Tracing and follow-up tasks for community COVID teams and health workers: created by the case
// area's use cases, listed per jurisdiction, taken and completed from a phone.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';

export type TaskKind =
  | 'call_contact'
  | 'test_contact'
  | 'deliver_decision'
  | 'daily_check'
  | 'investigate_case'
  | 'receive_handover'
  // From the testing area (migration 003): re-sample a member of a positive pool, confirm a positive rapid test.
  | 'resample_pool_member'
  | 'confirm_rapid_test'
  // From health declarations (migration 008): monitor or test an arrival from an outbreak area, call someone who declared symptoms.
  | 'monitor_arrival'
  | 'test_arrival'
  | 'check_symptoms'
  // A declared contact (migration 012): check it (a contact with a case may be an F1).
  | 'check_declared_contact'
  // From vaccination (migration 006): vaccinate at home someone who cannot travel.
  | 'home_vaccination';

export interface NewTask {
  kind: TaskKind;
  personId: number;
  caseId?: number | null;
  contactId?: number | null;
  orderId?: number | null;
  unitPath: string;
  communeCode: string;
  role: 'community_team' | 'health_worker';
  dueAt: Date;
  detail?: Record<string, unknown>;
}

export async function createTask(q: Queryable, provinceCode: string, t: NewTask) {
  await q.query(
    `INSERT INTO task (province_code, kind, person_id, case_id, contact_id, order_id, unit_path, commune_code, role, due_at, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [provinceCode, t.kind, t.personId, t.caseId ?? null, t.contactId ?? null, t.orderId ?? null, t.unitPath, t.communeCode, t.role, t.dueAt.toISOString(), t.detail ? JSON.stringify(t.detail) : null],
  );
}

export interface TaskRow {
  id: number;
  kind: TaskKind;
  personId: number | null;
  fullName: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  caseId: number | null;
  contactId: number | null;
  orderId: number | null;
  role: string;
  assigneeId: number | null;
  assigneeName: string | null;
  dueAt: string;
  overdue: boolean;
  detail: Record<string, unknown> | null;
  status: string;
  doneAt: string | null;
  note: string | null;
}

// Someone not in the registry (an arrival who declared) is named by the task's detail.
const COLS = `t.id, t.kind, t.person_id AS "personId", coalesce(p.full_name, t.detail->>'fullName') AS "fullName", coalesce(p.phone, t.detail->>'phone') AS phone, coalesce(p.address, t.detail->>'address') AS address, v.name AS "villageName", c.name AS "communeName",
  t.case_id AS "caseId", t.contact_id AS "contactId", t.order_id AS "orderId", t.role, t.assignee_id AS "assigneeId", a.full_name AS "assigneeName",
  t.due_at AS "dueAt", (t.status = 'open' AND t.due_at < now()) AS overdue, t.detail, t.status, t.done_at AS "doneAt", t.note`;
const FROM = `task t
  LEFT JOIN person p ON p.province_code = t.province_code AND p.id = t.person_id
  LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
  LEFT JOIN admin_unit c ON c.province_code = t.province_code AND c.code = t.commune_code
  LEFT JOIN app_user a ON a.province_code = t.province_code AND a.id = t.assignee_id`;

export interface TaskFilter {
  state: 'open' | 'overdue' | 'done';
  /** Only tasks for this role (the caller's, for team members). */
  role?: string | null;
  mine?: number | null;
  limit: number;
}

export async function listTasks(q: Queryable, scope: Scope, f: TaskFilter): Promise<TaskRow[]> {
  const state =
    f.state === 'done' ? `t.status IN ('done', 'cancelled')` : f.state === 'overdue' ? `t.status = 'open' AND t.due_at < now()` : `t.status = 'open'`;
  const r = await q.query<TaskRow>(
    `SELECT ${COLS} FROM ${FROM}
      WHERE t.province_code = $1 AND t.unit_path LIKE $2 || '%' AND ${state} AND ($3::text IS NULL OR t.role = $3) AND ($4::bigint IS NULL OR t.assignee_id = $4)
      ORDER BY ${f.state === 'done' ? 't.done_at DESC NULLS LAST' : 't.due_at'}, t.id LIMIT $5`,
    [scope.provinceCode, scope.path, f.role ?? null, f.mine ?? null, f.limit],
  );
  return r.rows;
}

export async function taskCounts(q: Queryable, scope: Scope, role: string | null) {
  const r = await q.query<{ open: number; overdue: number; doneToday: number }>(
    `SELECT count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'open' AND due_at < now())::int AS overdue,
            count(*) FILTER (WHERE status = 'done' AND done_at > now() - interval '24 hours')::int AS "doneToday"
       FROM task t WHERE t.province_code = $1 AND t.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR t.role = $3)`,
    [scope.provinceCode, scope.path, role],
  );
  return r.rows[0];
}

export async function getTask(q: Queryable, scope: Scope, id: number, forUpdate = false): Promise<TaskRow | null> {
  const r = await q.query<TaskRow>(`SELECT ${COLS} FROM ${FROM} WHERE t.province_code = $1 AND t.id = $2 AND t.unit_path LIKE $3 || '%' ${forUpdate ? 'FOR UPDATE OF t' : ''}`, [
    scope.provinceCode,
    id,
    scope.path,
  ]);
  return r.rows[0] ?? null;
}

export async function completeTask(q: Queryable, provinceCode: string, id: number, userId: number, note: string | null) {
  await q.query(`UPDATE task SET status = 'done', done_at = now(), done_by = $3, assignee_id = coalesce(assignee_id, $3), note = $4 WHERE province_code = $1 AND id = $2`, [
    provinceCode,
    id,
    userId,
    note,
  ]);
}

export async function assignTask(q: Queryable, provinceCode: string, id: number, userId: number | null) {
  await q.query(`UPDATE task SET assignee_id = $3 WHERE province_code = $1 AND id = $2`, [provinceCode, id, userId]);
}
