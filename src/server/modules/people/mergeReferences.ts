// When two registry records are merged, every area's rows about the merged record move to the kept
// one (the case area moves its own: cases/personMerge.ts). Vaccination refuses a merge where both
// records hold a different dose of the same kind (which one is true is for an officer to settle).
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { refreshCoverage } from '../vaccination/coverageFacts.ts';

/** Tables whose person_id simply follows the person. */
const FOLLOWS_PERSON = ['specimen', 'rapid_test', 'follow_up', 'adverse_event', 'sweep_visit', 'vaccination_certificate', 'exposure_suggestion', 'health_declaration', 'checkpoint_passage'];

export async function moveOtherAreasRecords(q: Queryable, provinceCode: string, fromId: number, toId: number) {
  const args = [provinceCode, fromId, toId];
  // Doses: the same dose recorded on both records is kept once; two different doses of one kind are refused.
  const clash = await q.query<{ kind: string }>(
    `SELECT a.dose_kind AS kind FROM vaccine_dose a JOIN vaccine_dose b ON b.province_code = a.province_code AND b.person_id = $3 AND b.dose_kind = a.dose_kind
      WHERE a.province_code = $1 AND a.person_id = $2 AND (a.given_on <> b.given_on OR a.product_code <> b.product_code)`,
    args,
  );
  if (clash.rows.length) throw new AppError(409, 'conflict', clash.rows.map((r) => ({ field: 'mergeId', code: 'different_doses', message: r.kind })));
  const communes = await q.query<{ commune: string; first: string }>(
    `SELECT commune_code AS commune, min(given_on)::text AS first FROM vaccine_dose WHERE province_code = $1 AND person_id IN ($2, $3) GROUP BY commune_code`,
    args,
  );
  await q.query(
    `UPDATE adverse_event e SET dose_id = b.id FROM vaccine_dose a JOIN vaccine_dose b ON b.province_code = a.province_code AND b.person_id = $3 AND b.dose_kind = a.dose_kind
      WHERE a.province_code = $1 AND a.person_id = $2 AND e.province_code = $1 AND e.dose_id = a.id`,
    args,
  );
  await q.query(
    `DELETE FROM vaccine_dose a WHERE a.province_code = $1 AND a.person_id = $2
        AND EXISTS (SELECT 1 FROM vaccine_dose b WHERE b.province_code = $1 AND b.person_id = $3 AND b.dose_kind = a.dose_kind)`,
    args,
  );
  const kept = await q.query<{ path: string; commune: string }>(`SELECT unit_path AS path, commune_code AS commune FROM person WHERE province_code = $1 AND id = $2`, [provinceCode, toId]);
  const doses = await q.query(`UPDATE vaccine_dose SET person_id = $3, unit_path = $4, commune_code = $5 WHERE province_code = $1 AND person_id = $2`, [...args, kept.rows[0].path, kept.rows[0].commune]);
  // The kept record's profile stands; the merged one's is used only when the kept has none.
  await q.query(
    `UPDATE vaccination_profile SET person_id = $3 WHERE province_code = $1 AND person_id = $2
        AND NOT EXISTS (SELECT 1 FROM vaccination_profile k WHERE k.province_code = $1 AND k.person_id = $3)`,
    args,
  );
  await q.query(`DELETE FROM vaccination_profile WHERE province_code = $1 AND person_id = $2`, [provinceCode, fromId]);
  // One open home-vaccination request per person: the merged record's is cancelled when both have one.
  await q.query(
    `UPDATE home_vaccination_request SET status = 'cancelled', cancel_reason = 'merged', updated_at = now()
      WHERE province_code = $1 AND person_id = $2 AND status IN ('requested', 'scheduled')
        AND EXISTS (SELECT 1 FROM home_vaccination_request k WHERE k.province_code = $1 AND k.person_id = $3 AND k.status IN ('requested', 'scheduled'))`,
    args,
  );
  await q.query(`UPDATE home_vaccination_request SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  // A plan drew the person once: the merged record's draw goes where the kept one was not drawn.
  await q.query(
    `DELETE FROM sampling_draw d WHERE d.province_code = $1 AND d.person_id = $2
        AND EXISTS (SELECT 1 FROM sampling_draw k WHERE k.province_code = $1 AND k.plan_id = d.plan_id AND k.person_id = $3)`,
    args,
  );
  await q.query(`UPDATE sampling_draw SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args);
  let rows = 0;
  for (const table of FOLLOWS_PERSON) rows += (await q.query(`UPDATE ${table} SET person_id = $3 WHERE province_code = $1 AND person_id = $2`, args)).rowCount ?? 0;
  const from = communes.rows.map((c) => c.first).sort()[0];
  const dropped = await q.query<{ commune: string }>(`SELECT commune_code AS commune FROM person WHERE province_code = $1 AND id = $2`, [provinceCode, fromId]);
  const touched = [...new Set([...communes.rows.map((c) => c.commune), kept.rows[0].commune, ...dropped.rows.map((d) => d.commune)])];
  return {
    moved: { doses: doses.rowCount ?? 0, otherRecords: rows },
    /** To call once the merged record is gone: the coverage facts of the communes whose doses moved. */
    refresh: () => (from ? refreshCoverage(q, provinceCode, touched, from) : Promise.resolve()),
  };
}
