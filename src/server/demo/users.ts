// One demo user per role (and a second commune officer next door), each with a realistic jurisdiction in the demo province.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { Role } from '../../domain/access/roles.ts';
import { createUser } from '../modules/users/service.ts';

export interface DemoLogin {
  username: string;
  password: string;
  role: Role;
  unitCode: string;
  unitName: string;
}

const PLAN: { role: Role; username: string; fullName: string; level: 'province' | 'district' | 'commune' | 'neighbour' }[] = [
  { role: 'province_admin', username: 'admin', fullName: 'Quản trị tỉnh', level: 'province' },
  { role: 'command_staff', username: 'chihuy', fullName: 'Trung tâm chỉ huy', level: 'province' },
  { role: 'district_officer', username: 'huyen', fullName: 'Cán bộ huyện', level: 'district' },
  { role: 'commune_officer', username: 'xa', fullName: 'Cán bộ xã', level: 'commune' },
  // A second commune of the same district, to receive contacts handed over across the commune border.
  { role: 'commune_officer', username: 'xaben', fullName: 'Cán bộ xã lân cận', level: 'neighbour' },
  { role: 'health_worker', username: 'yte', fullName: 'Nhân viên y tế xã', level: 'commune' },
  { role: 'lab_technician', username: 'xetnghiem', fullName: 'Kỹ thuật viên xét nghiệm', level: 'province' },
  { role: 'vaccinator', username: 'tiemchung', fullName: 'Cán bộ tiêm chủng', level: 'district' },
  { role: 'community_team', username: 'tocovid', fullName: 'Tổ COVID cộng đồng', level: 'commune' },
  { role: 'checkpoint_officer', username: 'chot', fullName: 'Cán bộ chốt kiểm soát', level: 'province' },
  { role: 'viewer', username: 'xem', fullName: 'Người xem', level: 'province' },
];

/**
 * Creates the demo users. The password is DEMO_PASSWORD when set, otherwise random per demo;
 * the demo commune is the most populous one, the demo district its district, and the neighbour
 * commune (second commune officer) the district's next most populous commune.
 */
export async function createDemoUsers(q: Queryable, provinceCode: string, password = process.env.DEMO_PASSWORD || randomBytes(9).toString('base64url')): Promise<DemoLogin[]> {
  const pick = async (sql: string, params: unknown[]) => (await q.query<{ code: string; name: string }>(sql, params)).rows[0];
  const province = await pick('SELECT code, name FROM admin_unit WHERE province_code = $1 AND level = $2', [provinceCode, 'province']);
  const commune = await pick(
    `SELECT code, name FROM admin_unit WHERE province_code = $1 AND level = 'commune' ORDER BY population DESC, code LIMIT 1`,
    [provinceCode],
  );
  const parentOfCommune = await pick(`SELECT p.code, p.name FROM admin_unit c JOIN admin_unit p ON p.province_code = c.province_code AND p.code = c.parent_code WHERE c.province_code = $1 AND c.code = $2`, [provinceCode, commune.code]);
  const district = parentOfCommune && parentOfCommune.code !== province.code ? parentOfCommune : province;
  const neighbour =
    (await pick(
      `SELECT code, name FROM admin_unit WHERE province_code = $1 AND level = 'commune' AND parent_code = $2 AND code <> $3 ORDER BY population DESC, code LIMIT 1`,
      [provinceCode, district.code, commune.code],
    )) ?? commune;
  const units = { province, district, commune, neighbour };
  const out: DemoLogin[] = [];
  for (const p of PLAN) {
    const unit = units[p.level];
    await createUser(q, provinceCode, { username: p.username, fullName: p.fullName, password, role: p.role, unitCode: unit.code });
    out.push({ username: p.username, password, role: p.role, unitCode: unit.code, unitName: unit.name });
  }
  return out;
}
