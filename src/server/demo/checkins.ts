// The demo's venues and check-ins (docs/checkins.md): in every commune a market, the People's
// Committee office and a few shops, nearly all approved (a few waiting, one revoked); three weeks
// of check-ins by a sample of the population at venues of their own commune; and the outbreak's
// traces: each recent case at its commune's market on the days before its report, the venue
// contacts the outbreak recorded there within the hour, and a few visitors not in the registry —
// so a tracer opening a case finds suggestions. Written with INSERT … SELECT in the database (no
// rows through JavaScript): a few thousand rows at the tests' scale, about 70,000 at scale 1.
import type { Db } from '../db/index.ts';
import { ensureDays } from '../modules/checkins/partitions.ts';
import { venueCode } from '../../domain/checkins/venue.ts';
import { addDays } from '../../domain/checkins/time.ts';

export interface CheckinsDemoOptions {
  provinceCode: string;
  seed: number;
  today: string;
  scale: number;
}

export interface CheckinsDemoCounts {
  venues: number;
  checkins: number;
  outbreakCheckins: number;
}

export const noDemoCheckins: CheckinsDemoCounts = { venues: 0, checkins: 0, outbreakCheckins: 0 };

const DAYS = 21;
/** People who check in somewhere, at most (keeps scale 1 at about 70,000 check-ins: the demo's build time). */
const MAX_PARTICIPANTS = 10_000;
const SHOPS: [string, string][] = [
  ['Tạp hóa Minh Anh', 'shop'],
  ['Cửa hàng Hương Giang', 'shop'],
  ['Quán phở Thanh Bình', 'restaurant'],
  ['Cà phê Phố Núi', 'restaurant'],
  ['Siêu thị mini Hoàng Long', 'shop'],
  ['Nhà thuốc An Khang', 'shop'],
];

