// The demo's checkpoints and health declarations: the province's border gates and road
// checkpoints (Lạng Sơn's gates with China: Hữu Nghị, Tân Thanh, Cốc Nam, Chi Ma; checkpoints on
// the national roads at the province's edges), three weeks of passages written in bulk (volumes
// scaled to the demo, results and decisions as an officer would have found and decided them),
// green-lane passes for freight, and the last two weeks of declarations sent through the same
// service as the public form (so their risk and tasks follow the policies in force).
import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../db/index.ts';
import { createRng, hashSeed, type Rng } from '../../domain/demo/random.ts';
import { familyNameTable, personalName, sampleFamilyName } from '../../domain/demo/names.ts';
import { cccdPrefix } from '../../domain/people/normalize.ts';
import { advise, type TestStatus } from '../../domain/checkpoints/passage.ts';
import { submitDeclaration, type DeclarationBody } from '../modules/checkpoints/declarations.ts';
import { todayInVietnam } from '../modules/testing/common.ts';

export interface CheckpointsDemoCounts {
  checkpoints: number;
  passages: number;
  greenPasses: number;
  declarations: number;
}
export const noDemoCheckpoints: CheckpointsDemoCounts = { checkpoints: 0, passages: 0, greenPasses: 0, declarations: 0 };

interface DemoCheckpoint {
  name: string;
  kind: 'road' | 'border_gate';
  commune: string;
  road: string;
  lat: number;
  lon: number;
  /** Passages a day at the full province's scale. */
  perDay: number;
}

// Positions are approximate (the gate or the road at the province's edge).
const LANG_SON: DemoCheckpoint[] = [
  { name: 'Cửa khẩu quốc tế Hữu Nghị', kind: 'border_gate', commune: '06184', road: 'QL1A', lat: 21.9708, lon: 106.7039, perDay: 700 },
  { name: 'Cửa khẩu Tân Thanh', kind: 'border_gate', commune: '06166', road: 'QL4A', lat: 21.9347, lon: 106.5792, perDay: 450 },
  { name: 'Cửa khẩu Cốc Nam', kind: 'border_gate', commune: '06172', road: 'ĐT 4A', lat: 21.9153, lon: 106.6175, perDay: 150 },
  { name: 'Cửa khẩu Chi Ma', kind: 'border_gate', commune: '06541', road: 'QL4B', lat: 21.7783, lon: 107.0097, perDay: 200 },
  { name: 'Chốt QL1A Hồ Sơn (giáp Bắc Giang)', kind: 'road', commune: '06451', road: 'QL1A', lat: 21.4528, lon: 106.3278, perDay: 600 },
  { name: 'Chốt QL4B Đình Lập (giáp Quảng Ninh)', kind: 'road', commune: '06613', road: 'QL4B', lat: 21.5428, lon: 107.0925, perDay: 250 },
  { name: 'Chốt QL4A Thất Khê (hướng Cao Bằng)', kind: 'road', commune: '06040', road: 'QL4A', lat: 22.2522, lon: 106.4739, perDay: 200 },
];

const DAYS = 21;
const PLATE_CODES = ['12', '12', '12', '98', '98', '29', '30', '14', '11', '99', '34', '15', '51'];
const FROM = ['01', '24', '22', '04', '79', '74', '19', '27', '31', 'abroad'];

const plateOf = (rng: Rng) => `${rng.pick(PLATE_CODES)}${rng.pick(['C', 'C', 'H', 'A', 'LD', 'B'])}${String(rng.int(10000, 99999))}`;

