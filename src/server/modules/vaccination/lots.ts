// Vaccine lots the province received (vaccine_lot): registered, listed with how much of each is
// allocated and administered, and corrected. A lot is the province's: only province-wide staff
// register or change one; everyone with vaccination.read sees them (a lot is not personal data).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { daysBetween } from '../../../domain/cases/dates.ts';
import { checkDates, fieldError, knownProducts, todayInVietnam, type Caller } from './supplyCommon.ts';

export interface LotRow {
  id: number;
  productCode: string;
  productName: string;
  lotNumber: string;
  expiryDate: string | null;
  dosesReceived: number;
  receivedOn: string | null;
  source: string | null;
  /** Doses the province allocated to its districts (or communes) from this lot. */
  allocated: number;
  /** Doses of the lot still in the province's stock: received − allocated. */
  available: number;
  /** Doses of the lot recorded as given, anywhere. */
  administered: number;
  /** Days to expiry from today (negative: expired); null without an expiry date. */
  expiresInDays: number | null;
  createdAt: string;
}

export interface LotWarning {
  field: string;
  code: 'expired' | 'expiry_before_received';
}

export interface LotInput {
  productCode: string;
  lotNumber: string;
  expiryDate?: string | null;
  dosesReceived: number;
  receivedOn?: string | null;
  source?: string | null;
}

/** A lot number as printed, in one form: NFC, no outer spaces, inner runs of spaces as one, upper case. */
export const normalizeLotNumber = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toUpperCase();

export async function listLots(q: Queryable, provinceCode: string, opts: { id?: number; productCode?: string; search?: string } = {}): Promise<LotRow[]> {
  const today = todayInVietnam();
  const r = await q.query<Omit<LotRow, 'productName' | 'available' | 'expiresInDays'>>(
    `SELECT l.id, l.product_code AS "productCode", l.lot_number AS "lotNumber", l.expiry_date AS "expiryDate", l.doses_received AS "dosesReceived",
            l.received_on AS "receivedOn", l.source, l.created_at AS "createdAt",
            COALESCE((SELECT sum(a.doses) FROM vaccine_allocation a WHERE a.province_code = l.province_code AND a.lot_id = l.id AND a.parent_id IS NULL), 0)::int AS allocated,
            -- Administered: the doses per lot and commune the coverage facts keep (lotFacts.ts), not a count of the doses.
            COALESCE((SELECT sum(f.doses) FROM vaccination_lot_commune f WHERE f.province_code = l.province_code AND f.lot_id = l.id), 0)::int AS administered
       FROM vaccine_lot l
      WHERE l.province_code = $1 AND ($2::bigint IS NULL OR l.id = $2) AND ($3::text IS NULL OR l.product_code = $3)
        AND ($4::text IS NULL OR l.lot_number LIKE '%' || $4 || '%')
      ORDER BY l.expiry_date NULLS LAST, l.product_code, l.lot_number
      LIMIT 2000`,
    [provinceCode, opts.id ?? null, opts.productCode ?? null, opts.search ? normalizeLotNumber(opts.search) : null],
  );
  const names = await knownProducts(q, provinceCode, today);
  return r.rows.map((l) => ({
    ...l,
    createdAt: new Date(l.createdAt).toISOString(),
    productName: names.get(l.productCode) ?? l.productCode,
    available: l.dosesReceived - l.allocated,
    expiresInDays: l.expiryDate ? daysBetween(today, l.expiryDate) : null,
  }));
}

export async function getLot(q: Queryable, provinceCode: string, id: number): Promise<LotRow | null> {
  return (await listLots(q, provinceCode, { id }))[0] ?? null;
}

function warningsOf(l: { expiryDate: string | null; receivedOn: string | null }, today: string): LotWarning[] {
  const w: LotWarning[] = [];
  if (l.expiryDate && l.expiryDate < today) w.push({ field: 'expiryDate', code: 'expired' });
  if (l.expiryDate && l.receivedOn && l.expiryDate < l.receivedOn) w.push({ field: 'expiryDate', code: 'expiry_before_received' });
  return w;
}

async function checkLotFields(q: Queryable, provinceCode: string, l: { productCode: string; lotNumber: string; receivedOn: string | null }, today: string, id: number | null) {
  if (!(await knownProducts(q, provinceCode, today)).has(l.productCode)) throw fieldError(400, 'productCode', 'unknown_product');
  if (!l.lotNumber) throw fieldError(400, 'lotNumber', 'required');
  if (l.receivedOn && l.receivedOn > today) throw fieldError(400, 'receivedOn', 'in_future');
  const dup = await q.query(`SELECT 1 FROM vaccine_lot WHERE province_code = $1 AND product_code = $2 AND lot_number = $3 AND ($4::bigint IS NULL OR id <> $4)`, [
    provinceCode,
    l.productCode,
    l.lotNumber,
    id,
  ]);
  if (dup.rows.length) throw fieldError(409, 'lotNumber', 'duplicate_lot');
}

