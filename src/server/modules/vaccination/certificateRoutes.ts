// Vaccination HTTP: certificates, their signing keys and the public verification.
//   POST /api/vaccination/people/:id/certificates   issue (vaccination.certify, audited)
//   GET  /api/vaccination/people/:id/certificates   the person's certificates (audited read)
//   GET  /api/vaccination/certificates/:id          one, with its code and link (audited read)
//   GET  /api/vaccination/certificates/:id/pdf      the printable A4 certificate (audited export)
//   POST /api/vaccination/certificates/:id/revoke   revoke one issued in error (vaccination.manage)
//   GET  /api/public/certificate-keys               the provinces' public keys and revoked numbers (no login)
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { scopeOf } from '../units/routes.ts';
import { getCertificate, issueCertificate, listCertificates, personDoses, revokeCertificate, revokedIds } from './certificates.ts';
import { renderCertificatePdf } from './certificatePdf.ts';
import { loadSigningKey, publishKey, publishedKeys, type SigningKey } from './signingKey.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });

const routes: FastifyPluginAsync = async (app) => {
  const realDb = app.db.kind === 'pglite' || app.db.kind === 'postgres'; // not for the OpenAPI generator
  let keyPromise: Promise<SigningKey> | null = null;
  const signingKey = () => {
    if (!keyPromise) {
      keyPromise = loadSigningKey(app.config, app.log);
      keyPromise.catch(() => (keyPromise = null));
    }
    return keyPromise;
  };
  /** Every province in the database has the key published (a demo province made later gets it on first use). */
  const publishAll = async () => {
    const sk = await signingKey();
    await app.db.tx(async (q) => {
      const provinces = await q.query<{ code: string }>('SELECT province_code AS code FROM province');
      for (const p of provinces.rows) await publishKey(q, p.code, sk);
    });
  };
  let published: Promise<void> | null = null;
  const ensurePublished = () => {
    if (!published) {
      published = publishAll();
      published.catch(() => (published = null));
    }
    return published;
  };

  // A misconfigured key stops the start with a clear message, rather than the first certificate.
  app.addHook('onReady', async () => {
    if (!realDb) return;
    const sk = await signingKey();
    app.log.info({ kid: sk.kid, alg: sk.alg, source: sk.source.kind }, 'certificate signing key loaded');
    await ensurePublished();
  });

  const baseUrl = (req: FastifyRequest) => app.config.publicUrl ?? `${req.protocol}://${req.host}`;

  app.post(
    '/vaccination/people/:id/certificates',
    {
      onRequest: app.requirePermission('vaccination.certify'),
      schema: {
        tags: ['vaccination'],
        summary:
          "Issues a signed vaccination certificate for a person of the caller's jurisdiction from the doses in the registry; 409 no_doses when the person has none. The code is a JWS (ES256) verifiable offline with the published key",
        params: IdParam,
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const sk = await signingKey();
      const cert = await app.db.tx((q) => issueCertificate(q, req, scopeOf(req), id, { signingKey: sk, baseUrl: baseUrl(req) }));
      if (!cert) {
        await audit(app.db, req, { action: 'create', entity: 'vaccination_certificate', entityId: null, outcome: 'not_found', details: { personId: id } });
        throw notFound();
      }
      return reply.status(201).send(cert);
    },
  );

  app.get(
    '/vaccination/people/:id/certificates',
    { onRequest: app.requirePermission('vaccination.read'), schema: { tags: ['vaccination'], summary: "A person's certificates, newest first, and how many doses the registry has for them", params: IdParam } },
    async (req) => {
      const { id } = req.params as { id: number };
      const scope = scopeOf(req);
      const list = await listCertificates(app.db, scope, id);
      await audit(app.db, req, { action: 'read', entity: 'vaccination_certificate', entityId: null, outcome: list ? 'ok' : 'not_found', details: { personId: id } });
      if (!list) throw notFound();
      const doses = await personDoses(app.db, scope.provinceCode, id);
      return { certificates: list, doses: doses.length };
    },
  );

  app.get(
    '/vaccination/certificates/:id',
    { onRequest: app.requirePermission('vaccination.read'), schema: { tags: ['vaccination'], summary: 'One certificate with its signed code and verification link', params: IdParam } },
    async (req) => {
      const { id } = req.params as { id: number };
      const found = await getCertificate(app.db, scopeOf(req), id, baseUrl(req));
      await audit(app.db, req, { action: 'read', entity: 'vaccination_certificate', entityId: id, outcome: found ? 'ok' : 'not_found' });
      if (!found) throw notFound();
      return found.certificate;
    },
  );

  app.get(
    '/vaccination/certificates/:id/pdf',
    { onRequest: app.requirePermission('vaccination.read'), schema: { tags: ['vaccination'], summary: 'The printable A4 certificate (Vietnamese, with English subtitles) with its QR code', params: IdParam } },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      const scope = scopeOf(req);
      const found = await getCertificate(app.db, scope, id, baseUrl(req));
      await audit(app.db, req, { action: 'export', entity: 'vaccination_certificate', entityId: id, outcome: found ? 'ok' : 'not_found', details: { format: 'pdf' } });
      if (!found) throw notFound();
      const { certificate: c, person } = found;
      // Lot and place come from the registry; the doses themselves are the ones signed.
      const registry = await personDoses(app.db, scope.provinceCode, c.personId);
      const keyRow = await app.db.query<{ algorithm: string }>('SELECT algorithm FROM certificate_key WHERE province_code = $1 AND kid = $2', [scope.provinceCode, c.kid]);
      const pdf = await renderCertificatePdf({
        number: c.id,
        provinceName: c.content.issuerName,
        issuedAt: c.issuedAt,
        kid: c.kid,
        alg: keyRow.rows[0]?.algorithm ?? 'ES256',
        url: c.url,
        verifyAddress: c.url.slice(0, c.url.indexOf('#')),
        status: c.content.status,
        revoked: c.revokedAt != null,
        person: {
          fullName: c.content.fullName,
          birthDate: c.content.birthDate,
          sex: person.sex,
          address: [person.address, person.villageName, person.communeName].filter(Boolean).join(', ') || null,
        },
        doses: c.content.doses.map((d) => {
          const r = registry.find((x) => x.kind === d.kind && x.date === d.date);
          return { ...d, lotNumber: r?.lotNumber ?? null, siteName: r?.siteName ?? null };
        }),
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="giay-chung-nhan-tiem-chung-${c.id}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  app.post(
    '/vaccination/certificates/:id/revoke',
    {
      onRequest: app.requirePermission('vaccination.manage'),
      schema: {
        tags: ['vaccination'],
        summary: 'Revokes a certificate issued in error: its number is published with the keys, and the verification page then shows it revoked',
        params: IdParam,
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const { reason } = req.body as { reason: string };
      return app.db.tx((q) => revokeCertificate(q, req, scopeOf(req), id, reason.trim()));
    },
  );

  app.get(
    '/public/certificate-keys',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['vaccination'],
        summary:
          "Public, no login: every province's certificate signing keys (JWK with kid; retired ones still verify what they signed) and the numbers of revoked certificates. The verification page keeps them for offline checks",
      },
    },
    async (_req, reply) => {
      if (realDb) await ensurePublished();
      const [keys, revoked] = await Promise.all([publishedKeys(app.db), revokedIds(app.db)]);
      return reply.header('cache-control', 'public, max-age=300').send({ keys, revoked: Object.fromEntries(revoked), fetchedAt: new Date().toISOString() });
    },
  );
};

export default routes;
