// Rapid antigen tests: read by a health worker, or self-reported by a citizen from a phone (no
// account: the CCCD with the birth date or the phone number of the registry must match, an
// idempotency key makes retries safe, requests are rate-limited). A positive self-test is never
// a case by itself: the commune's health worker gets a confirmation task. A positive test read by
// a health worker becomes a case when it meets the F0 definition in force (an F1 with a positive
// rapid test, two positives within 8 h …) and the confirmation policy allows; otherwise it too
// gets a confirmation task.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { personsInScope, openCaseOfPerson } from '../cases/store.ts';
import { createCase, noteCaseEvidence } from '../cases/service.ts';
import { listOrders } from '../cases/orders.ts';
import { normalizePhone, parseCalendarDate, validateCccd } from '../../../domain/people/normalize.ts';
import { normalizePlate } from '../../../domain/testing/plate.ts';
import type { RapidConfirmationPolicy } from '../../../domain/testing/policies.ts';
import type { F0DefinitionPolicy } from '../../../domain/cases/policies.ts';
import { communeOfPath, fieldError, iso, policy, provinceScope, savepoint, todayInVietnam, type Actor } from './common.ts';
import { createTestingTask } from './tasks.ts';

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
/** Self-reports a day for one CCCD beyond which the phone page is refused (a person tests once or twice a day). */
export const SELF_REPORTS_PER_DAY = 10;

export interface Photo {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  dataBase64: string;
}

export function decodePhoto(p: Photo | null | undefined, field = 'photo'): { bytes: Buffer; type: Photo['contentType'] } | null {
  if (!p) return null;
  const bytes = Buffer.from(p.dataBase64, 'base64');
  if (!bytes.length) throw fieldError(400, `${field}.dataBase64`, 'empty');
  if (bytes.length > PHOTO_MAX_BYTES) throw fieldError(400, `${field}.dataBase64`, 'too_large', String(PHOTO_MAX_BYTES));
  const magic =
    bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
      ? 'image/jpeg'
      : bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        ? 'image/png'
        : bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP'
          ? 'image/webp'
          : null;
  if (!magic || magic !== p.contentType) throw fieldError(400, `${field}.contentType`, 'not_an_image');
  return { bytes, type: magic };
}

export interface RapidRow {
  id: number;
  personId: number | null;
  subjectName: string;
  subjectCccd: string | null;
  vehiclePlate: string | null;
  communeCode: string;
  communeName: string | null;
  outcome: 'positive' | 'negative' | 'invalid';
  readAt: string;
  kit: string | null;
  source: 'health_worker' | 'self_report';
  hasPhoto: boolean;
  effect: 'none' | 'case' | 'case_noted' | 'confirmation_task' | 'unregistered';
  caseId: number | null;
  createdAt: string;
}

const COLS = `r.id, r.person_id AS "personId", r.subject_name AS "subjectName", r.subject_cccd AS "subjectCccd", r.vehicle_plate AS "vehiclePlate", r.commune_code AS "communeCode",
  u.name AS "communeName", r.outcome, r.read_at AS "readAt", r.kit, r.source, (r.photo IS NOT NULL) AS "hasPhoto", r.effect, r.case_id AS "caseId", r.created_at AS "createdAt"`;
const FROM = `rapid_test r LEFT JOIN admin_unit u ON u.province_code = r.province_code AND u.code = r.commune_code`;
const out = (r: RapidRow): RapidRow => ({ ...r, id: Number(r.id), personId: r.personId == null ? null : Number(r.personId), caseId: r.caseId == null ? null : Number(r.caseId), readAt: iso(r.readAt)!, createdAt: iso(r.createdAt)! });

