// A citizen asks "was I exposed?" about their own check-ins: a one-time code sent to their phone
// (in this build, written to the message outbox — docs/checkins.md), then their check-ins of the
// retention period, each marked when a confirmed case was at the same venue within the window
// during the case's transmission period. The answer never says who the case was.
import { createHash, randomInt } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { normalizePhone } from '../../../domain/people/normalize.ts';
import { phoneSubject, subjectsOf } from '../../../domain/checkins/identity.ts';
import { caseCheckinRange } from '../../../domain/checkins/exposure.ts';
import { addDays, vnMidnight } from '../../../domain/checkins/time.ts';
import { transmissionWindow } from '../../../domain/cases/definitions.ts';
import type { F1DefinitionPolicy } from '../../../domain/cases/policies.ts';
import type { ExposureWindowPolicy, RetentionPolicy } from '../../../domain/checkins/policies.ts';
import { fieldError, policy, todayInVietnam } from '../testing/common.ts';

export const CODE_MINUTES = 10;
const CODES_PER_HOUR = 3;
const MAX_ATTEMPTS = 5;
const CITIZEN = (provinceCode: string) => ({ provinceCode, username: 'citizen' });

const codeHash = (provinceCode: string, phone: string, code: string) => createHash('sha256').update(`${provinceCode}:${phone}:${code}`).digest('hex');

function phoneOf(raw: string): string {
  const p = normalizePhone(raw);
  if (!p) throw fieldError(400, 'phone', 'invalid');
  return p;
}

/** Sends (writes to the outbox) a 6-digit code for the phone. Same answer whether or not the phone ever checked in. */
export async function requestCode(q: Queryable, req: FastifyRequest, provinceCode: string, rawPhone: string) {
  const phone = phoneOf(rawPhone);
  const recent = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM citizen_code WHERE province_code = $1 AND phone = $2 AND created_at > now() - interval '1 hour'`, [provinceCode, phone]);
  if (recent.rows[0].n >= CODES_PER_HOUR) throw new AppError(429, 'rate_limited', [{ field: 'phone', code: 'too_many_codes' }]);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await q.query(`INSERT INTO citizen_code (province_code, phone, code_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))`, [provinceCode, phone, codeHash(provinceCode, phone, code), CODE_MINUTES]);
  await q.query(`INSERT INTO message_outbox (province_code, recipient, purpose, body) VALUES ($1, $2, 'checkins.self_code', $3)`, [
    provinceCode,
    phone,
    `Ma xac nhan tra cuu lich su quet ma QR: ${code}. Hieu luc ${CODE_MINUTES} phut. Khong chia se ma nay cho ai.`,
  ]);
  await audit(q, req, { action: 'create', entity: 'citizen_code', details: { phoneTail: phone.slice(-3) } }, CITIZEN(provinceCode));
  return { sent: true, expiresInMinutes: CODE_MINUTES };
}

/** Checks the code (5 tries) and consumes it. */
async function useCode(q: Queryable, req: FastifyRequest, provinceCode: string, phone: string, code: string) {
  const r = await q.query<{ id: number; codeHash: string; attempts: number }>(
    `SELECT id, code_hash AS "codeHash", attempts FROM citizen_code WHERE province_code = $1 AND phone = $2 AND used_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [provinceCode, phone],
  );
  const c = r.rows[0];
  if (!c) throw fieldError(400, 'code', 'code_expired');
  if (c.attempts >= MAX_ATTEMPTS) throw new AppError(429, 'rate_limited', [{ field: 'code', code: 'too_many_attempts' }]);
  if (c.codeHash !== codeHash(provinceCode, phone, code)) {
    await q.query(`UPDATE citizen_code SET attempts = attempts + 1 WHERE province_code = $1 AND id = $2`, [provinceCode, c.id]);
    await audit(q, req, { action: 'read', entity: 'own_checkins', outcome: 'denied', details: { reason: 'wrong_code' } }, CITIZEN(provinceCode));
    return false;
  }
  await q.query(`UPDATE citizen_code SET used_at = now() WHERE province_code = $1 AND id = $2`, [provinceCode, c.id]);
  return true;
}

export interface OwnVisit {
  venueName: string;
  venueAddress: string;
  communeName: string;
  at: string;
  exposed: boolean;
}

