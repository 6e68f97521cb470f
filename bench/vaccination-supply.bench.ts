// Lots, allocations and campaigns at Thanh Hóa's size (issue 5, capability 6), through the services
// the API routes call, on the PostgreSQL database the coverage benchmark builds
// (`chongdich_bench_vaccination_38`: 3.6 million people, about 6 million doses; run
// bench/vaccination-coverage.bench.ts first). Everything this benchmark adds — allocations of the
// lots to every district and commune, the doses' sites, a province-wide booster campaign — is
// written in one transaction that is rolled back at the end, so the database stays as it was.
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npx tsx bench/vaccination-supply.bench.ts
// No targets in the issue for these; the figures say what a page costs.
import os from 'node:os';
import { openDb } from '../src/server/db/index.ts';
import { seedMissingPolicies } from '../src/server/modules/policies/missing.ts';
import { listLots } from '../src/server/modules/vaccination/lots.ts';
import { listAllocations, supplySummary } from '../src/server/modules/vaccination/allocations.ts';
import { getCampaign } from '../src/server/modules/vaccination/campaigns.ts';
import { getUnitByPath } from '../src/server/modules/units/store.ts';
import type { Caller } from '../src/server/modules/vaccination/supplyCommon.ts';
import { SUPPLY_POLICY_DEFINITIONS } from '../src/domain/vaccination/supplyPolicies.ts';

const PC = '38';
const adminUrl = process.env.BENCH_DATABASE_URL;
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
class Rollback extends Error {}

async function time(runs: number, fn: () => Promise<unknown>) {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return { median: median(ts), max: Math.max(...ts) };
}

