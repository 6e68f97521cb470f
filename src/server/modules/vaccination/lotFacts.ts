// Doses given from each lot per commune (vaccination_lot_commune), kept with the coverage facts: the
// same writers call refreshCoverage for the communes of the people vaccinated, which refreshes these
// too, so the lots list reads a few rows per lot instead of counting the province's doses.
// A dose counts under its own commune_code (the person's commune when it was written) when its
// unit_path is under that commune, as the migration that made the table counted them.
import type { Queryable } from '../../db/index.ts';

/** Counts again the doses per lot of these communes (in the caller's transaction, under the coverage facts' commune locks). */
export async function refreshLotFacts(q: Queryable, provinceCode: string, communeCodes: string[]): Promise<void> {
  if (!communeCodes.length) return;
  await q.query(`DELETE FROM vaccination_lot_commune WHERE province_code = $1 AND commune_code = ANY($2::text[])`, [provinceCode, communeCodes]);
  // Each commune's doses by a range of the dose index on (province, unit_path).
  await q.query(
    `INSERT INTO vaccination_lot_commune (province_code, lot_id, commune_code, doses)
     SELECT $1, d.lot_id, c.code, count(*)
       FROM admin_unit c
       JOIN vaccine_dose d ON d.province_code = c.province_code AND d.unit_path >= c.path::text AND d.unit_path < (left(c.path, -1) || '0')::text AND d.commune_code = c.code
      WHERE c.province_code = $1 AND c.level = 'commune' AND c.code = ANY($2::text[])
      GROUP BY 2, 3`,
    [provinceCode, communeCodes],
  );
}

/** Counts every commune's doses per lot again, in one pass over the province's doses (a rebuild). */
export async function rebuildLotFacts(q: Queryable, provinceCode: string): Promise<void> {
  await q.query(`DELETE FROM vaccination_lot_commune WHERE province_code = $1`, [provinceCode]);
  await q.query(
    `INSERT INTO vaccination_lot_commune (province_code, lot_id, commune_code, doses)
     SELECT $1, d.lot_id, c.code, count(*)
       FROM vaccine_dose d
       JOIN admin_unit c ON c.province_code = d.province_code AND c.code = d.commune_code AND c.level = 'commune'
      WHERE d.province_code = $1 AND d.unit_path >= c.path::text AND d.unit_path < (left(c.path, -1) || '0')::text
      GROUP BY 2, 3`,
    [provinceCode],
  );
}
