// The demo's capacity register in the database: every commune, district and the province entered
// (src/domain/demo/capacity.ts) by the province administrator at the start of the demo's outbreak,
// so the levels' criterion 3 reads what the units had ready rather than "not entered".
import type { Db } from '../db/index.ts';
import { addDays } from '../../domain/cases/dates.ts';
import { planCapacity, type CapacityUnit } from '../../domain/demo/capacity.ts';

/** Days before the demo's today of the register's entries (before the outbreak's first case). */
export const DEMO_CAPACITY_DAYS_BEFORE = 90;

export async function createDemoCapacity(db: Db, o: { provinceCode: string; seed: number; today: string }): Promise<number> {
  const units = (
    await db.query<CapacityUnit>(
      `SELECT code, level, parent_code AS "parentCode", population FROM admin_unit WHERE province_code = $1 AND level IN ('province', 'district', 'commune') ORDER BY code`,
      [o.provinceCode],
    )
  ).rows.map((u) => ({ ...u, population: Number(u.population) }));
  const plan = planCapacity(units, o.seed);
  if (!plan.length) return 0;
  const admin = (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE province_code = $1 AND username = 'admin'`, [o.provinceCode])).rows[0];
  const r = await db.query(
    `INSERT INTO level_capacity (province_code, unit_code, day, treatment_beds, vacant_beds, icu_beds, oxygen_ready, care_teams, mobile_stations, treatment_plan, note, entered_by)
     SELECT $1, t.u, $2::date, t.tb, t.vb, t.icu, t.ox, t.ct, t.ms, t.tp, 'Số liệu minh họa (demo)', $11
       FROM unnest($3::text[], $4::int[], $5::int[], $6::int[], $7::boolean[], $8::int[], $9::int[], $10::boolean[]) AS t(u, tb, vb, icu, ox, ct, ms, tp)
     ON CONFLICT DO NOTHING`,
    [
      o.provinceCode,
      addDays(o.today, -DEMO_CAPACITY_DAYS_BEFORE),
      plan.map((p) => p.unitCode),
      plan.map((p) => p.treatmentBeds),
      plan.map((p) => p.vacantBeds),
      plan.map((p) => p.icuBeds),
      plan.map((p) => p.oxygenReady),
      plan.map((p) => p.careTeams),
      plan.map((p) => p.mobileStations),
      plan.map((p) => p.treatmentPlan),
      admin?.id ?? null,
    ],
  );
  return r.rowCount;
}
