// Exposure matching for tracing (domain.md §8, docs/checkins.md): a case's check-ins during its
// transmission window, against everybody else's at the same venues within ±N minutes (policy
// checkins.exposure_window). Computed when a tracer asks (the case's page, the exposures list),
// kept as suggestions; accepted ones become contacts of the case through the case area's own
// service (addContacts, source 'checkin'), rejected ones keep the reason.
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { getCase, type CaseRow } from '../cases/store.ts';
import { addContacts, type ContactInput } from '../cases/service.ts';
import { transmissionWindow } from '../../../domain/cases/definitions.ts';
import type { F1DefinitionPolicy } from '../../../domain/cases/policies.ts';
import type { ExposureWindowPolicy } from '../../../domain/checkins/policies.ts';
import { caseCheckinRange, matchVisits } from '../../../domain/checkins/exposure.ts';
import { subjectsOf } from '../../../domain/checkins/identity.ts';
import { addDays, vnDay, vnMidnight } from '../../../domain/checkins/time.ts';
import { searchKey } from '../../../domain/people/normalize.ts';
import { policy, todayInVietnam } from '../testing/common.ts';

/** At most this many of the case's own check-ins are looked at (40 in 14 days is a busy person). */
const MAX_CASE_VISITS = 500;

export interface MatchSummary {
  caseId: number;
  caseVisits: number;
  suggestions: number;
  windowMinutes: number;
  range: { from: string; to: string };
  ms: number;
}

interface OtherVisit {
  venueId: number;
  at: Date;
  subject: string;
  fullName: string;
  phone: string | null;
  cccd: string | null;
}

/** The stored rows behind a match: the case's visits, then the others' at those venues within the window. */
export async function matchCase(q: Queryable, provinceCode: string, c: Pick<CaseRow, 'id' | 'personId' | 'onsetDate' | 'sampleDate' | 'reportDate'>) {
  const today = todayInVietnam();
  const f1 = await policy<F1DefinitionPolicy>(q, provinceCode, 'cases.f1_definition', c.reportDate);
  const win = await policy<ExposureWindowPolicy>(q, provinceCode, 'checkins.exposure_window', c.reportDate <= today ? c.reportDate : today);
  const range = caseCheckinRange(transmissionWindow(c, f1.value), c.reportDate, vnMidnight, addDays);
  const person = (await q.query<{ phone: string | null; cccd: string | null }>(`SELECT phone, cccd FROM person WHERE province_code = $1 AND id = $2`, [provinceCode, c.personId])).rows[0];
  const subjects = person ? subjectsOf(person) : [];
  if (!subjects.length) return { subjects, caseVisits: [], others: [] as OtherVisit[], minutes: win.value.minutes, range };
  const mine = await q.query<{ venueId: number; at: Date }>(
    `SELECT venue_id AS "venueId", at FROM checkin.visit WHERE province_code = $1 AND subject = ANY($2::text[]) AND at >= $3 AND at < $4 ORDER BY at LIMIT ${MAX_CASE_VISITS}`,
    [provinceCode, subjects, range.from.toISOString(), range.to.toISOString()],
  );
  const caseVisits = mine.rows.map((r) => ({ venueId: Number(r.venueId), at: new Date(r.at), subject: subjects[0] }));
  if (!caseVisits.length) return { subjects, caseVisits, others: [] as OtherVisit[], minutes: win.value.minutes, range };
  const others = await q.query<OtherVisit>(
    `SELECT o.venue_id AS "venueId", o.at, o.subject, o.full_name AS "fullName", o.phone, o.cccd
       FROM unnest($2::bigint[], $3::timestamptz[]) AS m(venue_id, at)
       CROSS JOIN LATERAL (
         SELECT * FROM checkin.visit o WHERE o.province_code = $1 AND o.venue_id = m.venue_id
            AND o.at >= m.at - make_interval(mins => $4) AND o.at <= m.at + make_interval(mins => $4)) o
      WHERE o.subject <> ALL($5::text[])`,
    [provinceCode, caseVisits.map((v) => v.venueId), caseVisits.map((v) => v.at.toISOString()), win.value.minutes, subjects],
  );
  return { subjects, caseVisits, others: others.rows.map((r) => ({ ...r, venueId: Number(r.venueId), at: new Date(r.at) })), minutes: win.value.minutes, range };
}