async function placeCheckpoints(q: Queryable, provinceCode: string): Promise<(DemoCheckpoint & { id: number; path: string })[]> {
  const units = await q.query<{ code: string; path: string; level: string; parentCode: string | null }>(`SELECT code, path, level, parent_code AS "parentCode" FROM admin_unit WHERE province_code = $1 AND level IN ('district', 'commune') ORDER BY code`, [provinceCode]);
  const byCode = new Map(units.rows.map((u) => [u.code, u]));
  let list = LANG_SON.filter((c) => provinceCode === '20' && byCode.get(c.commune)?.level === 'commune');
  if (!list.length) {
    // Another province: a road checkpoint in the first commune of a few districts.
    const districts = units.rows.filter((u) => u.level === 'district').slice(0, 4);
    list = districts.flatMap((d, i) => {
      const c = units.rows.find((u) => u.level === 'commune' && u.parentCode === d.code);
      return c ? [{ name: `Chốt kiểm soát số ${i + 1}`, kind: 'road' as const, commune: c.code, road: 'Quốc lộ', lat: 0, lon: 0, perDay: 300 }] : [];
    });
  }
  const out: (DemoCheckpoint & { id: number; path: string })[] = [];
  for (const c of list) {
    const path = byCode.get(c.commune)!.path;
    const r = await q.query<{ id: number }>(
      `INSERT INTO checkpoint (province_code, name, kind, commune_code, unit_path, road, lat, lon) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (province_code, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [provinceCode, c.name, c.kind, c.commune, path, c.road, c.lat || null, c.lon || null],
    );
    out.push({ ...c, id: Number(r.rows[0].id), path });
  }
  return out;
}

export async function createDemoCheckpoints(db: Db, opts: { provinceCode: string; seed: number; scale: number }): Promise<CheckpointsDemoCounts> {
  const rng = createRng(hashSeed(opts.seed, 'checkpoints', opts.provinceCode));
  const today = todayInVietnam();
  const names = familyNameTable(opts.provinceCode);
  const fullName = (sex: 'M' | 'F', year: number) => [sampleFamilyName(rng, names), ...personalName(rng, sex, year)].join(' ');
  const officer = (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE province_code = $1 AND role = 'checkpoint_officer' ORDER BY id LIMIT 1`, [opts.provinceCode])).rows[0];
  const cps = await db.tx((q) => placeCheckpoints(q, opts.provinceCode));

  // Green-lane passes for freight trucks: issued for two to four weeks, a few ended, one revoked.
  const passes: { id: number; plate: string; from: string; to: string }[] = [];
  const nPasses = Math.max(4, Math.round(40 * opts.scale));
  await db.tx(async (q) => {
    for (let i = 0; i < nPasses; i++) {
      const start = new Date(Date.parse(today + 'T12:00:00Z') - rng.int(0, DAYS) * 86_400_000).toISOString().slice(0, 10);
      const end = new Date(Date.parse(start + 'T12:00:00Z') + rng.int(13, 30) * 86_400_000).toISOString().slice(0, 10);
      const plate = plateOf(rng);
      const r = await q.query<{ id: number }>(
        `INSERT INTO green_lane_pass (province_code, code, vehicle_plate, holder, cargo, route, valid_from, valid_to, status, revoked_reason, issued_by, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $7::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') ON CONFLICT (province_code, code) DO NOTHING RETURNING id`,
        [
          opts.provinceCode,
          `LX-${opts.provinceCode}-${start.slice(2, 4)}${start.slice(5, 7)}-${String(i + 1).padStart(5, '0')}`,
          plate,
          rng.pick(['Công ty TNHH Vận tải Đồng Đăng', 'HTX Vận tải Kỳ Lừa', 'Công ty CP Logistics Xứ Lạng', 'Công ty TNHH Nông sản Bắc Giang', 'Doanh nghiệp tư nhân Hoàng Phát']),
          rng.pick(['Vải thiều, nông sản', 'Thanh long xuất khẩu', 'Linh kiện điện tử', 'Hàng tiêu dùng', 'Vật tư y tế']),
          rng.pick(['Hữu Nghị – Hà Nội', 'Tân Thanh – Bắc Giang', 'Chi Ma – Quảng Ninh', 'Hữu Nghị – Bắc Ninh']),
          start,
          end,
          i === 1 ? 'revoked' : 'active',
          i === 1 ? 'Tài xế không có kết quả xét nghiệm hợp lệ' : null,
          officer?.id ?? null,
        ],
      );
      if (r.rows[0] && i !== 1) passes.push({ id: Number(r.rows[0].id), plate, from: start, to: end });
    }
  });

  // Passages of the last three weeks, written in chunks.
  const cols = {
    checkpoint: [] as number[], path: [] as string[], at: [] as string[], dir: [] as string[], name: [] as string[], cccd: [] as (string | null)[], plate: [] as (string | null)[],
    role: [] as string[], purpose: [] as string[], from: [] as (string | null)[], test: [] as string[], until: [] as (string | null)[], pass: [] as (number | null)[], decision: [] as string[], key: [] as string[],
  };
  let n = 0;
  const flush = async () => {
    if (!cols.key.length) return;
    await db.query(
      `INSERT INTO checkpoint_passage (province_code, checkpoint_id, unit_path, passed_at, direction, full_name, cccd, vehicle_plate, role, purpose, from_province_code, test_status, test_valid_until,
         green_pass_id, decision, recorded_by, idempotency_key)
       SELECT $1, cp, up, at, dir, nm, cc, pl, ro, pu, fr, ts, tu, gp, de, $16, ky
         FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::bigint[], $15::text[], $17::text[])
           AS u(cp, up, at, dir, nm, cc, pl, ro, pu, fr, ts, tu, gp, de, ky)
       ON CONFLICT (province_code, idempotency_key) DO NOTHING`,
      [opts.provinceCode, cols.checkpoint, cols.path, cols.at, cols.dir, cols.name, cols.cccd, cols.plate, cols.role, cols.purpose, cols.from, cols.test, cols.until, cols.pass, cols.decision, officer?.id ?? null, cols.key],
    );
    for (const v of Object.values(cols)) v.length = 0;
  };
  const now = Date.now();
  for (let d = DAYS - 1; d >= 0; d--) {
    const day = new Date(Date.parse(today + 'T12:00:00Z') - d * 86_400_000).toISOString().slice(0, 10);
    const dayStart = Date.parse(day + 'T00:00:00+07:00');
    for (const c of cps) {
      // Fewer on the first days (the checkpoints filled as the outbreak grew), a weekday rhythm.
      const ramp = 0.6 + 0.4 * ((DAYS - d) / DAYS);
      const count = Math.max(1, Math.round(c.perDay * opts.scale * ramp * (rng.next() * 0.3 + 0.85)));
      for (let i = 0; i < count; i++) {
        const t = dayStart + rng.int(5 * 3600, 22 * 3600) * 1000;
        if (t > now) continue;
        const gate = c.kind === 'border_gate';
        const role = gate ? (rng.chance(0.9) ? 'driver' : 'passenger') : rng.pick(['driver', 'driver', 'passenger', 'pedestrian'] as const);
        const sex = rng.chance(gate ? 0.9 : 0.6) ? 'M' : 'F';
        const year = rng.int(1965, 2000);
        const from = rng.pick(FROM);
        const pass = role === 'driver' && gate && passes.length && rng.chance(0.3) ? rng.pick(passes) : null;
        const validPass = pass && pass.from <= day && day <= pass.to ? pass : null;
        const plate = role === 'pedestrian' ? null : validPass ? validPass.plate : plateOf(rng);
        const p = rng.next();
        const test: TestStatus = p < 0.003 ? 'positive' : p < 0.72 ? 'valid_negative' : p < 0.75 ? 'expired' : 'none';
        const dir = rng.chance(0.5) ? 'in' : 'out';
        let decision = advise(test, dir);
        if (decision === 'tested' && rng.chance(0.05)) decision = 'turned_back';
        cols.checkpoint.push(c.id);
        cols.path.push(c.path);
        cols.at.push(new Date(t).toISOString());
        cols.dir.push(dir);
        cols.name.push(fullName(sex, year));
        cols.cccd.push(from === 'abroad' ? null : cccdPrefix(from === '01' ? '001' : '0' + from, year, sex) + String(rng.int(0, 999999)).padStart(6, '0'));
        cols.plate.push(plate);
        cols.role.push(role);
        cols.purpose.push(gate ? 'freight' : rng.pick(['freight', 'work', 'return_home', 'medical', 'official', 'transit', 'other']));
        cols.from.push(from);
        cols.test.push(test);
        cols.until.push(test === 'valid_negative' ? new Date(t + rng.int(4, 70) * 3_600_000).toISOString() : null);
        cols.pass.push(validPass?.id ?? null);
        cols.decision.push(decision);
        cols.key.push(`demo-${opts.provinceCode}-${c.id}-${day}-${i}`);
        n++;
        if (cols.key.length >= 5000) await flush();
      }
    }
  }
  await flush();
  // Written in bulk: the planner gets the tables' statistics now rather than at the next autovacuum.
  await db.query('ANALYZE checkpoint_passage');
  await db.query('ANALYZE green_lane_pass');

  const declarations = await createDemoDeclarations(db, { ...opts, rng, fullName });
  return { checkpoints: cps.length, passages: n, greenPasses: nPasses, declarations };
}

