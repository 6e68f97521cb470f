// SQL for the person registry. Every query is limited to the caller's jurisdiction (unit_path prefix).
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';

export interface PersonRow {
  id: number;
  cccd: string | null;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  communeCode: string;
  communeName: string;
  villageCode: string | null;
  villageName: string | null;
  householdId: string | null;
  address: string | null;
}

const COLS = `p.id, p.cccd, p.full_name AS "fullName", p.birth_date AS "birthDate", p.sex, p.phone,
  p.commune_code AS "communeCode", c.name AS "communeName", p.village_code AS "villageCode", v.name AS "villageName",
  p.household_id AS "householdId", p.address`;
const JOINS = `LEFT JOIN admin_unit c ON c.province_code = p.province_code AND c.code = p.commune_code
  LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code`;

export type SearchKind = 'cccd' | 'phone' | 'name';

export async function searchByCccd(q: Queryable, scope: Scope, cccd: string, limit: number) {
  const r = await q.query<PersonRow>(
    `SELECT ${COLS} FROM person p ${JOINS} WHERE p.province_code = $1 AND p.cccd = $2 AND p.unit_path LIKE $3 || '%' LIMIT $4`,
    [scope.provinceCode, cccd, scope.path, limit],
  );
  return r.rows;
}

export async function searchByPhone(q: Queryable, scope: Scope, phone: string, limit: number) {
  const r = await q.query<PersonRow>(
    `SELECT ${COLS} FROM person p ${JOINS} WHERE p.province_code = $1 AND p.phone = $2 AND p.unit_path LIKE $3 || '%' ORDER BY p.full_name LIMIT $4`,
    [scope.provinceCode, phone, scope.path, limit],
  );
  return r.rows;
}

/**
 * Name search on the diacritic-free key, in steps that each fill the rest of the page, all on
 * btree indexes: names that start with the query; family + given name ("nguyen huyen" finds
 * Nguyễn Thị Huyền, name_short); given name or middle + given name ("huyen", "thi huyen", on the
 * reversed words name_rev). Only when none of these finds anyone, names that contain the query
 * anywhere (trigram index, slower for common fragments).
 */
export async function searchByName(q: Queryable, scope: Scope, key: string, limit: number, communeCode?: string) {
  const found: PersonRow[] = [];
  const seen = new Set<number>();
  // One step: people matching `condition` ($2 is the step's pattern), in index order when given.
  const step = async (condition: string, pattern: string, orderBy: string | null) => {
    const r = await q.query<PersonRow>(
      `SELECT ${COLS} FROM person p ${JOINS}
        WHERE p.province_code = $1 AND ${condition} AND p.unit_path LIKE $3 || '%' ${communeCode ? 'AND p.commune_code = $5' : ''}
        ${orderBy ? `ORDER BY ${orderBy}` : ''} LIMIT $4`,
      [scope.provinceCode, pattern, scope.path, limit + found.length, ...(communeCode ? [communeCode] : [])],
    );
    for (const row of r.rows) if (!seen.has(row.id) && found.length < limit) (seen.add(row.id), found.push(row));
  };
  const words = key.split(' ');
  await step(`p.name_search LIKE $2 || '%'`, key, 'p.name_search, p.id');
  if (found.length < limit && words.length === 2) await step(`p.name_short LIKE $2 || '%'`, key, 'p.name_short, p.id');
  if (found.length < limit && words.length <= 3) await step(`p.name_rev LIKE $2 || '%'`, [...words].reverse().join(' '), 'p.name_rev, p.id');
  if (found.length === 0 && key.length >= 3) await step(`p.name_search LIKE '%' || $2 || '%'`, key, null);
  return found;
}

export async function getPerson(q: Queryable, scope: Scope, id: number): Promise<PersonRow | null> {
  const r = await q.query<PersonRow>(
    `SELECT ${COLS} FROM person p ${JOINS} WHERE p.province_code = $1 AND p.id = $2 AND p.unit_path LIKE $3 || '%'`,
    [scope.provinceCode, id, scope.path],
  );
  return r.rows[0] ?? null;
}

export async function getHousehold(q: Queryable, scope: Scope, householdId: string) {
  const h = await q.query<{ householdId: string; communeCode: string; villageCode: string | null; address: string | null; communeName: string; villageName: string | null }>(
    `SELECT h.household_id AS "householdId", h.commune_code AS "communeCode", h.village_code AS "villageCode", h.address,
            c.name AS "communeName", v.name AS "villageName"
       FROM household h
       LEFT JOIN admin_unit c ON c.province_code = h.province_code AND c.code = h.commune_code
       LEFT JOIN admin_unit v ON v.province_code = h.province_code AND v.code = h.village_code
      WHERE h.province_code = $1 AND h.household_id = $2 AND h.unit_path LIKE $3 || '%'`,
    [scope.provinceCode, householdId, scope.path],
  );
  if (!h.rows[0]) return null;
  const members = await q.query<PersonRow>(
    `SELECT ${COLS} FROM person p ${JOINS} WHERE p.province_code = $1 AND p.household_id = $2 AND p.unit_path LIKE $3 || '%' ORDER BY p.birth_date NULLS LAST, p.id`,
    [scope.provinceCode, householdId, scope.path],
  );
  return { ...h.rows[0], members: members.rows };
}