export async function ownExposure(q: Queryable, req: FastifyRequest, provinceCode: string, rawPhone: string, code: string) {
  const phone = phoneOf(rawPhone);
  if (!(await useCode(q, req, provinceCode, phone, code))) return null;
  const today = todayInVietnam();
  const retention = await policy<RetentionPolicy>(q, provinceCode, 'checkins.retention_days', today);
  const win = await policy<ExposureWindowPolicy>(q, provinceCode, 'checkins.exposure_window', today);
  const f1 = await policy<F1DefinitionPolicy>(q, provinceCode, 'cases.f1_definition', today);
  const since = vnMidnight(addDays(today, -(retention.value.days - 1)));
  // Check-ins under this phone and under the CCCD of the registry person with this phone (one person only).
  const owner = await q.query<{ phone: string | null; cccd: string | null }>(`SELECT phone, cccd FROM person WHERE province_code = $1 AND phone = $2 LIMIT 2`, [provinceCode, phone]);
  const subjects = owner.rows.length === 1 ? subjectsOf(owner.rows[0]) : [phoneSubject(phone)];
  const mine = await q.query<{ venueId: number; at: Date; venueName: string; venueAddress: string; communeName: string }>(
    `SELECT c.venue_id AS "venueId", c.at, v.name AS "venueName", v.address AS "venueAddress", u.name AS "communeName"
       FROM checkin.visit c JOIN venue v ON v.province_code = c.province_code AND v.id = c.venue_id
       JOIN admin_unit u ON u.province_code = v.province_code AND u.code = v.commune_code
      WHERE c.province_code = $1 AND c.subject = ANY($2::text[]) AND c.at >= $3 ORDER BY c.at DESC LIMIT 500`,
    [provinceCode, subjects, since.toISOString()],
  );
  // Confirmed cases of the period and the subjects they checked in under.
  const cases = await q.query<{ phone: string | null; cccd: string | null; onsetDate: string | null; sampleDate: string | null; reportDate: string }>(
    `SELECT p.phone, p.cccd, c.onset_date AS "onsetDate", c.sample_date AS "sampleDate", c.report_date AS "reportDate"
       FROM case_record c JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
      WHERE c.province_code = $1 AND c.report_date >= $2`,
    [provinceCode, addDays(today, -(retention.value.days + 14))],
  );
  const caseRanges = new Map<string, { from: Date; to: Date }[]>();
  for (const c of cases.rows) {
    const r = caseCheckinRange(transmissionWindow(c, f1.value), c.reportDate, vnMidnight, addDays);
    for (const s of subjectsOf(c)) if (!subjects.includes(s)) caseRanges.set(s, [...(caseRanges.get(s) ?? []), r]);
  }
  const visits: OwnVisit[] = [];
  if (mine.rows.length && caseRanges.size) {
    const near = await q.query<{ i: number; subject: string; at: Date }>(
      `SELECT m.i, o.subject, o.at FROM unnest($2::bigint[], $3::timestamptz[]) WITH ORDINALITY AS m(venue_id, at, i)
         JOIN checkin.visit o ON o.province_code = $1 AND o.venue_id = m.venue_id AND o.at BETWEEN m.at - make_interval(mins => $4) AND m.at + make_interval(mins => $4)
        WHERE o.subject = ANY($5::text[])`,
      [provinceCode, mine.rows.map((r) => r.venueId), mine.rows.map((r) => new Date(r.at).toISOString()), win.value.minutes, [...caseRanges.keys()]],
    );
    const exposed = new Set(
      near.rows.filter((n) => (caseRanges.get(n.subject) ?? []).some((r) => new Date(n.at) >= r.from && new Date(n.at) < r.to)).map((n) => Number(n.i) - 1),
    );
    mine.rows.forEach((r, i) => visits.push({ venueName: r.venueName, venueAddress: r.venueAddress, communeName: r.communeName, at: new Date(r.at).toISOString(), exposed: exposed.has(i) }));
  } else mine.rows.forEach((r) => visits.push({ venueName: r.venueName, venueAddress: r.venueAddress, communeName: r.communeName, at: new Date(r.at).toISOString(), exposed: false }));
  await audit(q, req, { action: 'read', entity: 'own_checkins', details: { phoneTail: phone.slice(-3), visits: visits.length, exposed: visits.filter((v) => v.exposed).length } }, CITIZEN(provinceCode));
  return { retentionDays: retention.value.days, windowMinutes: win.value.minutes, exposed: visits.some((v) => v.exposed), visits };
}
