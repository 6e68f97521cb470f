// Home vaccination (issue 5, capability 5): a request for someone who cannot travel (bedridden,
// very old, disabled), scheduled to a mobile team on a date — which gives the team a task on its
// list — and done when the team records the dose at the door. One open request per person.
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import { completeTask, createTask } from '../cases/tasks.ts';

export type HomeStatus = 'requested' | 'scheduled' | 'done' | 'cancelled';

export interface HomeRequest {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  bedridden: boolean;
  comorbidity: boolean;
  reason: string;
  requestedOn: string;
  status: HomeStatus;
  team: string | null;
  scheduledOn: string | null;
  doseId: number | null;
  doseGivenOn: string | null;
  cancelReason: string | null;
  taskId: number | null;
  updatedAt: string;
}

const COLS = `r.id, r.person_id AS "personId", p.full_name AS "fullName", p.birth_date::text AS "birthDate", p.sex, p.phone, coalesce(h.address, p.address) AS address,
  v.name AS "villageName", c.name AS "communeName", coalesce(vp.bedridden, false) AS bedridden, coalesce(vp.comorbidity, false) AS comorbidity,
  r.reason, r.requested_on::text AS "requestedOn", r.status, r.team, r.scheduled_on::text AS "scheduledOn", r.dose_id AS "doseId", d.given_on::text AS "doseGivenOn",
  r.cancel_reason AS "cancelReason", r.updated_at AS "updatedAt",
  (SELECT t.id FROM task t WHERE t.province_code = r.province_code AND t.kind = 'home_vaccination' AND t.detail->>'requestId' = r.id::text ORDER BY t.id DESC LIMIT 1) AS "taskId"`;
const FROM = `home_vaccination_request r
  JOIN person p ON p.province_code = r.province_code AND p.id = r.person_id
  LEFT JOIN household h ON h.province_code = p.province_code AND h.household_id = p.household_id
  LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
  LEFT JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
  LEFT JOIN vaccination_profile vp ON vp.province_code = r.province_code AND vp.person_id = r.person_id
  LEFT JOIN vaccine_dose d ON d.province_code = r.province_code AND d.id = r.dose_id`;