export async function createLot(q: Queryable, req: FastifyRequest, caller: Caller, input: LotInput): Promise<{ lot: LotRow; warnings: LotWarning[] }> {
  if (!caller.provinceWide) throw new AppError(403, 'forbidden', [{ field: 'lot', code: 'province_only' }]);
  checkDates({ expiryDate: input.expiryDate, receivedOn: input.receivedOn });
  const today = todayInVietnam();
  const l = { productCode: input.productCode, lotNumber: normalizeLotNumber(input.lotNumber), receivedOn: input.receivedOn ?? null, expiryDate: input.expiryDate ?? null };
  await checkLotFields(q, caller.scope.provinceCode, l, today, null);
  const r = await q.query<{ id: number }>(
    `INSERT INTO vaccine_lot (province_code, product_code, lot_number, expiry_date, doses_received, received_on, source, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
    [caller.scope.provinceCode, l.productCode, l.lotNumber, l.expiryDate, input.dosesReceived, l.receivedOn, input.source?.normalize('NFC').trim() || null, caller.id],
  );
  if (!r.rows.length) throw fieldError(409, 'lotNumber', 'duplicate_lot'); // a concurrent registration of the same lot
  const id = Number(r.rows[0].id);
  const warnings = warningsOf(l, today);
  await audit(q, req, { action: 'create', entity: 'vaccine_lot', entityId: id, details: { productCode: l.productCode, lotNumber: l.lotNumber, doses: input.dosesReceived, warnings: warnings.map((w) => w.code) } });
  return { lot: (await getLot(q, caller.scope.provinceCode, id))!, warnings };
}

export async function updateLot(q: Queryable, req: FastifyRequest, caller: Caller, id: number, patch: Partial<LotInput>): Promise<{ lot: LotRow; warnings: LotWarning[] }> {
  if (!caller.provinceWide) throw new AppError(403, 'forbidden', [{ field: 'lot', code: 'province_only' }]);
  checkDates({ expiryDate: patch.expiryDate, receivedOn: patch.receivedOn });
  const provinceCode = caller.scope.provinceCode;
  const cur = (
    await q.query<{ productCode: string; lotNumber: string; expiryDate: string | null; dosesReceived: number; receivedOn: string | null; source: string | null }>(
      `SELECT product_code AS "productCode", lot_number AS "lotNumber", expiry_date AS "expiryDate", doses_received AS "dosesReceived", received_on AS "receivedOn", source
         FROM vaccine_lot WHERE province_code = $1 AND id = $2 FOR UPDATE`,
      [provinceCode, id],
    )
  ).rows[0];
  if (!cur) throw notFound();
  const today = todayInVietnam();
  const next = {
    productCode: patch.productCode ?? cur.productCode,
    lotNumber: patch.lotNumber !== undefined ? normalizeLotNumber(patch.lotNumber) : cur.lotNumber,
    expiryDate: patch.expiryDate !== undefined ? patch.expiryDate : cur.expiryDate,
    dosesReceived: patch.dosesReceived ?? cur.dosesReceived,
    receivedOn: patch.receivedOn !== undefined ? patch.receivedOn : cur.receivedOn,
    source: patch.source !== undefined ? patch.source?.normalize('NFC').trim() || null : cur.source,
  };
  await checkLotFields(q, provinceCode, next, today, id);
  const used = await q.query<{ allocated: number; doses: number }>(
    `SELECT COALESCE((SELECT sum(doses) FROM vaccine_allocation WHERE province_code = $1 AND lot_id = $2 AND parent_id IS NULL), 0)::int AS allocated,
            (SELECT count(*) FROM vaccine_dose WHERE province_code = $1 AND lot_id = $2)::int AS doses`,
    [provinceCode, id],
  );
  if (next.dosesReceived < used.rows[0].allocated) throw fieldError(409, 'dosesReceived', 'below_allocated');
  // Doses already recorded with the lot keep their product: the lot's product is fixed once used.
  if (next.productCode !== cur.productCode && used.rows[0].doses > 0) throw fieldError(409, 'productCode', 'lot_in_use');
  await q.query(
    `UPDATE vaccine_lot SET product_code = $3, lot_number = $4, expiry_date = $5, doses_received = $6, received_on = $7, source = $8 WHERE province_code = $1 AND id = $2`,
    [provinceCode, id, next.productCode, next.lotNumber, next.expiryDate, next.dosesReceived, next.receivedOn, next.source],
  );
  const changed = Object.keys(next).filter((k) => (next as Record<string, unknown>)[k] !== (cur as Record<string, unknown>)[k]);
  await audit(q, req, { action: 'update', entity: 'vaccine_lot', entityId: id, details: { changed } });
  return { lot: (await getLot(q, provinceCode, id))!, warnings: warningsOf(next, today) };
}
