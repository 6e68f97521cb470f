// Daily facts of the dashboard (testing_daily, testing_daily_lab), recomputed inside each write's
// transaction for the days and units it touched: the dashboard reads a few hundred rows, never the
// specimens themselves.
import type { Queryable } from '../../db/index.ts';

export interface DayUnit {
  day: string;
  communeCode: string;
}

export interface DayLab {
  day: string;
  labId: number;
}

function unique<T>(keys: T[], key: (k: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const k of keys) seen.set(key(k), k);
  return [...seen.values()];
}

export async function refreshDaily(q: Queryable, provinceCode: string, keys: DayUnit[]) {
  const k = unique(keys, (x) => x.day + '|' + x.communeCode);
  if (!k.length) return;
  const days = k.map((x) => x.day);
  const codes = k.map((x) => x.communeCode);
  await q.query(
    `DELETE FROM testing_daily d USING unnest($2::date[], $3::text[]) AS k(day, code) WHERE d.province_code = $1 AND d.day = k.day AND d.commune_code = k.code`,
    [provinceCode, days, codes],
  );
  await q.query(
    `INSERT INTO testing_daily (province_code, day, commune_code, unit_path, specimens, single, pooled, resulted, positive, negative, turnaround_hours, within_12h, within_24h, within_48h, over_48h)
     SELECT $1, s.collected_on, s.commune_code, min(u.path),
            count(*), count(*) FILTER (WHERE pm.specimen_id IS NULL), count(*) FILTER (WHERE pm.specimen_id IS NOT NULL),
            count(*) FILTER (WHERE s.outcome IS NOT NULL), count(*) FILTER (WHERE s.outcome = 'positive'), count(*) FILTER (WHERE s.outcome = 'negative'),
            coalesce(sum(extract(epoch FROM s.resulted_at - s.collected_at) / 3600) FILTER (WHERE s.resulted_at IS NOT NULL), 0),
            count(*) FILTER (WHERE s.resulted_at - s.collected_at <= interval '12 hours'),
            count(*) FILTER (WHERE s.resulted_at - s.collected_at > interval '12 hours' AND s.resulted_at - s.collected_at <= interval '24 hours'),
            count(*) FILTER (WHERE s.resulted_at - s.collected_at > interval '24 hours' AND s.resulted_at - s.collected_at <= interval '48 hours'),
            count(*) FILTER (WHERE s.resulted_at - s.collected_at > interval '48 hours')
       FROM specimen s
       JOIN unnest($2::date[], $3::text[]) AS k(day, code) ON s.collected_on = k.day AND s.commune_code = k.code
       JOIN admin_unit u ON u.province_code = s.province_code AND u.code = s.commune_code
       LEFT JOIN pool_member pm ON pm.province_code = s.province_code AND pm.specimen_id = s.id
      WHERE s.province_code = $1 AND s.status <> 'rejected'
      GROUP BY s.collected_on, s.commune_code`,
    [provinceCode, days, codes],
  );
}

export async function refreshLabDaily(q: Queryable, provinceCode: string, keys: DayLab[]) {
  const k = unique(keys, (x) => x.day + '|' + x.labId);
  if (!k.length) return;
  const days = k.map((x) => x.day);
  const labs = k.map((x) => x.labId);
  await q.query(
    `DELETE FROM testing_daily_lab d USING unnest($2::date[], $3::bigint[]) AS k(day, lab) WHERE d.province_code = $1 AND d.day = k.day AND d.lab_id = k.lab`,
    [provinceCode, days, labs],
  );
  await q.query(
    `INSERT INTO testing_daily_lab (province_code, day, lab_id, single_tests, pool_tests, pooled_specimens, positive_single, positive_pools, invalid)
     SELECT $1, r.tested_on, r.lab_id, count(*) FILTER (WHERE r.specimen_id IS NOT NULL), count(*) FILTER (WHERE r.pool_id IS NOT NULL),
            coalesce(sum(p.members) FILTER (WHERE r.pool_id IS NOT NULL), 0),
            count(*) FILTER (WHERE r.specimen_id IS NOT NULL AND r.outcome = 'positive'), count(*) FILTER (WHERE r.pool_id IS NOT NULL AND r.outcome = 'positive'),
            count(*) FILTER (WHERE r.outcome = 'invalid')
       FROM test_result r
       JOIN unnest($2::date[], $3::bigint[]) AS k(day, lab) ON r.tested_on = k.day AND r.lab_id = k.lab
       LEFT JOIN pool p ON p.province_code = r.province_code AND p.id = r.pool_id
      WHERE r.province_code = $1
      GROUP BY r.tested_on, r.lab_id`,
    [provinceCode, days, labs],
  );
}