export async function getRapid(q: Queryable, scope: Scope, id: number): Promise<RapidRow | null> {
  const r = await q.query<RapidRow>(`SELECT ${COLS} FROM ${FROM} WHERE r.province_code = $1 AND r.id = $2 AND r.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? out(r.rows[0]) : null;
}

export async function rapidPhoto(q: Queryable, scope: Scope, id: number): Promise<{ bytes: Buffer; type: string } | null> {
  const r = await q.query<{ photo: Uint8Array | null; type: string | null }>(`SELECT photo, photo_type AS type FROM rapid_test WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  const row = r.rows[0];
  return row?.photo ? { bytes: Buffer.from(row.photo), type: row.type! } : null;
}

export async function listRapid(q: Queryable, scope: Scope, f: { unitPath?: string; from?: string; to?: string; outcome?: string; source?: string; limit: number; offset: number }) {
  const where = `r.province_code = $1 AND r.unit_path LIKE $2 || '%' AND ($3::date IS NULL OR r.read_at >= ($3::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'))
    AND ($4::date IS NULL OR r.read_at < (($4::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')) AND ($5::text IS NULL OR r.outcome = $5) AND ($6::text IS NULL OR r.source = $6)`;
  const args = [scope.provinceCode, f.unitPath ?? scope.path, f.from ?? null, f.to ?? null, f.outcome ?? null, f.source ?? null];
  const [items, total] = await Promise.all([
    q.query<RapidRow>(`SELECT ${COLS} FROM ${FROM} WHERE ${where} ORDER BY r.read_at DESC, r.id DESC LIMIT $7 OFFSET $8`, [...args, f.limit, f.offset]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM rapid_test r WHERE ${where}`, args),
  ]);
  return { total: total.rows[0].n, items: items.rows.map(out) };
}

interface Subject {
  personId: number | null;
  name: string;
  cccd: string | null;
  phone: string | null;
  plate: string | null;
  unitPath: string;
  communeCode: string;
}

function checkReadAt(readAt: string): Date {
  const t = new Date(readAt);
  if (Number.isNaN(t.getTime())) throw fieldError(400, 'readAt', 'invalid');
  if (t.getTime() > Date.now() + 10 * 60_000) throw fieldError(400, 'readAt', 'in_future');
  if (t.getTime() < Date.now() - 7 * 86_400_000) throw fieldError(400, 'readAt', 'too_old');
  return t;
}

async function insertRapid(q: Queryable, provinceCode: string, s: Subject, input: { outcome: string; readAt: Date; kit?: string | null; idempotencyKey: string }, source: 'health_worker' | 'self_report', recordedBy: number | null, photo: ReturnType<typeof decodePhoto>, ip: string | null) {
  const r = await q.query<{ id: number }>(
    `INSERT INTO rapid_test (province_code, person_id, subject_name, subject_cccd, subject_phone, vehicle_plate, unit_path, commune_code, outcome, read_at, kit, source, recorded_by,
       photo, photo_type, idempotency_key, client_ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (province_code, idempotency_key) DO NOTHING RETURNING id`,
    [provinceCode, s.personId, s.name, s.cccd, s.phone, s.plate, s.unitPath, s.communeCode, input.outcome, input.readAt.toISOString(), input.kit?.trim() || null, source, recordedBy, photo?.bytes ?? null, photo?.type ?? null, input.idempotencyKey, ip],
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

async function replay(q: Queryable, provinceCode: string, key: string, check: { source: string; cccd?: string | null; personId?: number | null }) {
  const r = await q.query<RapidRow & { unitPath: string }>(`SELECT ${COLS}, r.unit_path AS "unitPath" FROM ${FROM} WHERE r.province_code = $1 AND r.idempotency_key = $2`, [provinceCode, key]);
  const row = r.rows[0];
  if (!row) return null;
  // A key is the phone's name for one report: the same key for another report is refused.
  if (row.source !== check.source || (check.cccd !== undefined && row.subjectCccd !== check.cccd) || (check.personId != null && Number(row.personId) !== check.personId))
    throw fieldError(409, 'idempotencyKey', 'used_for_another_report');
  return out(row);
}

async function confirmationTask(q: Queryable, provinceCode: string, s: Subject, rapidId: number, pol: RapidConfirmationPolicy, source: string) {
  await createTestingTask(q, provinceCode, {
    kind: 'confirm_rapid_test',
    personId: s.personId!,
    unitPath: s.unitPath,
    communeCode: s.communeCode,
    role: 'health_worker',
    dueAt: new Date(Date.now() + pol.dueHours * 3_600_000),
    detail: { rapidTestId: rapidId, confirmWith: pol.confirmWith, source },
  });
}

export interface RapidInput {
  personId?: number | null;
  person?: { fullName: string; cccd?: string | null; phone?: string | null } | null;
  vehiclePlate?: string | null;
  outcome: 'positive' | 'negative' | 'invalid';
  readAt: string;
  kit?: string | null;
  idempotencyKey: string;
  photo?: Photo | null;
}

/** A rapid test read by a health worker (or at a checkpoint). */
export async function recordRapidTest(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, input: RapidInput): Promise<{ test: RapidRow; replayed: boolean }> {
  const seen = await replay(q, scope.provinceCode, input.idempotencyKey, { source: 'health_worker', personId: input.personId ?? null });
  if (seen) return { test: seen, replayed: true };
  const readAt = checkReadAt(input.readAt);
  const photo = decodePhoto(input.photo);
  if ((input.personId == null) === (input.person == null)) throw fieldError(400, 'personId', 'person_or_new_person');
  const plate = input.vehiclePlate ? normalizePlate(input.vehiclePlate) : null;
  if (input.vehiclePlate && !plate) throw fieldError(400, 'vehiclePlate', 'invalid');
  let s: Subject;
  if (input.personId != null) {
    const p = (await personsInScope(q, scope, [input.personId])).get(input.personId);
    if (!p) throw fieldError(404, 'personId', 'not_found');
    s = { personId: p.id, name: p.fullName, cccd: p.cccd, phone: p.phone, plate, unitPath: p.unitPath, communeCode: p.communeCode };
  } else {
    const c = input.person!.cccd ? validateCccd(input.person!.cccd) : null;
    if (c && !c.ok) throw fieldError(400, 'person.cccd', c.error);
    if (!c && !plate) throw fieldError(400, 'person.cccd', 'cccd_or_plate_required');
    const phone = input.person!.phone ? normalizePhone(input.person!.phone) : null;
    if (input.person!.phone && !phone) throw fieldError(400, 'person.phone', 'invalid');
    const cccd = c?.ok ? c.value : null;
    const known = cccd ? (await q.query<{ id: number; unitPath: string; communeCode: string }>(`SELECT id, unit_path AS "unitPath", commune_code AS "communeCode" FROM person WHERE province_code = $1 AND cccd = $2`, [scope.provinceCode, cccd])).rows[0] : null;
    const here = await communeOfPath(q, scope.provinceCode, scope.path);
    s = {
      personId: known ? Number(known.id) : null,
      name: input.person!.fullName.normalize('NFC').trim().replace(/\s+/g, ' '),
      cccd,
      phone,
      plate,
      unitPath: known?.unitPath ?? scope.path,
      communeCode: known?.communeCode ?? here.code,
    };
  }
  const id = await insertRapid(q, scope.provinceCode, s, { ...input, readAt }, 'health_worker', actor.id, photo, req.ip);
  if (id == null) return { test: (await replay(q, scope.provinceCode, input.idempotencyKey, { source: 'health_worker' }))!, replayed: true };
  let effect: RapidRow['effect'] = 'none';
  let caseId: number | null = null;
  if (input.outcome === 'positive') {
    if (s.personId == null) effect = 'unregistered';
    else {
      const pol = await policy<RapidConfirmationPolicy>(q, scope.provinceCode, 'testing.rapid_confirmation', todayInVietnam(readAt));
      const open = await openCaseOfPerson(q, scope.provinceCode, s.personId);
      if (open) {
        await noteCaseEvidence(q, req, scope.provinceCode, actor, open, 'rapid_test', { outcome: 'positive', rapidTestId: id, readAt: readAt.toISOString() });
        effect = 'case_noted';
        caseId = open;
      } else if (pol.value.healthWorkerPositiveCreatesCase) {
        // Earlier positives of the person count with this one (two positives within the definition's hours).
        const def = await policy<F0DefinitionPolicy>(q, scope.provinceCode, 'cases.f0_definition', todayInVietnam(readAt));
        const earlier = await q.query<{ readAt: string }>(
          `SELECT read_at AS "readAt" FROM rapid_test WHERE province_code = $1 AND person_id = $2 AND outcome = 'positive' AND source = 'health_worker' AND id <> $3
              AND read_at BETWEEN $4::timestamptz - make_interval(hours => $5::int) AND $4::timestamptz`,
          [scope.provinceCode, s.personId, id, readAt.toISOString(), def.value.rapidTwiceWithinHours],
        );
        const province = await provinceScope(q, scope.provinceCode);
        const ordered = await listOrders(q, province, { personId: s.personId, status: 'active', limit: 1 });
        const res = await savepoint(q, 'rapid_case', () =>
          createCase(q, req, province, actor, {
            personId: s.personId!,
            reportDate: todayInVietnam(),
            sampleDate: todayInVietnam(readAt),
            detectedIn: ordered.length ? 'quarantine' : 'community',
            reportedVia: 'rapid_test',
            evidence: { rapidPositiveAt: [readAt.toISOString(), ...earlier.rows.map((e) => iso(e.readAt)!)] },
            notes: `Test nhanh kháng nguyên dương tính${input.kit ? ` (${input.kit})` : ''}`,
          }),
        );
        if (res.ok) {
          effect = 'case';
          caseId = res.value.id;
        } else if (res.error instanceof AppError && res.error.code === 'not_a_case') {
          await confirmationTask(q, scope.provinceCode, s, id, pol.value, 'health_worker');
          effect = 'confirmation_task';
        } else throw res.error;
      } else {
        await confirmationTask(q, scope.provinceCode, s, id, pol.value, 'health_worker');
        effect = 'confirmation_task';
      }
    }
  }
  await q.query(`UPDATE rapid_test SET effect = $3, case_id = $4 WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, effect, caseId]);
  await audit(q, req, { action: 'create', entity: 'rapid_test', entityId: id, details: { personId: s.personId, outcome: input.outcome, effect } });
  return { test: (await getRapid(q, { provinceCode: scope.provinceCode, path: s.unitPath }, id))!, replayed: false };
}

export interface SelfReportInput {
  provinceCode: string;
  cccd: string;
  birthDate?: string | null;
  phone?: string | null;
  outcome: 'positive' | 'negative' | 'invalid';
  readAt: string;
  kit?: string | null;
  idempotencyKey: string;
  photo?: Photo | null;
}

/** What a citizen's phone gets back: nothing about the record beyond what they sent. */
export interface SelfReportReceipt {
  id: number;
  outcome: string;
  readAt: string;
  next: 'confirmation' | 'none' | 'retest';
  replayed: boolean;
}

/** A self-reported rapid test, without an account. */
export async function selfReport(q: Queryable, req: FastifyRequest, input: SelfReportInput): Promise<SelfReportReceipt> {
  const c = validateCccd(input.cccd);
  if (!c.ok) throw fieldError(400, 'cccd', c.error);
  const receipt = (r: RapidRow, replayed: boolean): SelfReportReceipt => ({
    id: r.id,
    outcome: r.outcome,
    readAt: r.readAt,
    next: r.outcome === 'positive' ? 'confirmation' : r.outcome === 'invalid' ? 'retest' : 'none',
    replayed,
  });
  const seen = await replay(q, input.provinceCode, input.idempotencyKey, { source: 'self_report', cccd: c.value });
  if (seen) return receipt(seen, true);
  const readAt = checkReadAt(input.readAt);
  const photo = decodePhoto(input.photo);
  const birth = input.birthDate ? parseCalendarDate(input.birthDate) : null;
  const phone = input.phone ? normalizePhone(input.phone) : null;
  if (input.birthDate && !birth) throw fieldError(400, 'birthDate', 'invalid_date');
  if (input.phone && !phone) throw fieldError(400, 'phone', 'invalid');
  if (!birth && !phone) throw fieldError(400, 'birthDate', 'birth_date_or_phone_required');
  // The light identity check: the CCCD and the birth date or phone of the registry. The answer never says which part failed.
  const p = (
    await q.query<{ id: number; fullName: string; phone: string | null; unitPath: string; communeCode: string }>(
      `SELECT id, full_name AS "fullName", phone, unit_path AS "unitPath", commune_code AS "communeCode" FROM person
        WHERE province_code = $1 AND cccd = $2 AND (($3::date IS NOT NULL AND birth_date = $3::date) OR ($4::text IS NOT NULL AND phone = $4))`,
      [input.provinceCode, c.value, birth, phone],
    )
  ).rows[0];
  if (!p) {
    await audit(q, req, { action: 'create', entity: 'rapid_test', outcome: 'denied', details: { selfReport: true, reason: 'identity_not_matched' } }, { provinceCode: input.provinceCode, username: 'self_report' });
    throw fieldError(400, 'cccd', 'identity_not_matched');
  }
  const today = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM rapid_test WHERE province_code = $1 AND subject_cccd = $2 AND source = 'self_report' AND created_at > now() - interval '1 day'`, [
    input.provinceCode,
    c.value,
  ]);
  if (today.rows[0].n >= SELF_REPORTS_PER_DAY) throw new AppError(429, 'rate_limited', [{ field: 'cccd', code: 'too_many_reports' }]);
  const s: Subject = { personId: Number(p.id), name: p.fullName, cccd: c.value, phone: phone ?? p.phone, plate: null, unitPath: p.unitPath, communeCode: p.communeCode };
  const id = await insertRapid(q, input.provinceCode, s, { ...input, readAt }, 'self_report', null, photo, req.ip);
  if (id == null) return receipt((await replay(q, input.provinceCode, input.idempotencyKey, { source: 'self_report', cccd: c.value }))!, true);
  let effect: RapidRow['effect'] = 'none';
  if (input.outcome === 'positive') {
    const pol = await policy<RapidConfirmationPolicy>(q, input.provinceCode, 'testing.rapid_confirmation', todayInVietnam(readAt));
    await confirmationTask(q, input.provinceCode, s, id, pol.value, 'self_report');
    effect = 'confirmation_task';
    await q.query(`UPDATE rapid_test SET effect = $3 WHERE province_code = $1 AND id = $2`, [input.provinceCode, id, effect]);
  }
  await audit(q, req, { action: 'create', entity: 'rapid_test', entityId: id, details: { selfReport: true, personId: s.personId, outcome: input.outcome, effect } }, { provinceCode: input.provinceCode, username: 'self_report' });
  const row = (await getRapid(q, { provinceCode: input.provinceCode, path: s.unitPath }, id))!;
  return receipt(row, false);
}
