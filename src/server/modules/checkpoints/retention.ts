// Privacy limits (issue 6, capability 6; domain.md §8): health declarations are kept for the
// province's retention period (checkins.retention_days, default 28 days) and then deleted, with the
// declarant's name, phone and address taken out of the tasks they set off; passages at checkpoints
// older than that lose who passed (name, CCCD, phone, registry link) and keep what the daily counts
// need. Run daily by the plugin, and on demand.
import type { Queryable } from '../../db/index.ts';
import { policyOn } from '../policies/service.ts';
import { todayInVietnam } from '../testing/common.ts';

export interface DeclarationPurge {
  cutoffs: Record<string, string>;
  declarationsDeleted: number;
  tasksCleaned: number;
  passagesAnonymised: number;
}

/** The first day kept, today counting as one of the days. */
export const firstDayKept = (today: string, days: number) => new Date(Date.parse(today + 'T12:00:00Z') - (days - 1) * 86_400_000).toISOString().slice(0, 10);

export async function purgeDeclarations(q: Queryable, now = new Date()): Promise<DeclarationPurge> {
  const today = todayInVietnam(now);
  const provinces = await q.query<{ code: string }>(`SELECT province_code AS code FROM province ORDER BY 1`);
  const out: DeclarationPurge = { cutoffs: {}, declarationsDeleted: 0, tasksCleaned: 0, passagesAnonymised: 0 };
  for (const { code } of provinces.rows) {
    const pol = await policyOn<{ days: number }>(q, code, 'checkins.retention_days', today);
    const cutoff = firstDayKept(today, pol?.value.days ?? 28);
    out.cutoffs[code] = cutoff;
    const since = `($2::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`;
    const gone = await q.query<{ id: number }>(`DELETE FROM health_declaration WHERE province_code = $1 AND declared_at < ${since} RETURNING id`, [code, cutoff]);
    out.declarationsDeleted += gone.rows.length;
    if (gone.rows.length) {
      const t = await q.query(
        `UPDATE task SET detail = detail - 'fullName' - 'phone' - 'address' WHERE province_code = $1 AND detail->>'declarationId' = ANY($2::text[]) AND detail ? 'fullName'`,
        [code, gone.rows.map((r) => String(r.id))],
      );
      out.tasksCleaned += t.rowCount;
    }
    const p = await q.query(
      `UPDATE checkpoint_passage SET full_name = '—', cccd = NULL, phone = NULL, person_id = NULL, note = NULL
        WHERE province_code = $1 AND passed_at < ${since} AND (cccd IS NOT NULL OR phone IS NOT NULL OR person_id IS NOT NULL OR full_name <> '—')`,
      [code, cutoff],
    );
    out.passagesAnonymised += p.rowCount;
  }
  return out;
}