/** Matches a case and stores its suggestions (new people added; decided ones left as they are). */
export async function refreshCase(q: Queryable, provinceCode: string, c: CaseRow): Promise<MatchSummary> {
  const t0 = performance.now();
  const m = await matchCase(q, provinceCode, c);
  const matches = matchVisits(m.caseVisits, m.others, m.minutes, m.subjects);
  // Registry people behind the subjects: the CCCD names one person; a phone only with the same name.
  const cccds = matches.map((x) => x.visit.cccd).filter((s): s is string => !!s);
  const phones = matches.map((x) => x.visit.phone).filter((s): s is string => !!s);
  const found = cccds.length || phones.length
    ? (await q.query<{ id: number; cccd: string | null; phone: string | null; nameSearch: string }>(
        `SELECT id, cccd, phone, name_search AS "nameSearch" FROM person WHERE province_code = $1 AND (cccd = ANY($2::text[]) OR phone = ANY($3::text[]))`,
        [provinceCode, cccds, phones],
      )).rows
    : [];
  const personOf = (v: OtherVisit): number | null => {
    if (v.cccd) {
      const p = found.find((f) => f.cccd === v.cccd);
      if (p) return Number(p.id);
    }
    if (v.phone) {
      const same = found.filter((f) => f.phone === v.phone && f.nameSearch === searchKey(v.fullName));
      if (same.length === 1) return Number(same[0].id);
    }
    return null;
  };
  const rows = matches.map((x) => ({
    subject: x.subject,
    full_name: x.visit.fullName,
    phone: x.visit.phone,
    cccd: x.visit.cccd,
    person_id: personOf(x.visit),
    venue_id: x.visit.venueId,
    case_at: x.caseVisit.at.toISOString(),
    contact_at: x.visit.at.toISOString(),
    gap_minutes: x.gapMinutes,
    visits: x.visits,
  }));
  if (rows.length)
    await q.query(
      `INSERT INTO exposure_suggestion (province_code, case_id, unit_path, subject, full_name, phone, cccd, person_id, venue_id, case_at, contact_at, gap_minutes, visits)
       SELECT $1, $2, $3, x.subject, x.full_name, x.phone, x.cccd, x.person_id, x.venue_id, x.case_at, x.contact_at, x.gap_minutes, x.visits
         FROM jsonb_to_recordset($4::jsonb) AS x(subject text, full_name text, phone text, cccd text, person_id bigint, venue_id bigint, case_at timestamptz, contact_at timestamptz, gap_minutes int, visits int)
       ON CONFLICT (province_code, case_id, subject) DO UPDATE SET venue_id = EXCLUDED.venue_id, case_at = EXCLUDED.case_at, contact_at = EXCLUDED.contact_at,
         gap_minutes = EXCLUDED.gap_minutes, visits = EXCLUDED.visits, person_id = COALESCE(exposure_suggestion.person_id, EXCLUDED.person_id)
       WHERE exposure_suggestion.status = 'suggested'`,
      [provinceCode, c.id, c.unitPath, JSON.stringify(rows)],
    );
  await q.query(
    `INSERT INTO exposure_run (province_code, case_id, matched_at, suggestions) VALUES ($1, $2, now(), $3)
     ON CONFLICT (province_code, case_id) DO UPDATE SET matched_at = now(), suggestions = EXCLUDED.suggestions`,
    [provinceCode, c.id, rows.length],
  );
  return { caseId: c.id, caseVisits: m.caseVisits.length, suggestions: rows.length, windowMinutes: m.minutes, range: { from: m.range.from.toISOString(), to: m.range.to.toISOString() }, ms: performance.now() - t0 };
}

