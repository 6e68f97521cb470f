// Tasks the testing area gives the commune (re-sample a member of a positive pool, confirm a
// positive rapid test), through the case area's task list so teams see one list.
import type { Queryable } from '../../db/index.ts';
import { completeTask, createTask, type NewTask } from '../cases/tasks.ts';

export type TestingTaskKind = Extract<NewTask['kind'], 'resample_pool_member' | 'confirm_rapid_test'>;

export async function createTestingTask(q: Queryable, provinceCode: string, t: NewTask & { kind: TestingTaskKind }) {
  await createTask(q, provinceCode, t);
}

/** Marks done the open tasks of a kind for a person (optionally for one follow-up). */
export async function completeOpenTasks(q: Queryable, provinceCode: string, userId: number | null, kind: TestingTaskKind, of: { personId: number; followUpId?: number }, note: string) {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM task WHERE province_code = $1 AND kind = $2 AND person_id = $3 AND status = 'open' AND ($4::text IS NULL OR detail->>'followUpId' = $4) FOR UPDATE`,
    [provinceCode, kind, of.personId, of.followUpId == null ? null : String(of.followUpId)],
  );
  for (const t of r.rows) {
    if (userId != null) await completeTask(q, provinceCode, Number(t.id), userId, note);
    else await q.query(`UPDATE task SET status = 'done', done_at = now(), note = $3 WHERE province_code = $1 AND id = $2`, [provinceCode, t.id, note]);
  }
}