async function main() {
  if (!adminUrl) {
    console.log('FIGURE vaccination_supply: skipped (PostgreSQL only: set BENCH_DATABASE_URL)');
    return;
  }
  const u = new URL(adminUrl);
  u.pathname = '/chongdich_bench_vaccination_38';
  const db = await openDb({ databaseUrl: u.toString() });
  try {
    const people = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = $1`, [PC])).rows[0]?.n ?? 0;
    if (!people) {
      console.log('FIGURE vaccination_supply: skipped (build chongdich_bench_vaccination_38 with bench/vaccination-coverage.bench.ts first)');
      return;
    }
    await db
      .tx(async (q) => {
        const t0 = performance.now();
        await seedMissingPolicies(q, SUPPLY_POLICY_DEFINITIONS.map((d) => d.key));
        const root = (await q.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = $1 AND level = 'province'`, [PC])).rows[0].path;
        // Every lot allocated to every district, then to every commune. The doses of that database have no site: the
        // administered counts read the same rows (by lot, then the site's path) and find none; setting 6 million
        // sites inside the transaction would cost minutes for no difference in what is read.
        await q.query(`UPDATE vaccine_lot SET doses_received = 100000000 WHERE province_code = $1`, [PC]);
        await q.query(
          `INSERT INTO vaccine_allocation (province_code, lot_id, unit_code, unit_path, doses, delivered_on)
           SELECT $1, l.id, u.code, u.path, 50000, COALESCE((SELECT min(given_on) FROM vaccine_dose d WHERE d.province_code = $1 AND d.lot_id = l.id), DATE '2021-07-01')
             FROM vaccine_lot l CROSS JOIN admin_unit u WHERE l.province_code = $1 AND u.province_code = $1 AND u.level = 'district'`,
          [PC],
        );
        await q.query(
          `INSERT INTO vaccine_allocation (province_code, lot_id, unit_code, unit_path, parent_id, doses, delivered_on)
           SELECT $1, a.lot_id, c.code, c.path, a.id, 1000, a.delivered_on FROM vaccine_allocation a
             JOIN admin_unit c ON c.province_code = $1 AND c.parent_code = a.unit_code AND c.level = 'commune' WHERE a.province_code = $1`,
          [PC],
        );
        const allocations = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_allocation WHERE province_code = $1`, [PC])).rows[0].n;
        const campaign = (
          await q.query<{ id: number }>(
            `INSERT INTO vaccination_campaign (province_code, name, unit_code, unit_path, target, starts_on, deadline)
             SELECT $1, 'Bench: boosters for adults', code, path, '{"minAge":18,"doseKind":"booster_1"}', DATE '2021-12-17', DATE '2022-01-23' FROM admin_unit WHERE province_code = $1 AND level = 'province' RETURNING id`,
            [PC],
          )
        ).rows[0].id;
        // And one running now (started 30 days ago, 30 days to go): the series a campaign page shows while it runs.
        const running = (
          await q.query<{ id: number }>(
            `INSERT INTO vaccination_campaign (province_code, name, unit_code, unit_path, target, starts_on, deadline)
             SELECT $1, 'Bench: boosters for adults, running', code, path, '{"minAge":18,"doseKind":"booster_1"}', current_date - 30, current_date + 30 FROM admin_unit WHERE province_code = $1 AND level = 'province' RETURNING id`,
            [PC],
          )
        ).rows[0].id;
        console.log(`setup: ${((performance.now() - t0) / 1000).toFixed(1)} s (${allocations} allocations), load ${load()}`);

        const province: Caller = { id: 0, scope: { provinceCode: PC, path: root }, provinceWide: true };
        const district = (await q.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = $1 AND level = 'district' ORDER BY population DESC LIMIT 1`, [PC])).rows[0].path;
        const commune = (await q.query<{ path: string }>(`SELECT unit_path AS path FROM person WHERE province_code = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`, [PC])).rows[0].path;
        const communeCaller: Caller = { id: 0, scope: { provinceCode: PC, path: commune }, provinceWide: false };
        const lots = await time(3, () => listLots(q, PC));
        console.log(`FIGURE vaccination_lots_list_ms_postgres: ${lots.median.toFixed(0)} ms median of 3 (max ${lots.max.toFixed(0)}), every lot with its allocated and administered doses over ${people.toLocaleString('en')} people's doses (target < 1000); load ${load()}`);
        const list = await time(3, () => listAllocations(q, province));
        console.log(`FIGURE vaccination_allocations_list_ms_postgres: ${list.median.toFixed(0)} ms median of 3 (max ${list.max.toFixed(0)}), the province's ${allocations} allocations with administered (first in first out) and states; load ${load()}`);
        const provinceUnit = (await getUnitByPath(q, PC, root))!;
        const sp = await time(3, () => supplySummary(q, province, provinceUnit, {}));
        console.log(`FIGURE vaccination_supply_summary_province_ms_postgres: ${sp.median.toFixed(0)} ms median of 3 (max ${sp.max.toFixed(0)}), received vs administered per day and the warnings; load ${load()}`);
        const sd = await time(3, async () => supplySummary(q, province, (await getUnitByPath(q, PC, district))!, {}));
        console.log(`FIGURE vaccination_supply_summary_district_ms_postgres: ${sd.median.toFixed(0)} ms median of 3 (max ${sd.max.toFixed(0)}), the most populous district; load ${load()}`);
        const cp = await time(3, () => getCampaign(q, province, campaign));
        console.log(`FIGURE vaccination_campaign_province_ms_postgres: ${cp.median.toFixed(0)} ms median of 3 (max ${cp.max.toFixed(0)}), progress series + projection of a province-wide adults' booster campaign over ${people.toLocaleString('en')} people, its series from 17/12/2021 to today (target < 1000); load ${load()}`);
        const cr = await time(3, () => getCampaign(q, province, running));
        console.log(`FIGURE vaccination_campaign_province_running_ms_postgres: ${cr.median.toFixed(0)} ms median of 3 (max ${cr.max.toFixed(0)}), a province-wide adults' booster campaign started 30 days ago (target < 1000); load ${load()}`);
        const cc = await time(3, () => getCampaign(q, communeCaller, campaign));
        console.log(`FIGURE vaccination_campaign_commune_ms_postgres: ${cc.median.toFixed(0)} ms median of 3 (max ${cc.max.toFixed(0)}), the same campaign as the largest commune sees it; load ${load()}`);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
  } finally {
    await db.close();
  }
}

await main();