const norm = (r: HomeRequest): HomeRequest => ({
  ...r,
  id: Number(r.id),
  personId: Number(r.personId),
  doseId: r.doseId == null ? null : Number(r.doseId),
  taskId: r.taskId == null ? null : Number(r.taskId),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

export async function listHomeRequests(q: Queryable, scope: Scope, f: { status?: HomeStatus | 'open'; unitPath?: string; limit: number }): Promise<HomeRequest[]> {
  const status = f.status === 'open' ? ['requested', 'scheduled'] : f.status ? [f.status] : ['requested', 'scheduled', 'done', 'cancelled'];
  const r = await q.query<HomeRequest>(
    `SELECT ${COLS} FROM ${FROM}
      WHERE r.province_code = $1 AND r.unit_path LIKE $2 || '%' AND r.unit_path LIKE $3 || '%' AND r.status = ANY($4::text[])
      ORDER BY CASE r.status WHEN 'scheduled' THEN 0 WHEN 'requested' THEN 1 ELSE 2 END, r.scheduled_on NULLS LAST, r.requested_on, r.id LIMIT $5`,
    [scope.provinceCode, scope.path, f.unitPath ?? scope.path, status, f.limit],
  );
  return r.rows.map(norm);
}

export async function getHomeRequest(q: Queryable, scope: Scope, id: number, forUpdate = false): Promise<HomeRequest | null> {
  if (forUpdate) {
    const l = await q.query(`SELECT 1 FROM home_vaccination_request WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`, [scope.provinceCode, id, scope.path]);
    if (!l.rows.length) return null;
  }
  const r = await q.query<HomeRequest>(`SELECT ${COLS} FROM ${FROM} WHERE r.province_code = $1 AND r.id = $2 AND r.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? norm(r.rows[0]) : null;
}

const invalid = (field: string, code: string, message: string) => new AppError(400, 'validation', [{ field, code, message }]);
const state = (code: string, message: string) => new AppError(409, 'invalid_state', [{ field: 'status', code, message }]);

export async function createHomeRequest(q: Queryable, scope: Scope, userId: number, input: { personId: number; reason: string; requestedOn?: string }): Promise<HomeRequest> {
  const reason = input.reason.trim();
  if (!reason) throw invalid('reason', 'reason_required', 'Cần ghi lý do không đến được điểm tiêm / a reason is required');
  const today = todayInVietnam();
  const requestedOn = input.requestedOn ?? today;
  if (requestedOn > today) throw invalid('requestedOn', 'in_future', 'Ngày đề nghị ở tương lai / the date is in the future');
  const p = await q.query<{ id: number; unit_path: string }>(`SELECT id, unit_path FROM person WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%' FOR UPDATE`, [
    scope.provinceCode,
    input.personId,
    scope.path,
  ]);
  if (!p.rows[0]) throw notFound();
  const open = await q.query(`SELECT 1 FROM home_vaccination_request WHERE province_code = $1 AND person_id = $2 AND status IN ('requested', 'scheduled')`, [scope.provinceCode, input.personId]);
  if (open.rows.length) throw new AppError(409, 'conflict', [{ field: 'personId', code: 'already_requested', message: 'Người này đã có đề nghị tiêm tại nhà đang mở / this person already has an open request' }]);
  const r = await q.query<{ id: number }>(
    `INSERT INTO home_vaccination_request (province_code, person_id, unit_path, reason, requested_on, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [scope.provinceCode, input.personId, p.rows[0].unit_path, reason, requestedOn, userId],
  );
  return (await getHomeRequest(q, scope, Number(r.rows[0].id)))!;
}

/** Schedules (or moves) a request to a team on a date, with the team's task due that evening. */
export async function scheduleHomeRequest(q: Queryable, scope: Scope, id: number, input: { team: string; scheduledOn: string }): Promise<HomeRequest> {
  const cur = await getHomeRequest(q, scope, id, true);
  if (!cur) throw notFound();
  if (cur.status !== 'requested' && cur.status !== 'scheduled') throw state('not_open', 'Đề nghị đã xong hoặc đã hủy / the request is closed');
  const team = input.team.trim();
  if (!team) throw invalid('team', 'team_required', 'Cần ghi đội tiêm lưu động / name the mobile team');
  if (input.scheduledOn < todayInVietnam()) throw invalid('scheduledOn', 'in_past', 'Ngày hẹn đã qua / the date has passed');
  if (input.scheduledOn < cur.requestedOn) throw invalid('scheduledOn', 'before_request', 'Ngày hẹn trước ngày đề nghị / before the request');
  await q.query(`UPDATE home_vaccination_request SET status = 'scheduled', team = $3, scheduled_on = $4, updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, team, input.scheduledOn]);
  // 17:00 in Viet Nam on the day: the end of the team's working day.
  const dueAt = new Date(`${input.scheduledOn}T10:00:00Z`);
  const open = await q.query<{ id: number }>(`SELECT id FROM task WHERE province_code = $1 AND kind = 'home_vaccination' AND status = 'open' AND detail->>'requestId' = $2`, [scope.provinceCode, String(id)]);
  if (open.rows.length) {
    await q.query(`UPDATE task SET due_at = $3, detail = detail || jsonb_build_object('team', $4::text, 'scheduledOn', $5::text) WHERE province_code = $1 AND id = ANY($2::bigint[])`, [
      scope.provinceCode,
      open.rows.map((t) => t.id),
      dueAt.toISOString(),
      team,
      input.scheduledOn,
    ]);
  } else {
    const p = await q.query<{ unit_path: string; commune_code: string }>(`SELECT unit_path, commune_code FROM person WHERE province_code = $1 AND id = $2`, [scope.provinceCode, cur.personId]);
    await createTask(q, scope.provinceCode, {
      kind: 'home_vaccination',
      personId: cur.personId,
      unitPath: p.rows[0].unit_path,
      communeCode: p.rows[0].commune_code,
      role: 'health_worker',
      dueAt,
      detail: { requestId: id, team, scheduledOn: input.scheduledOn, reason: cur.reason },
    });
  }
  return (await getHomeRequest(q, scope, id))!;
}

async function closeTasks(q: Queryable, provinceCode: string, id: number, userId: number, status: 'done' | 'cancelled', note: string) {
  const open = await q.query<{ id: number }>(`SELECT id FROM task WHERE province_code = $1 AND kind = 'home_vaccination' AND status = 'open' AND detail->>'requestId' = $2 FOR UPDATE`, [provinceCode, String(id)]);
  for (const t of open.rows) {
    if (status === 'done') await completeTask(q, provinceCode, Number(t.id), userId, note);
    else await q.query(`UPDATE task SET status = 'cancelled', done_at = now(), done_by = $3, note = $4 WHERE province_code = $1 AND id = $2`, [provinceCode, t.id, userId, note]);
  }
}

export async function cancelHomeRequest(q: Queryable, scope: Scope, userId: number, id: number, reason: string): Promise<HomeRequest> {
  const cur = await getHomeRequest(q, scope, id, true);
  if (!cur) throw notFound();
  if (cur.status !== 'requested' && cur.status !== 'scheduled') throw state('not_open', 'Đề nghị đã xong hoặc đã hủy / the request is closed');
  if (!reason.trim()) throw invalid('reason', 'reason_required', 'Cần ghi lý do hủy / a reason is required');
  await q.query(`UPDATE home_vaccination_request SET status = 'cancelled', cancel_reason = $3, updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, reason.trim()]);
  await closeTasks(q, scope.provinceCode, id, userId, 'cancelled', `Hủy: ${reason.trim()}`);
  return (await getHomeRequest(q, scope, id))!;
}

/** Marks a request done with the dose the team recorded (the dose is written by the caller, in the same transaction). */
export async function completeHomeRequest(q: Queryable, scope: Scope, userId: number, id: number, doseId: number): Promise<HomeRequest> {
  await q.query(`UPDATE home_vaccination_request SET status = 'done', dose_id = $3, updated_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, doseId]);
  await closeTasks(q, scope.provinceCode, id, userId, 'done', 'Đã tiêm tại nhà');
  return (await getHomeRequest(q, scope, id))!;
}