/** Declarations of the last 14 days, sent through the public form's service, then dated back. */
async function createDemoDeclarations(db: Db, o: { provinceCode: string; scale: number; rng: Rng; fullName: (sex: 'M' | 'F', year: number) => string }): Promise<number> {
  const { rng } = o;
  const total = Math.max(12, Math.round(400 * o.scale));
  const today = todayInVietnam();
  const communes = (await db.query<{ code: string }>(`SELECT commune_code AS code FROM person WHERE province_code = $1 GROUP BY commune_code ORDER BY count(*) DESC LIMIT 40`, [o.provinceCode])).rows.map((r) => r.code);
  if (!communes.length) return 0;
  const locked = (await db.query<{ codes: string[] }>(`SELECT unit_codes AS codes FROM zone WHERE province_code = $1 AND kind = 'lockdown' AND status = 'active'`, [o.provinceCode])).rows.flatMap((z) => z.codes);
  const lockedCommunes = locked.length
    ? (await db.query<{ code: string }>(`SELECT DISTINCT CASE WHEN level = 'village' THEN parent_code ELSE code END AS code FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`, [o.provinceCode, locked])).rows.map((r) => r.code)
    : [];
  const residents = (
    await db.query<{ fullName: string; birthDate: string; sex: 'M' | 'F'; cccd: string; communeCode: string; address: string | null }>(
      `SELECT full_name AS "fullName", birth_date::text AS "birthDate", sex, cccd, commune_code AS "communeCode", address FROM person
        WHERE province_code = $1 AND cccd IS NOT NULL AND birth_date IS NOT NULL AND sex IS NOT NULL AND birth_date < now() - interval '18 years' ORDER BY id LIMIT 2000`,
      [o.provinceCode],
    )
  ).rows;
  const req = { ip: '127.0.0.1' } as FastifyRequest;
  let made = 0;
  for (let i = 0; i < total; i++) {
    const ago = rng.int(0, 13);
    const day = new Date(Date.parse(today + 'T12:00:00Z') - ago * 86_400_000).toISOString().slice(0, 10);
    const r = rng.next();
    const from =
      r < 0.15 && lockedCommunes.length
        ? { provinceCode: o.provinceCode, unitCode: rng.pick(lockedCommunes) }
        : r < 0.25
          ? { provinceCode: o.provinceCode, unitCode: rng.pick(communes) }
          : r < 0.3
            ? { provinceCode: 'abroad', name: 'Trung Quốc' }
            : { provinceCode: rng.pick(['79', '74', '75', '01', '01', '24', '22', '04', '19', '27', '31', '79']) };
    const resident = residents.length && rng.chance(0.35) ? rng.pick(residents) : null;
    const sex: 'M' | 'F' = resident?.sex ?? (rng.chance(0.5) ? 'M' : 'F');
    const year = resident ? Number(resident.birthDate.slice(0, 4)) : rng.int(1960, 2003);
    const foreign = from.provinceCode === 'abroad' && !resident && rng.chance(0.5);
    const originCode = from.provinceCode === 'abroad' || from.provinceCode === o.provinceCode ? o.provinceCode : from.provinceCode;
    const body: DeclarationBody = {
      provinceCode: o.provinceCode,
      kind: from.provinceCode === o.provinceCode ? 'domestic' : 'arrival',
      fullName: resident?.fullName ?? o.fullName(sex, year),
      birthDate: resident?.birthDate ?? `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
      sex,
      nationality: foreign ? 'Trung Quốc' : 'Việt Nam',
      cccd: foreign ? null : (resident?.cccd ?? cccdPrefix(originCode === '01' ? '001' : '0' + originCode, year, sex) + String(rng.int(0, 999999)).padStart(6, '0')),
      passport: foreign ? `E${rng.int(10000000, 99999999)}` : null,
      phone: `09${rng.pick(['1', '4', '6', '8'])}${String(rng.int(0, 9999999)).padStart(7, '0')}`,
      address: resident?.address ?? rng.pick(['Số 12 Nguyễn Trãi', 'Số 5 ngõ 34 Lê Lợi', 'Thôn Đông, xã Tân Lập', 'Tổ 3, khu phố 2', 'Số 88 Trần Phú']),
      destinationCommuneCode: resident?.communeCode ?? rng.pick(communes),
      destinationAddress: null,
      arrivalDate: day,
      from,
      places: rng.chance(0.2) ? [{ provinceCode: rng.pick(['24', '22', '01', '25']) }].filter((p) => p.provinceCode !== from.provinceCode) : [],
      transport: rng.pick(['Xe khách', 'Ô tô cá nhân', 'Xe máy', 'Tàu hỏa', null]),
      symptoms: rng.chance(0.08) ? [rng.pick(['fever', 'cough', 'sore_throat', 'fatigue'])] : [],
      contacts: rng.chance(0.05) ? ['affected_area'] : [],
      idempotencyKey: `demo-decl-${o.provinceCode}-${i}`,
    };
    const res = await db.tx(async (q) => {
      try {
        return await submitDeclaration(q, req, body);
      } catch {
        return null; // a generated combination the checks refuse (never expected): left out
      }
    });
    if (!res || res.replayed) continue;
    made++;
    if (ago > 0) {
      const at = new Date(Date.parse(day + 'T00:00:00+07:00') + rng.int(6 * 3600, 21 * 3600) * 1000).toISOString();
      await db.query(`UPDATE health_declaration SET declared_at = $3 WHERE province_code = $1 AND id = $2`, [o.provinceCode, res.declaration.id, at]);
      // Tasks made then: due a day later, done by the team unless the declaration is from the last two days.
      await db.query(
        `UPDATE task SET created_at = $3, due_at = $3::timestamptz + (due_at - created_at),
                status = CASE WHEN $4 THEN 'done' ELSE status END, done_at = CASE WHEN $4 THEN $3::timestamptz + interval '20 hours' ELSE done_at END
          WHERE province_code = $1 AND detail->>'declarationId' = $2`,
        [o.provinceCode, String(res.declaration.id), at, ago > 2],
      );
    }
  }
  return made;
}