/** Refreshes the cases of the scope reported in the last 14 days whose match is missing or older than `staleMinutes` (the exposures list). */
export async function refreshStale(db: Db, scope: Scope, staleMinutes = 5, maxCases = 50): Promise<number> {
  const since = addDays(todayInVietnam(), -14);
  const r = await db.query<{ id: number }>(
    `SELECT c.id FROM case_record c LEFT JOIN exposure_run x ON x.province_code = c.province_code AND x.case_id = c.id
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND c.report_date >= $3
        AND (x.matched_at IS NULL OR x.matched_at < now() - make_interval(mins => $4))
      ORDER BY c.report_date DESC, c.id DESC LIMIT $5`,
    [scope.provinceCode, scope.path, since, staleMinutes, maxCases],
  );
  for (const { id } of r.rows) {
    const c = await getCase(db, scope, Number(id));
    if (c) await refreshCase(db, scope.provinceCode, c);
  }
  return r.rows.length;
}

export interface SuggestionRow {
  id: number;
  caseId: number;
  caseName: string;
  subject: string;
  fullName: string;
  phone: string | null;
  cccd: string | null;
  personId: number | null;
  venueId: number;
  venueName: string;
  venueAddress: string;
  caseAt: string;
  contactAt: string;
  gapMinutes: number;
  visits: number;
  status: 'suggested' | 'accepted' | 'rejected';
  reason: string | null;
  contactId: number | null;
  alreadyContact: boolean;
}

const SUGGESTION_SELECT = `SELECT s.id, s.case_id AS "caseId", cp.full_name AS "caseName", s.subject, s.full_name AS "fullName", s.phone, s.cccd, s.person_id AS "personId",
    s.venue_id AS "venueId", v.name AS "venueName", v.address AS "venueAddress", s.case_at AS "caseAt", s.contact_at AS "contactAt", s.gap_minutes AS "gapMinutes", s.visits,
    s.status, s.reason, s.contact_id AS "contactId",
    EXISTS (SELECT 1 FROM contact k WHERE k.province_code = s.province_code AND k.source_person_id = c.person_id AND k.person_id = s.person_id) AS "alreadyContact"
  FROM exposure_suggestion s
  JOIN case_record c ON c.province_code = s.province_code AND c.id = s.case_id
  JOIN person cp ON cp.province_code = c.province_code AND cp.id = c.person_id
  JOIN venue v ON v.province_code = s.province_code AND v.id = s.venue_id`;

const fixS = (r: SuggestionRow): SuggestionRow => ({
  ...r,
  id: Number(r.id),
  caseId: Number(r.caseId),
  personId: r.personId == null ? null : Number(r.personId),
  venueId: Number(r.venueId),
  contactId: r.contactId == null ? null : Number(r.contactId),
  caseAt: new Date(r.caseAt).toISOString(),
  contactAt: new Date(r.contactAt).toISOString(),
});

export async function listSuggestions(q: Queryable, scope: Scope, f: { caseId?: number; status?: string; limit: number }): Promise<SuggestionRow[]> {
  const where = [`s.province_code = $1`, `s.unit_path LIKE $2 || '%'`];
  const params: unknown[] = [scope.provinceCode, scope.path];
  if (f.caseId) {
    params.push(f.caseId);
    where.push(`s.case_id = $${params.length}`);
  }
  if (f.status) {
    params.push(f.status);
    where.push(`s.status = $${params.length}`);
  }
  params.push(f.limit);
  const r = await q.query<SuggestionRow>(`${SUGGESTION_SELECT} WHERE ${where.join(' AND ')} ORDER BY s.case_id DESC, s.gap_minutes, s.contact_at, s.id LIMIT $${params.length}`, params);
  return r.rows.map(fixS);
}

async function lockSuggestion(q: Queryable, scope: Scope, id: number): Promise<SuggestionRow> {
  const r = await q.query<SuggestionRow>(`${SUGGESTION_SELECT} WHERE s.province_code = $1 AND s.id = $2 AND s.unit_path LIKE $3 || '%' FOR UPDATE OF s`, [scope.provinceCode, id, scope.path]);
  if (!r.rows[0]) throw notFound();
  const s = fixS(r.rows[0]);
  if (s.status !== 'suggested') throw new AppError(409, 'invalid_state', [{ field: 'status', code: s.status }]);
  return s;
}

