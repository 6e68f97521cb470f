// Venues: registered by their owners on a public form (no account), approved, rejected or revoked
// by venues.manage staff of the venue's commune (or above). Approval makes the venue's staff key
// (a secret link for scanning citizens' personal QR codes), returned once.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { normalizePhone } from '../../../domain/people/normalize.ts';
import { cleanText, venueCode, type VenueKind } from '../../../domain/checkins/venue.ts';
import { fieldError } from '../testing/common.ts';

export interface VenueRegistration {
  provinceCode: string;
  name: string;
  kind: VenueKind;
  address: string;
  communeCode: string;
  ownerName: string;
  ownerPhone: string;
  ownerEmail?: string | null;
  requestId: string;
}

export interface VenueRow {
  id: number;
  code: string;
  name: string;
  kind: VenueKind;
  address: string;
  communeCode: string;
  communeName: string;
  districtName: string | null;
  unitPath: string;
  ownerName: string;
  ownerPhone: string;
  ownerEmail: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'revoked';
  statusReason: string | null;
  decidedAt: string | null;
  createdAt: string;
  checkinsToday?: number;
}

const SELECT = `SELECT v.id, v.code, v.name, v.kind, v.address, v.commune_code AS "communeCode", c.name AS "communeName", d.name AS "districtName",
    v.unit_path AS "unitPath", v.owner_name AS "ownerName", v.owner_phone AS "ownerPhone", v.owner_email AS "ownerEmail", v.status,
    v.status_reason AS "statusReason", v.decided_at AS "decidedAt", v.created_at AS "createdAt"
  FROM venue v
  JOIN admin_unit c ON c.province_code = v.province_code AND c.code = v.commune_code
  LEFT JOIN admin_unit d ON d.province_code = c.province_code AND d.code = c.parent_code AND d.level = 'district'`;

export const hashKey = (k: string) => createHash('sha256').update(k).digest('hex');

