// Duplicate people: candidates for a record, and merging one record into another (the case area
// moves its records; the merged person's row is removed, its content kept in the audit log).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { duplicateReasons, mergeConflicts, mergedFacts, type PersonFacts } from '../../../domain/people/duplicates.ts';
import { searchKey } from '../../../domain/people/normalize.ts';
import { movePersonRecords } from '../cases/personMerge.ts';
import { moveOtherAreasRecords } from './mergeReferences.ts';
import { getPerson, type PersonRow } from './store.ts';

const facts = (p: PersonRow): PersonFacts => ({ id: Number(p.id), cccd: p.cccd, phone: p.phone, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, householdId: p.householdId, address: p.address });

export async function findDuplicates(q: Queryable, scope: Scope, id: number) {
  const p = await getPerson(q, scope, id);
  if (!p) return null;
  const r = await q.query<{ id: number }>(
    `SELECT id FROM person WHERE province_code = $1 AND id <> $2 AND unit_path LIKE $3 || '%'
        AND ((cccd IS NOT NULL AND cccd = $4) OR (phone IS NOT NULL AND phone = $5) OR (birth_date IS NOT NULL AND birth_date = $6 AND name_search = $7))
      ORDER BY id LIMIT 20`,
    [scope.provinceCode, id, scope.path, p.cccd, p.phone, p.birthDate, searchKey(p.fullName)],
  );
  const others = await Promise.all(r.rows.map((x) => getPerson(q, scope, Number(x.id))));
  return others
    .filter((o): o is PersonRow => !!o)
    .map((o) => ({ person: o, reasons: duplicateReasons(facts(p), facts(o)), conflicts: mergeConflicts(facts(p), facts(o)) }))
    .filter((d) => d.reasons.length > 0);
}

export async function mergePeople(q: Queryable, req: FastifyRequest, scope: Scope, keepId: number, mergeId: number, reason: string) {
  if (keepId === mergeId) throw badRequest([{ field: 'mergeId', code: 'same_person' }]);
  // Lock both rows in id order: two officers merging the same pair cannot interleave.
  await q.query(`SELECT id FROM person WHERE province_code = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE`, [scope.provinceCode, [keepId, mergeId]]);
  const [keep, drop] = await Promise.all([getPerson(q, scope, keepId), getPerson(q, scope, mergeId)]);
  if (!keep || !drop) throw notFound();
  const conflicts = mergeConflicts(facts(keep), facts(drop));
  if (conflicts.length) throw new AppError(409, 'conflict', conflicts.map((code) => ({ field: 'mergeId', code })));
  const others = await moveOtherAreasRecords(q, scope.provinceCode, mergeId, keepId);
  const moved = { ...(await movePersonRecords(q, scope.provinceCode, mergeId, keepId)), ...others.moved };
  const merged = mergedFacts(facts(keep), facts(drop));
  const snapshot = await q.query(`SELECT * FROM person WHERE province_code = $1 AND id = $2`, [scope.provinceCode, mergeId]);
  await q.query(`DELETE FROM person WHERE province_code = $1 AND id = $2`, [scope.provinceCode, mergeId]);
  await others.refresh();
  // The registry counts one person fewer in the units above the merged record.
  await q.query(`UPDATE admin_unit SET population = greatest(population - 1, 0) WHERE province_code = $1 AND $2 LIKE path || '%'`, [scope.provinceCode, snapshot.rows[0].unit_path]);
  await q.query(
    `UPDATE person SET cccd = $3, phone = $4, birth_date = $5, sex = $6, household_id = $7, address = $8, updated_at = now() WHERE province_code = $1 AND id = $2`,
    [scope.provinceCode, keepId, merged.cccd, merged.phone, merged.birthDate, merged.sex, merged.householdId, merged.address],
  );
  await audit(q, req, { action: 'update', entity: 'person', entityId: keepId, details: { merged: mergeId, reason, moved, removed: snapshot.rows[0] } });
  return { person: await getPerson(q, scope, keepId), moved };
}