/** A small seeded generator (mulberry32): the same seed, the same venue codes. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createDemoCheckins(db: Db, o: CheckinsDemoOptions): Promise<CheckinsDemoCounts> {
  const p = o.provinceCode;
  const communes = (
    await db.query<{ code: string; name: string; path: string; population: number }>(
      `SELECT code, name, path, population FROM admin_unit WHERE province_code = $1 AND level = 'commune' ORDER BY code`,
      [p],
    )
  ).rows;
  const rand = rng(o.seed ^ 0x5eed);
  const venues: (string | number | null)[][] = [];
  for (const c of communes) {
    const place = c.name.replace(/^(xã|phường|thị trấn)\s+/iu, '');
    const shops = c.population * (1 / Math.max(o.scale, 0.001)) > 8000 ? 2 : 1;
    const first = Math.floor(rand() * SHOPS.length);
    const list: [string, string, string][] = [
      [`Chợ ${place}`, 'market', 'Khu trung tâm'],
      [`UBND ${c.name}`, 'office', 'Trụ sở Ủy ban nhân dân'],
      ...Array.from({ length: shops }, (_, i) => {
        const [name, kind] = SHOPS[(first + i * 3) % SHOPS.length];
        return [name, kind, `Số ${1 + Math.floor(rand() * 200)}, thôn ${i + 1}`] as [string, string, string];
      }),
    ];
    for (const [i, [name, kind, address]] of list.entries()) {
      const bytes = Uint8Array.from({ length: 8 }, () => Math.floor(rand() * 256));
      const r = rand();
      const status = i === 0 ? 'approved' : r < 0.03 ? 'pending' : r < 0.04 ? 'revoked' : 'approved';
      venues.push([venueCode(p, bytes), name, kind, address, c.code, c.path, status, `demo-${c.code}-${i}`]);
    }
  }
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO venue (province_code, code, name, kind, address, commune_code, unit_path, owner_name, owner_phone, status, status_reason, decided_at, request_id, created_at)
       SELECT $1, x.code, x.name, x.kind, x.address, x.commune, x.path, 'Chủ ' || x.name, '+8491' || lpad((abs(hashtext(x.code)) % 10000000)::text, 7, '0'), x.status,
              CASE WHEN x.status = 'revoked' THEN 'Cơ sở đã ngừng hoạt động' END, CASE WHEN x.status <> 'pending' THEN $2::timestamptz END, x.rid, $2::timestamptz - interval '2 days'
         FROM jsonb_to_recordset($3::jsonb) AS x(code text, name text, kind text, address text, commune text, path text, status text, rid text)
       ON CONFLICT DO NOTHING`,
      [p, `${addDays(o.today, -DAYS - 7)} 09:00:00+07`, JSON.stringify(venues.map(([code, name, kind, address, commune, path, status, rid]) => ({ code, name, kind, address, commune, path, status, rid })))],
    );
  });
  const from = addDays(o.today, -DAYS);
  await ensureDays(db, from, addDays(o.today, 1));
  const phones = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = $1 AND phone IS NOT NULL`, [p])).rows[0].n;
  const permille = Math.max(1, Math.min(1000, Math.floor((MAX_PARTICIPANTS / Math.max(phones, 1)) * 1000)));
  const seed = o.seed;
  // Everyday check-ins: a participant checks in on about a third of the days, at a venue of their commune, between 6:00 and 20:00.
  const everyday = await db.query(
    `WITH v AS (
       SELECT commune_code, array_agg(id ORDER BY id) AS ids FROM venue WHERE province_code = $1 AND status = 'approved' GROUP BY commune_code),
     people AS (
       SELECT p.id, p.full_name, p.phone, p.cccd, v.ids FROM person p JOIN v ON v.commune_code = p.commune_code
        WHERE p.province_code = $1 AND p.phone IS NOT NULL AND abs(hashint8(p.id * 7919 + $4)) % 1000 < $5),
     visits AS (
       SELECT pe.*, d, abs(hashint8(pe.id * 104729 + d * 31 + $4)) AS h FROM people pe CROSS JOIN generate_series(0, $3 - 1) AS d)
     INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, cccd, method, client_key)
     SELECT $1, ($2::date + d)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '6 hours' + make_interval(mins => (h % 840)::int),
            ids[1 + (h / 840) % cardinality(ids)], CASE WHEN cccd IS NOT NULL AND h % 5 = 0 THEN 'c' || cccd ELSE 'p' || phone END,
            full_name, phone, CASE WHEN cccd IS NOT NULL AND h % 5 = 0 THEN cccd END, 'demo', 'demo-' || id || '-' || d
       FROM visits
      WHERE h % 100 < 35 AND ($2::date + d)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '6 hours' + make_interval(mins => (h % 840)::int) < now()
     ON CONFLICT DO NOTHING`,
    [p, from, DAYS, seed, permille],
  );
  // The outbreak: each case reported in the period visits its commune's market on the three days before its report, mid-morning.
  const caseVisits = await db.query(
    `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, cccd, method, client_key)
     SELECT $1, (c.report_date - k)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '9 hours' + make_interval(mins => (abs(hashint8(c.id * 13 + k)) % 90)::int),
            v.id, CASE WHEN p.phone IS NOT NULL THEN 'p' || p.phone ELSE 'c' || p.cccd END, p.full_name, p.phone, CASE WHEN p.phone IS NULL THEN p.cccd END, 'demo', 'demo-case-' || c.id || '-' || k
       FROM case_record c JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
       JOIN venue v ON v.province_code = c.province_code AND v.commune_code = c.commune_code AND v.kind = 'market' AND v.status = 'approved'
       CROSS JOIN generate_series(1, 3) AS k
      WHERE c.province_code = $1 AND (p.phone IS NOT NULL OR p.cccd IS NOT NULL) AND c.report_date - k >= $2::date
     ON CONFLICT DO NOTHING`,
    [p, from],
  );
  // The venue contacts the outbreak recorded (F1 at the market) were there within the hour on their exposure day; and visitors from elsewhere, not in the registry.
  const contacts = await db.query(
    `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, cccd, method, client_key)
     SELECT $1, cv.at + make_interval(mins => (abs(hashint8(k.id)) % 90)::int - 45), cv.venue_id, 'p' || p.phone, p.full_name, p.phone, NULL, 'demo', 'demo-contact-' || k.id
       FROM contact k JOIN person p ON p.province_code = k.province_code AND p.id = k.person_id
       JOIN case_record c ON c.province_code = k.province_code AND c.id = k.root_case_id
       JOIN person cp ON cp.province_code = c.province_code AND cp.id = c.person_id
       JOIN LATERAL (SELECT at, venue_id FROM checkin.visit x WHERE x.province_code = $1 AND x.client_key LIKE 'demo-case-' || c.id || '-%' ORDER BY x.at DESC LIMIT 1) cv ON true
      WHERE k.province_code = $1 AND k.setting = 'venue' AND k.degree = 1 AND p.phone IS NOT NULL AND k.exposure_date >= $2::date
     UNION ALL
     SELECT $1, x.at + make_interval(mins => g * 17 - 30), x.venue_id, 'p+8497' || lpad((abs(hashint8(x.venue_id * 100 + g)) % 10000000)::text, 7, '0'),
            (ARRAY['Lý Văn Khách', 'Đinh Thị Qua', 'Vi Văn Đường', 'Hà Thị Lữ'])[g], '+8497' || lpad((abs(hashint8(x.venue_id * 100 + g)) % 10000000)::text, 7, '0'), NULL, 'demo', 'demo-visitor-' || x.client_key || '-' || g
       FROM checkin.visit x CROSS JOIN generate_series(1, 2) AS g
      WHERE x.province_code = $1 AND x.client_key LIKE 'demo-case-%-1'
     ON CONFLICT DO NOTHING`,
    [p, from],
  );
  await db.exec('ANALYZE venue; ANALYZE checkin.visit;');
  return { venues: venues.length, checkins: everyday.rowCount + caseVisits.rowCount + contacts.rowCount, outbreakCheckins: caseVisits.rowCount + contacts.rowCount };
}