/** Registers a venue as pending. The same requestId again returns the first registration. */
export async function registerVenue(q: Queryable, req: FastifyRequest, input: VenueRegistration): Promise<{ id: number; status: string; replayed: boolean }> {
  const seen = await q.query<{ id: number; status: string }>(`SELECT id, status FROM venue WHERE province_code = $1 AND request_id = $2`, [input.provinceCode, input.requestId]);
  if (seen.rows[0]) return { id: Number(seen.rows[0].id), status: seen.rows[0].status, replayed: true };
  const errors: { field: string; code: string }[] = [];
  const name = cleanText(input.name);
  const address = cleanText(input.address);
  const ownerName = cleanText(input.ownerName);
  if (name.length < 3) errors.push({ field: 'name', code: 'too_short' });
  if (address.length < 5) errors.push({ field: 'address', code: 'too_short' });
  if (ownerName.length < 2) errors.push({ field: 'ownerName', code: 'too_short' });
  const phone = normalizePhone(input.ownerPhone);
  if (!phone) errors.push({ field: 'ownerPhone', code: 'invalid' });
  const email = input.ownerEmail?.trim() || null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push({ field: 'ownerEmail', code: 'invalid' });
  const unit = (
    await q.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = $1 AND code = $2 AND level = 'commune'`, [input.provinceCode, input.communeCode])
  ).rows[0];
  if (!unit) errors.push({ field: 'communeCode', code: 'unknown_commune' });
  if (errors.length) throw new AppError(400, 'validation', errors);
  // A code that is already taken is drawn again (2 in a trillion per draw).
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = venueCode(input.provinceCode, randomBytes(8));
    const r = await q.query<{ id: number }>(
      `INSERT INTO venue (province_code, code, name, kind, address, commune_code, unit_path, owner_name, owner_phone, owner_email, request_id, registered_by, registered_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id`,
      [input.provinceCode, code, name, input.kind, address, input.communeCode, unit!.path, ownerName, phone, email, input.requestId, req.user?.provinceCode === input.provinceCode ? req.user.id : null, req.ip],
    );
    if (r.rows[0]) {
      const id = Number(r.rows[0].id);
      await audit(q, req, { action: 'create', entity: 'venue', entityId: id, details: { communeCode: input.communeCode, public: !req.user } }, { provinceCode: input.provinceCode, username: req.user?.username ?? 'venue_owner' });
      return { id, status: 'pending', replayed: false };
    }
    const again = await q.query<{ id: number; status: string }>(`SELECT id, status FROM venue WHERE province_code = $1 AND request_id = $2`, [input.provinceCode, input.requestId]);
    if (again.rows[0]) return { id: Number(again.rows[0].id), status: again.rows[0].status, replayed: true };
  }
  throw new AppError(409, 'conflict', [{ field: 'code', code: 'code_taken' }]);
}

export async function listVenues(q: Queryable, scope: Scope, f: { status?: string; q?: string; limit: number; offset: number }): Promise<{ items: VenueRow[]; total: number }> {
  const where = [`v.province_code = $1`, `v.unit_path LIKE $2 || '%'`];
  const params: unknown[] = [scope.provinceCode, scope.path];
  if (f.status) {
    params.push(f.status);
    where.push(`v.status = $${params.length}`);
  }
  if (f.q) {
    params.push('%' + f.q.toLowerCase() + '%');
    where.push(`(lower(v.name) LIKE $${params.length} OR v.code = upper(replace($${params.length}, '%', '')))`);
  }
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM venue v WHERE ${where.join(' AND ')}`, params);
  params.push(f.limit, f.offset);
  const r = await q.query<VenueRow>(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY CASE v.status WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, v.created_at DESC, v.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { items: r.rows.map(fix), total: total.rows[0].n };
}

function fix(v: VenueRow): VenueRow {
  return { ...v, id: Number(v.id), decidedAt: v.decidedAt ? new Date(v.decidedAt).toISOString() : null, createdAt: new Date(v.createdAt).toISOString() };
}

export async function getVenue(q: Queryable, scope: Scope, id: number, forUpdate = false): Promise<VenueRow | null> {
  const r = await q.query<VenueRow>(`${SELECT} WHERE v.province_code = $1 AND v.id = $2 AND v.unit_path LIKE $3 || '%'${forUpdate ? ' FOR UPDATE OF v' : ''}`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ? fix(r.rows[0]) : null;
}

export type Decision = 'approve' | 'reject' | 'revoke' | 'rotate_key';

const ALLOWED: Record<Decision, VenueRow['status'][]> = {
  approve: ['pending', 'revoked'],
  reject: ['pending'],
  revoke: ['approved'],
  rotate_key: ['approved'],
};
const NEXT: Record<Decision, VenueRow['status'] | null> = { approve: 'approved', reject: 'rejected', revoke: 'revoked', rotate_key: null };

/** A decision on a venue; approving (and rotating) returns the new staff key, once. */
export async function decideVenue(q: Queryable, req: FastifyRequest, scope: Scope, id: number, decision: Decision, reason: string | null): Promise<{ venue: VenueRow; staffKey: string | null }> {
  const v = await getVenue(q, scope, id, true);
  if (!v) throw notFound();
  if (!ALLOWED[decision].includes(v.status)) throw new AppError(409, 'invalid_state', [{ field: 'status', code: v.status }]);
  if ((decision === 'reject' || decision === 'revoke') && !reason) throw fieldError(400, 'reason', 'required');
  const staffKey = decision === 'approve' || decision === 'rotate_key' ? randomBytes(18).toString('base64url') : null;
  await q.query(
    `UPDATE venue SET status = COALESCE($3, status), status_reason = CASE WHEN $3::text IS NULL THEN status_reason ELSE $4 END,
       decided_by = CASE WHEN $3::text IS NULL THEN decided_by ELSE $5 END, decided_at = CASE WHEN $3::text IS NULL THEN decided_at ELSE now() END,
       staff_key_hash = COALESCE($6, CASE WHEN $3 = 'approved' THEN staff_key_hash ELSE NULL END), updated_at = now()
     WHERE province_code = $1 AND id = $2`,
    [scope.provinceCode, id, NEXT[decision], reason, req.user!.id, staffKey ? hashKey(staffKey) : null],
  );
  await audit(q, req, { action: 'update', entity: 'venue', entityId: id, details: { decision, reason } });
  return { venue: (await getVenue(q, scope, id))!, staffKey };
}

export interface PublicVenue {
  id: number;
  provinceCode: string;
  code: string;
  name: string;
  kind: VenueKind;
  address: string;
  communeName: string;
  status: VenueRow['status'];
  staffKeyHash: string | null;
}

/**
 * The venue of a scanned code, cached for a few seconds per process so that ingest does not read
 * it on every check-in. A revocation in this process drops the cached entry at once; another
 * process sees it within the cache time.
 */
export class VenueCache {
  private m = new Map<string, { v: PublicVenue | null; until: number }>();
  constructor(private ttlMs = 15_000) {}
  async get(q: Queryable, provinceCode: string, code: string): Promise<PublicVenue | null> {
    const key = code;
    const hit = this.m.get(key);
    if (hit && hit.until > Date.now()) return hit.v;
    const r = await q.query<PublicVenue>(
      `SELECT v.id, v.province_code AS "provinceCode", v.code, v.name, v.kind, v.address, c.name AS "communeName", v.status, v.staff_key_hash AS "staffKeyHash"
         FROM venue v JOIN admin_unit c ON c.province_code = v.province_code AND c.code = v.commune_code WHERE v.province_code = $1 AND v.code = $2`,
      [provinceCode, code],
    );
    const v = r.rows[0] ? { ...r.rows[0], id: Number(r.rows[0].id) } : null;
    if (this.m.size > 50_000) this.m.clear();
    this.m.set(key, { v, until: Date.now() + this.ttlMs });
    return v;
  }
  drop(code: string) {
    this.m.delete(code);
  }
}