export interface AcceptInput {
  proximity?: ContactInput['proximity'];
  masked?: boolean | null;
  durationMinutes?: number | null;
  /** For someone not in the registry: the commune or village they live in (inside the jurisdiction). */
  unitCode?: string | null;
  birthDate?: string | null;
  sex?: 'M' | 'F' | null;
  confirmNew?: boolean;
  note?: string | null;
}

const hhmm = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(11, 16);

/** Accepts a suggestion: the person becomes an F1 of the case (the case area's addContacts), found in the registry or added to it. */
export async function acceptSuggestion(q: Queryable, req: FastifyRequest, scope: Scope, id: number, b: AcceptInput) {
  const s = await lockSuggestion(q, scope, id);
  const base = {
    exposureDate: vnDay(new Date(s.contactAt)),
    setting: 'venue' as const,
    proximity: b.proximity ?? ('same_closed_space' as const),
    masked: b.masked ?? null,
    durationMinutes: b.durationMinutes ?? null,
    source: 'checkin' as const,
    note: [`Quét mã QR tại ${s.venueName} lúc ${hhmm(s.contactAt)}, cách lúc ca bệnh có mặt ${s.gapMinutes} phút`, b.note].filter(Boolean).join('. '),
  };
  let input: ContactInput;
  if (s.personId != null) {
    const inScope = await q.query(`SELECT 1 FROM person WHERE province_code = $1 AND id = $2 AND unit_path LIKE $3 || '%'`, [scope.provinceCode, s.personId, scope.path]);
    if (inScope.rows.length) input = { ...base, personId: s.personId };
    else if (s.cccd) input = { ...base, identity: { fullName: s.fullName, cccd: s.cccd }, handover: { requestId: randomUUID(), message: base.note } };
    else {
      // Recognised by phone and name (no CCCD at the check-in): handed over by the registry's exact
      // identity of that person — phone, name and birth date — which the case area resolves to them.
      const p = (
        await q.query<{ fullName: string; phone: string | null; birthDate: string | null }>(`SELECT full_name AS "fullName", phone, birth_date AS "birthDate" FROM person WHERE province_code = $1 AND id = $2`, [scope.provinceCode, s.personId])
      ).rows[0];
      if (!p?.phone || !p.birthDate) throw new AppError(409, 'conflict', [{ field: 'personId', code: 'outside_jurisdiction' }]);
      input = { ...base, identity: { fullName: p.fullName, phone: p.phone, birthDate: p.birthDate }, handover: { requestId: randomUUID(), message: base.note } };
    }
  } else {
    if (!b.unitCode) throw badRequest([{ field: 'unitCode', code: 'required' }]);
    input = { ...base, newPerson: { fullName: s.fullName, phone: s.phone, cccd: s.cccd, unitCode: b.unitCode, birthDate: b.birthDate ?? null, sex: b.sex ?? null, confirmNew: b.confirmNew } };
  }
  const [added] = await addContacts(q, req, scope, { id: req.user!.id, username: req.user!.username }, { kind: 'case', caseId: s.caseId }, [input], 'contact');
  await q.query(
    `UPDATE exposure_suggestion SET status = 'accepted', contact_id = $3, person_id = $4, reason = $5, decided_by = $6, decided_at = now() WHERE province_code = $1 AND id = $2`,
    [scope.provinceCode, id, added.id, added.personId, b.note ?? null, req.user!.id],
  );
  await audit(q, req, { action: 'update', entity: 'exposure_suggestion', entityId: id, details: { decision: 'accept', contactId: added.id, caseId: s.caseId } });
  return { id, status: 'accepted' as const, contact: added };
}

export async function rejectSuggestion(q: Queryable, req: FastifyRequest, scope: Scope, id: number, reason: string) {
  const s = await lockSuggestion(q, scope, id);
  await q.query(`UPDATE exposure_suggestion SET status = 'rejected', reason = $3, decided_by = $4, decided_at = now() WHERE province_code = $1 AND id = $2`, [scope.provinceCode, id, reason, req.user!.id]);
  await audit(q, req, { action: 'update', entity: 'exposure_suggestion', entityId: id, details: { decision: 'reject', reason, caseId: s.caseId } });
  return { id, status: 'rejected' as const, reason };
}
