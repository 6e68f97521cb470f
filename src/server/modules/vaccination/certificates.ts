// Vaccination certificates (docs/vaccination.md, "Certificates"): issued for a person of the
// caller's jurisdiction from the doses in the registry, signed with the province's key, kept in
// vaccination_certificate (payload: the signed claims and the code itself, so a reprint carries
// the very same QR), listed per person, printed.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import { getPerson, type PersonRow } from '../people/store.ts';
import type { Scope } from '../units/store.ts';
import { todayInVietnam } from '../imports/service.ts';
import type { DoseKind, ProductPolicy } from '../../../domain/vaccination/types.ts';
import { fromClaims, seriesStatus, signCertificate, sortDoses, toClaims, verificationUrl, type CertificateContent } from '../../../domain/vaccination/certificate.ts';
import { fullyVaccinatedOn } from '../../../domain/vaccination/schedule.ts';
import { loadVaccinationPolicies } from './policies.ts';
import { publishKey, type SigningKey } from './signingKey.ts';

export interface CertificateSummary {
  id: number;
  personId: number;
  kid: string;
  issuedAt: string;
  issuedBy: string | null;
  revokedAt: string | null;
  status: CertificateContent['status'];
  doses: number;
}

export interface CertificateDetail extends CertificateSummary {
  code: string;
  url: string;
  content: CertificateContent;
}

/** A dose as the printed certificate shows it (lot and place are on paper only, not in the QR). */
export interface PrintedDose {
  kind: DoseKind;
  productCode: string;
  productName: string;
  date: string;
  lotNumber: string | null;
  siteName: string | null;
}

