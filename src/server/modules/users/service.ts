// Creating users: a role plus a jurisdiction that must be a unit of the province.
import type { Queryable } from '../../db/index.ts';
import { badRequest, conflict } from '../../errors.ts';
import { isRole, type Role } from '../../../domain/access/roles.ts';
import { hashPassword } from '../auth/service.ts';

export interface NewUser {
  username: string;
  fullName: string;
  password: string;
  role: string;
  unitCode: string;
  locale?: string;
}

export async function createUser(q: Queryable, provinceCode: string, u: NewUser, jurisdictionPath = '') {
  if (!isRole(u.role)) throw badRequest([{ field: 'role', code: 'unknown_role' }]);
  if (u.password.length < 10) throw badRequest([{ field: 'password', code: 'too_short' }]);
  const unit = await q.query<{ path: string }>('SELECT path FROM admin_unit WHERE province_code = $1 AND code = $2', [provinceCode, u.unitCode]);
  // An administrator can only hand out jurisdictions inside their own.
  if (!unit.rows[0] || !unit.rows[0].path.startsWith(jurisdictionPath)) throw badRequest([{ field: 'unitCode', code: 'unknown_unit' }]);
  const dup = await q.query('SELECT 1 FROM app_user WHERE lower(username) = lower($1)', [u.username]);
  if (dup.rows.length) throw conflict([{ field: 'username', code: 'exists' }]);
  const r = await q.query<{ id: number }>(
    `INSERT INTO app_user (province_code, username, full_name, password_hash, role, unit_code, locale)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [provinceCode, u.username, u.fullName, await hashPassword(u.password), u.role as Role, u.unitCode, u.locale ?? 'vi'],
  );
  return r.rows[0].id;
}

export async function listUsers(q: Queryable, provinceCode: string, jurisdictionPath: string) {
  const r = await q.query(
    `SELECT u.id, u.username, u.full_name AS "fullName", u.role, u.unit_code AS "unitCode", a.name AS "unitName", u.active,
            u.locked_until AS "lockedUntil", u.created_at AS "createdAt"
       FROM app_user u JOIN admin_unit a ON a.province_code = u.province_code AND a.code = u.unit_code
      WHERE u.province_code = $1 AND a.path LIKE $2 || '%' ORDER BY u.username`,
    [provinceCode, jurisdictionPath],
  );
  return r.rows;
}
