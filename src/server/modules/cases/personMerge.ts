// When two registry records turn out to be one person, the case area moves what it holds about
// the merged record (cases, exposures, orders, tasks) to the kept one, and the merged record's
// natural key is kept as an alias of the kept person (person_alias, read by the people import).
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';

export async function movePersonRecords(q: Queryable, provinceCode: string, fromId: number, toId: number) {
  const args = [provinceCode, fromId, toId];
  const open = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_record WHERE province_code = $1 AND person_id IN ($2, $3) AND status = 'confirmed'`, args);
  if (open.rows[0].n > 1) throw new AppError(409, 'conflict', [{ field: 'mergeId', code: 'both_open_cases' }]);
  const active = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM quarantine_order WHERE province_code = $1 AND person_id IN ($2, $3) AND status = 'active'`, args);
  if (active.rows[0].n > 1) throw new AppError(409, 'conflict', [{ field: 'mergeId', code: 'both_active_orders' }]);
  const cases = await q.query(`UPDATE case_record SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  // Exposures between the two records, and the second copy of an exposure both had, go away.
  await q.query(`DELETE FROM contact WHERE province_code = $1 AND ((person_id = $2 AND source_person_id = $3) OR (person_id = $3 AND source_person_id = $2))`, args);
  await q.query(
    `DELETE FROM contact k WHERE k.province_code = $1 AND k.person_id = $2
        AND EXISTS (SELECT 1 FROM contact o WHERE o.province_code = $1 AND o.person_id = $3 AND o.source_person_id = k.source_person_id)`,
    args,
  );
  await q.query(
    `DELETE FROM contact k WHERE k.province_code = $1 AND k.source_person_id = $2
        AND EXISTS (SELECT 1 FROM contact o WHERE o.province_code = $1 AND o.source_person_id = $3 AND o.person_id = k.person_id)`,
    args,
  );
  const contacts = await q.query(`UPDATE contact SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  await q.query(`UPDATE contact SET source_person_id = $3 WHERE province_code = $1 AND source_person_id = $2`, args);
  const orders = await q.query(`UPDATE quarantine_order SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  const tasks = await q.query(`UPDATE task SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  // The merged record's natural key (and those it had taken over) now name the kept person: a
  // re-import of the registry file it came from updates the kept person instead of recreating it.
  await q.query(`UPDATE person_alias SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  await q.query(
    `INSERT INTO person_alias (province_code, natural_key, person_id) SELECT province_code, natural_key, $3 FROM person WHERE province_code = $1 AND id = $2
     ON CONFLICT (province_code, natural_key) DO UPDATE SET person_id = EXCLUDED.person_id, merged_at = now()`,
    args,
  );
  return { cases: cases.rowCount, contacts: contacts.rowCount, orders: orders.rowCount, tasks: tasks.rowCount };
}