interface StoredPayload {
  claims: Record<string, unknown>;
  jws: string;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/** Products of the policy in force: name and primary series length by code. */
async function productsOn(q: Queryable, provinceCode: string, date: string): Promise<Map<string, ProductPolicy>> {
  const p = await policyOn<{ products?: ProductPolicy[] } | ProductPolicy[]>(q, provinceCode, 'vaccination.products', date);
  const list = Array.isArray(p?.value) ? p.value : (p?.value?.products ?? []);
  return new Map(list.map((x) => [x.code, x]));
}

export async function personDoses(q: Queryable, provinceCode: string, personId: number): Promise<PrintedDose[]> {
  const r = await q.query<{ kind: DoseKind; productCode: string; date: string | Date; lotNumber: string | null; siteName: string | null }>(
    `SELECT d.dose_kind AS kind, d.product_code AS "productCode", to_char(d.given_on, 'YYYY-MM-DD') AS date, l.lot_number AS "lotNumber",
            coalesce(d.site_name, s.name) AS "siteName"
       FROM vaccine_dose d
       LEFT JOIN vaccine_lot l ON l.province_code = d.province_code AND l.id = d.lot_id
       LEFT JOIN admin_unit s ON s.province_code = d.province_code AND s.code = d.site_unit_code
      WHERE d.province_code = $1 AND d.person_id = $2`,
    [provinceCode, personId],
  );
  const products = await productsOn(q, provinceCode, todayInVietnam());
  return sortDoses(r.rows.map((d) => ({ ...d, date: String(d.date), productName: products.get(d.productCode)?.name ?? d.productCode })));
}

async function provinceName(q: Queryable, provinceCode: string): Promise<string> {
  const r = await q.query<{ name: string }>('SELECT name FROM province WHERE province_code = $1', [provinceCode]);
  return r.rows[0]?.name ?? provinceCode;
}

/**
 * Issues a certificate: the person must be in the caller's jurisdiction (null otherwise) and have
 * at least one dose (409 no_doses). Audited as the creation of the certificate.
 */
export async function issueCertificate(
  q: Queryable,
  req: FastifyRequest,
  scope: Scope,
  personId: number,
  opts: { signingKey: SigningKey; baseUrl: string; now?: Date },
): Promise<CertificateDetail | null> {
  const person = await getPerson(q, scope, personId);
  if (!person) return null; // the caller audits it outside the transaction, which is then rolled back
  const doses = await personDoses(q, scope.provinceCode, personId);
  if (doses.length === 0) {
    throw new AppError(409, 'conflict', [{ field: 'personId', code: 'no_doses', message: 'Người này chưa có mũi tiêm nào trong sổ tiêm chủng, chưa cấp được giấy chứng nhận / This person has no dose in the registry yet: no certificate can be issued' }]);
  }
  const now = opts.now ?? new Date();
  const policies = await loadVaccinationPolicies(q, scope.provinceCode, todayInVietnam(now));
  const sk = opts.signingKey;
  await publishKey(q, scope.provinceCode, sk);
  const row = await q.query<{ id: string | number }>(
    `INSERT INTO vaccination_certificate (province_code, person_id, kid, payload, issued_at, issued_by) VALUES ($1, $2, $3, '{}'::jsonb, $4, $5) RETURNING id`,
    [scope.provinceCode, personId, sk.kid, now.toISOString(), req.user?.id ?? null],
  );
  const id = Number(row.rows[0].id);
  const content: CertificateContent = {
    version: 1,
    id,
    issuerCode: scope.provinceCode,
    issuerName: await provinceName(q, scope.provinceCode),
    fullName: person.fullName.normalize('NFC'),
    birthDate: person.birthDate ? String(person.birthDate).slice(0, 10) : null,
    doses: doses.map((d) => ({ productCode: d.productCode, productName: d.productName, date: d.date, kind: d.kind })),
    // The schedule engine's rule for a complete series (series length of the first product, mixing).
    status: seriesStatus(doses, fullyVaccinatedOn(doses.map((d) => ({ kind: d.kind, productCode: d.productCode, givenOn: d.date })), policies.products) != null),
    issuedAt: Math.floor(now.getTime() / 1000),
  };
  const code = await signCertificate(content, sk);
  const payload: StoredPayload = { claims: toClaims(content), jws: code };
  await q.query('UPDATE vaccination_certificate SET payload = $3 WHERE province_code = $1 AND id = $2', [scope.provinceCode, id, JSON.stringify(payload)]);
  await audit(q, req, { action: 'create', entity: 'vaccination_certificate', entityId: id, details: { personId, kid: sk.kid, doses: doses.length, status: content.status } });
  return {
    id,
    personId,
    kid: sk.kid,
    issuedAt: now.toISOString(),
    issuedBy: req.user?.username ?? null,
    revokedAt: null,
    status: content.status,
    doses: content.doses.length,
    code,
    url: verificationUrl(opts.baseUrl, code),
    content,
  };
}

interface CertRow {
  id: string | number;
  personId: string | number;
  kid: string;
  issuedAt: Date | string;
  issuedBy: string | null;
  revokedAt: Date | string | null;
  payload: StoredPayload | string;
}

const CERT_COLS = `c.id, c.person_id AS "personId", c.kid, c.issued_at AS "issuedAt", u.username AS "issuedBy", c.revoked_at AS "revokedAt", c.payload`;
const CERT_JOINS = `JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
  LEFT JOIN app_user u ON u.province_code = c.province_code AND u.id = c.issued_by`;

function detailOf(r: CertRow, baseUrl: string): CertificateDetail {
  const payload = typeof r.payload === 'string' ? (JSON.parse(r.payload) as StoredPayload) : r.payload;
  const read = fromClaims(payload.claims);
  if (!read.ok) throw new Error(`certificate ${r.id}: stored claims unreadable (${read.reason})`);
  return {
    id: Number(r.id),
    personId: Number(r.personId),
    kid: r.kid,
    issuedAt: iso(r.issuedAt),
    issuedBy: r.issuedBy,
    revokedAt: r.revokedAt == null ? null : iso(r.revokedAt),
    status: read.content.status,
    doses: read.content.doses.length,
    code: payload.jws,
    url: verificationUrl(baseUrl, payload.jws),
    content: read.content,
  };
}

/** The person's certificates, newest first (person in jurisdiction, else null). */
export async function listCertificates(q: Queryable, scope: Scope, personId: number): Promise<CertificateSummary[] | null> {
  const person = await getPerson(q, scope, personId);
  if (!person) return null;
  const r = await q.query<CertRow>(
    `SELECT ${CERT_COLS} FROM vaccination_certificate c ${CERT_JOINS}
      WHERE c.province_code = $1 AND c.person_id = $2 AND p.unit_path LIKE $3 || '%' ORDER BY c.issued_at DESC, c.id DESC LIMIT 100`,
    [scope.provinceCode, personId, scope.path],
  );
  return r.rows.map((x) => {
    const { code: _code, url: _url, content: _content, ...summary } = detailOf(x, '');
    return summary;
  });
}

/** One certificate of a person in the caller's jurisdiction, with the person, or null. */
export async function getCertificate(q: Queryable, scope: Scope, id: number, baseUrl: string): Promise<{ certificate: CertificateDetail; person: PersonRow } | null> {
  const r = await q.query<CertRow>(
    `SELECT ${CERT_COLS} FROM vaccination_certificate c ${CERT_JOINS}
      WHERE c.province_code = $1 AND c.id = $2 AND p.unit_path LIKE $3 || '%'`,
    [scope.provinceCode, id, scope.path],
  );
  if (!r.rows[0]) return null;
  const certificate = detailOf(r.rows[0], baseUrl);
  const person = await getPerson(q, scope, certificate.personId);
  return person ? { certificate, person } : null;
}

/** Revokes a certificate (issued in error, or for the wrong person): it is then listed as revoked. */
export async function revokeCertificate(q: Queryable, req: FastifyRequest, scope: Scope, id: number, reason: string): Promise<{ id: number; revokedAt: string }> {
  const r = await q.query<{ id: string | number; revokedAt: Date | string; was: Date | string | null }>(
    `UPDATE vaccination_certificate c SET revoked_at = coalesce(c.revoked_at, now())
       FROM person p
      WHERE c.province_code = $1 AND c.id = $2 AND p.province_code = c.province_code AND p.id = c.person_id AND p.unit_path LIKE $3 || '%'
      RETURNING c.id, c.revoked_at AS "revokedAt"`,
    [scope.provinceCode, id, scope.path],
  );
  if (!r.rows[0]) throw notFound();
  await audit(q, req, { action: 'update', entity: 'vaccination_certificate', entityId: id, details: { revoked: true, reason } });
  return { id, revokedAt: iso(r.rows[0].revokedAt) };
}

/** Numbers of revoked certificates by province (published with the keys: no personal data). */
export async function revokedIds(q: Queryable): Promise<Map<string, number[]>> {
  const r = await q.query<{ provinceCode: string; id: string | number }>(
    `SELECT province_code AS "provinceCode", id FROM vaccination_certificate WHERE revoked_at IS NOT NULL ORDER BY province_code, id`,
  );
  const m = new Map<string, number[]>();
  for (const x of r.rows) m.set(x.provinceCode, [...(m.get(x.provinceCode) ?? []), Number(x.id)]);
  return m;
}
