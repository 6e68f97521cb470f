// HTTP for venues, QR check-ins and exposure matching (docs/checkins.md).
// Public (no account): venue registration, the check-in itself, a venue's name for the check-in
// page, the personal QR and card, "was I exposed?". Staff: venues (venues.manage), who was where
// and exposure suggestions (checkins.trace), each scoped to the user's jurisdiction and audited.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Permission } from '../../../domain/access/roles.ts';
import { scopeOf } from '../units/routes.ts';
import { getCase } from '../cases/store.ts';
import { seedMissingPolicies } from '../policies/missing.ts';
import { CHECKIN_POLICY_DEFINITIONS } from '../../../domain/checkins/policies.ts';
import { parseIdentity, type Identity } from '../../../domain/checkins/identity.ts';
import { checkAt, vnDay } from '../../../domain/checkins/time.ts';
import { VENUE_KINDS, checkinUrl, parseVenueCode, type VenueKind } from '../../../domain/checkins/venue.ts';
import { decodePersonalQr, encodePersonalQr } from '../../../domain/checkins/personalQr.ts';
import { normalizePhone, validateCccd } from '../../../domain/people/normalize.ts';
import { fieldError } from '../testing/common.ts';
import { Ingest } from './ingest.ts';
import { MinuteCounter } from './minuteCounter.ts';
import { ensureCurrentPartitions, purgeExpired } from './partitions.ts';
import { VenueCache, decideVenue, getVenue, hashKey, listVenues, registerVenue, type Decision, type VenueRegistration } from './venues.ts';
import { renderCard, renderPoster, qrSvg } from './posterPdf.ts';
import { acceptSuggestion, listSuggestions, refreshCase, refreshStale, rejectSuggestion, type AcceptInput } from './exposures.ts';
import { ownExposure, requestCode } from './citizen.ts';
import type { Queryable } from '../../db/index.ts';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

export async function seedMissingCheckinPolicies(q: Queryable) {
  await seedMissingPolicies(q, [...CHECKIN_POLICY_DEFINITIONS.map((d) => d.key), 'checkins.retention_days']);
}

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Province = Type.String({ pattern: '^[0-9]{2}$' });
const ClientKey = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Text = (min: number, max: number) => Type.String({ minLength: min, maxLength: max });
const Opt = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Reason = Type.String({ minLength: 3, maxLength: 1000 });
const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }));
const VenueKindSchema = Type.Union(VENUE_KINDS.map((k) => Type.Literal(k)));
const IdentityBody = { fullName: Text(1, 200), phone: Opt(Type.String({ maxLength: 30 })), cccd: Opt(Type.String({ maxLength: 30 })) };
const ProximitySchema = Type.Union(['physical', 'within_2m', 'same_closed_space', 'care_without_ppe', 'farther'].map((s) => Type.Literal(s)));


function identityOrThrow(input: { fullName?: string | null; phone?: string | null; cccd?: string | null }): Identity {
  const r = parseIdentity(input);
  if (!r.ok) throw badRequest(r.errors);
  return r.value;
}

/**
 * The headers @fastify/helmet sets on every response with this app's options (src/server/app.ts),
 * written once here for the check-in route: the plugin builds its middleware again on every request
 * (a tenth of the server's CPU per check-in when profiled). test/api/checkins.test.ts checks that
 * they stay the same as on the other routes.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'none';img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';connect-src 'self';worker-src 'self' blob:",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const sendPdf = (reply: FastifyReply, pdf: Buffer, name: string) =>
  reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`).header('cache-control', 'no-store').send(pdf);

const routes: FastifyPluginAsync = async (app) => {
  const need = (p: Permission) => ({ onRequest: app.requirePermission(p) });
  const manage = need('venues.manage');
  const trace = need('checkins.trace');
  /** Check-ins per client address per minute (carrier NAT puts many phones behind one address: generous). */
  const PER_ADDRESS = Number(process.env.CHECKIN_MAX_PER_ADDRESS ?? 600);
  /** Check-ins per identity per minute (a phone replaying, a script): anything above is refused. */
  const PER_SUBJECT = Number(process.env.CHECKIN_MAX_PER_IDENTITY ?? 10);
  const ingest = new Ingest(app.db);
  const venues = new VenueCache();
  // Per process, in fixed memory (the address limit of @fastify/rate-limit is the outer guard).
  const perSubject = new MinuteCounter(PER_SUBJECT);
  const baseUrl = (req: FastifyRequest) => (app.config as { publicUrl?: string }).publicUrl ?? `${req.protocol}://${req.host}`;
  let timer: NodeJS.Timeout | null = null;
  let lastPurgeDay: string | null = null;
  const live = app.db.kind === 'pglite' || app.db.kind === 'postgres'; // not for the OpenAPI generator

  /** Hourly: partitions ahead; once a day: the retention purge. */
  const maintain = async () => {
    try {
      await ensureCurrentPartitions(app.db);
      const today = vnDay(new Date());
      if (lastPurgeDay !== today && process.env.CHECKIN_PURGE !== 'off') {
        const r = await purgeExpired(app.db);
        lastPurgeDay = today;
        if (r.droppedPartitions.length || r.deletedRows) app.log.info({ purge: r }, 'check-in retention purge');
      }
    } catch (err) {
      app.log.error({ err }, 'check-in maintenance failed');
    }
  };
  app.addHook('onReady', async () => {
    if (!live) return;
    await app.db.tx((q) => seedMissingCheckinPolicies(q));
    await ensureCurrentPartitions(app.db);
    void maintain();
    timer = setInterval(() => void maintain(), 3_600_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await ingest.close();
  });

  async function approvedVenue(raw: string, field = 'venueCode') {
    const c = parseVenueCode(raw);
    if (!c) throw fieldError(400, field, 'invalid');
    const v = await venues.get(app.db, c.provinceCode, c.code);
    if (!v || v.status === 'pending' || v.status === 'rejected') throw fieldError(404, field, 'unknown_venue');
    if (v.status === 'revoked') throw new AppError(410, 'venue_revoked', [{ field, code: 'revoked' }]);
    return v;
  }

  // ---- Public: venue registration ----
  app.get('/venues/public/provinces', { schema: { tags: ['checkins'], summary: 'Provinces of this deployment (for the public venue form)' } }, async () => ({
    items: (await app.db.query<{ code: string; name: string }>(`SELECT province_code AS code, name FROM province ORDER BY name`)).rows,
  }));

  app.get(
    '/venues/public/units',
    { schema: { tags: ['checkins'], summary: 'Districts and communes of a province (admin units are public), for the venue form', querystring: Type.Object({ province: Province }) } },
    async (req) => {
      const { province } = req.query as { province: string };
      const r = await app.db.query<{ code: string; name: string; level: string; parentCode: string | null }>(
        `SELECT code, name, level, parent_code AS "parentCode" FROM admin_unit WHERE province_code = $1 AND level IN ('district', 'commune') ORDER BY level DESC, name`,
        [province],
      );
      if (!r.rows.length) throw notFound();
      return { items: r.rows };
    },
  );

  app.post(
    '/venues/register',
    {
      bodyLimit: 16 * 1024,
      config: { rateLimit: { max: 10, timeWindow: '10 minutes', hook: 'preHandler' } },
      schema: {
        tags: ['checkins'],
        summary: 'A business or office registers a venue (no account; rate limited per address); it waits for approval by the commune or district. Idempotent by requestId',
        body: Type.Object(
          {
            provinceCode: Province,
            name: Text(1, 200),
            kind: VenueKindSchema,
            address: Text(1, 300),
            communeCode: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }),
            ownerName: Text(1, 200),
            ownerPhone: Type.String({ maxLength: 30 }),
            ownerEmail: Opt(Type.String({ maxLength: 200 })),
            requestId: ClientKey,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const res = await app.db.tx((q) => registerVenue(q, req, req.body as VenueRegistration));
      return reply.status(res.replayed ? 200 : 201).send(res);
    },
  );

  // ---- Staff: venues ----
  app.get(
    '/venues',
    {
      ...manage,
      schema: {
        tags: ['checkins'],
        summary: 'Venues of the jurisdiction (pending first)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union(['pending', 'approved', 'rejected', 'revoked'].map((s) => Type.Literal(s)))),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Limit(500, 100),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
      },
    },
    async (req) => {
      const f = req.query as { status?: string; q?: string; limit?: number; offset?: number };
      const res = await listVenues(app.db, scopeOf(req), { status: f.status, q: f.q?.trim() || undefined, limit: f.limit ?? 100, offset: f.offset ?? 0 });
      const ids = res.items.map((v) => v.id);
      const counts = ids.length
        ? await app.db.query<{ id: number; n: number }>(
            `SELECT venue_id AS id, count(*)::int AS n FROM checkin.visit WHERE province_code = $1 AND venue_id = ANY($2::bigint[]) AND at >= now() - interval '1 day' GROUP BY venue_id`,
            [scopeOf(req).provinceCode, ids],
          )
        : { rows: [] };
      const n = new Map(counts.rows.map((r) => [Number(r.id), r.n]));
      // Owners' contacts are personal data.
      await audit(app.db, req, { action: 'search', entity: 'venue', details: { status: f.status ?? null, results: res.items.length } });
      return { ...res, items: res.items.map((v) => ({ ...v, checkinsLastDay: n.get(v.id) ?? 0, url: checkinUrl(baseUrl(req), v.code) })) };
    },
  );

  app.get('/venues/:id', { ...manage, schema: { tags: ['checkins'], summary: 'A venue', params: IdParam } }, async (req) => {
    const { id } = req.params as { id: number };
    const v = await getVenue(app.db, scopeOf(req), id);
    await audit(app.db, req, { action: 'read', entity: 'venue', entityId: id, outcome: v ? 'ok' : 'not_found' });
    if (!v) throw notFound();
    return { ...v, url: checkinUrl(baseUrl(req), v.code) };
  });

  for (const [path, decision, summary] of [
    ['approve', 'approve', 'Approve a pending (or revoked) venue: its QR works from now on. Returns the venue staff’s scanner key, shown once'],
    ['reject', 'reject', 'Reject a pending venue, with the reason'],
    ['revoke', 'revoke', 'Revoke an approved venue (closed, fake): its QR stops working, with the reason'],
    ['staff-key', 'rotate_key', 'A new scanner key for the venue’s staff (the old link stops working); shown once'],
  ] as const) {
    app.post(
      `/venues/:id/${path}`,
      {
        ...manage,
        schema: {
          tags: ['checkins'],
          summary,
          params: IdParam,
          body: Type.Optional(Type.Object({ reason: Type.Optional(Type.Union([Reason, Type.Null()])) }, { additionalProperties: false })),
        },
      },
      async (req) => {
        const { id } = req.params as { id: number };
        const reason = (req.body as { reason?: string | null } | undefined)?.reason ?? null;
        const res = await app.db.tx((q) => decideVenue(q, req, scopeOf(req), id, decision as Decision, reason));
        venues.drop(res.venue.code);
        return {
          venue: { ...res.venue, url: checkinUrl(baseUrl(req), res.venue.code) },
          staffKey: res.staffKey,
          staffUrl: res.staffKey ? `${baseUrl(req)}/ci/scan.html?v=${res.venue.code}#k=${res.staffKey}` : null,
        };
      },
    );
  }

  app.get('/venues/:id/poster.pdf', { ...manage, schema: { tags: ['checkins'], summary: 'The A4 QR poster of an approved venue (PDF, Vietnamese, 5K reminders)', params: IdParam } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const scope = scopeOf(req);
    const v = await getVenue(app.db, scope, id);
    if (!v) throw notFound();
    if (v.status !== 'approved') throw new AppError(409, 'invalid_state', [{ field: 'status', code: v.status }]);
    const province = (await app.db.query<{ name: string }>(`SELECT name FROM province WHERE province_code = $1`, [scope.provinceCode])).rows[0]?.name ?? '';
    const pdf = await renderPoster({ name: v.name, kind: v.kind, address: v.address, communeName: v.communeName, districtName: v.districtName, provinceName: province, code: v.code, url: checkinUrl(baseUrl(req), v.code) });
    return sendPdf(reply, pdf, `ma-qr-${v.code}`);
  });

  app.get(
    '/venues/:id/checkins',
    {
      ...trace,
      schema: {
        tags: ['checkins'],
        summary: 'Who was at a venue of the jurisdiction in a period (tracing staff only; audited)',
        params: IdParam,
        querystring: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }), limit: Limit(5000, 1000) }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const f = req.query as { from: string; to: string; limit?: number };
      if (Date.parse(f.to) <= Date.parse(f.from)) throw fieldError(400, 'to', 'before_from');
      if (Date.parse(f.to) - Date.parse(f.from) > 2 * 86_400_000) throw fieldError(400, 'to', 'range_too_long', '48h');
      const scope = scopeOf(req);
      const v = await getVenue(app.db, scope, id);
      await audit(app.db, req, { action: 'read', entity: 'venue_checkins', entityId: id, outcome: v ? 'ok' : 'not_found', details: { from: f.from, to: f.to } });
      if (!v) throw notFound();
      const r = await app.db.query<{ at: Date; fullName: string; phone: string | null; cccd: string | null; method: string }>(
        `SELECT at, full_name AS "fullName", phone, cccd, method FROM checkin.visit WHERE province_code = $1 AND venue_id = $2 AND at >= $3 AND at < $4 ORDER BY at LIMIT $5`,
        [scope.provinceCode, id, f.from, f.to, f.limit ?? 1000],
      );
      return { venue: { id: v.id, name: v.name, address: v.address }, items: r.rows.map((x) => ({ ...x, at: new Date(x.at).toISOString() })) };
    },
  );

  // ---- Public: the QR reader of the venue staff's scanner page, for browsers without their own (iPhone, desktops) ----
  // About 250 KB as published, 60 KB gzipped (made once): a phone on a slow line fetches the smaller one.
  let jsqr: Promise<{ plain: Buffer; gzip: Buffer }> | null = null;
  app.get('/checkins/scanner/jsqr.js', { schema: { hide: true } }, async (req, reply) => {
    jsqr ??= readFile(createRequire(import.meta.url).resolve('jsqr')).then(
      (plain) => ({ plain, gzip: gzipSync(plain, { level: 9 }) }),
      (e) => {
        jsqr = null;
        throw e;
      },
    );
    const js = await jsqr;
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').header('vary', 'accept-encoding');
    return gz ? reply.header('content-encoding', 'gzip').send(js.gzip) : reply.send(js.plain);
  });

  // ---- Public: check-in ----
  app.get(
    '/checkins/venue/:code',
    { config: { rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: ['checkins'], summary: 'The venue of a scanned code (name and address for the check-in page)', params: Type.Object({ code: Type.String({ maxLength: 40 }) }) } },
    async (req) => {
      const v = await approvedVenue((req.params as { code: string }).code, 'code');
      return { code: v.code, name: v.name, kind: v.kind, address: v.address, communeName: v.communeName };
    },
  );

  app.post(
    '/checkins',
    {
      bodyLimit: 4 * 1024,
      config: { rateLimit: { max: PER_ADDRESS, timeWindow: '1 minute', hook: 'preHandler' } },
      // The same security headers as everywhere, set from a constant instead of by the plugin on each request.
      helmet: false,
      onRequest: async (_req, reply) => void reply.headers(SECURITY_HEADERS),
      schema: {
        tags: ['checkins'],
        summary:
          'A check-in at an approved venue, by the citizen (identity typed once, remembered on the phone) or by the venue staff scanning the citizen’s personal QR (staffKey + personalQr). Answered after commit; a retry with the same clientKey and time is stored once (200, replayed)',
        body: Type.Object(
          {
            venueCode: Type.String({ maxLength: 40 }),
            clientKey: ClientKey,
            at: Type.Optional(Type.String({ maxLength: 40 })),
            fullName: Opt(Type.String({ maxLength: 200 })),
            phone: Opt(Type.String({ maxLength: 30 })),
            cccd: Opt(Type.String({ maxLength: 30 })),
            staffKey: Opt(Type.String({ maxLength: 100 })),
            personalQr: Opt(Type.String({ maxLength: 600 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body as { venueCode: string; clientKey: string; at?: string; fullName?: string | null; phone?: string | null; cccd?: string | null; staffKey?: string | null; personalQr?: string | null };
      const now = new Date();
      const at = checkAt(b.at, now);
      if (!at.ok) throw fieldError(400, 'at', at.code);
      const v = await approvedVenue(b.venueCode);
      let id: Identity;
      let method: 'self_scan' | 'staff_scan' = 'self_scan';
      if (b.personalQr != null) {
        if (!b.staffKey || !v.staffKeyHash || hashKey(b.staffKey) !== v.staffKeyHash) throw new AppError(403, 'forbidden', [{ field: 'staffKey', code: 'invalid' }]);
        const d = decodePersonalQr(b.personalQr);
        if (!d) throw fieldError(400, 'personalQr', 'invalid');
        id = d;
        method = 'staff_scan';
      } else id = identityOrThrow(b);
      if (!perSubject.hit(`${v.provinceCode}|${id.subject}`)) throw new AppError(429, 'rate_limited', [{ field: 'identity', code: 'too_many_checkins' }]);
      const stored = await ingest.add({ provinceCode: v.provinceCode, at: at.at, venueId: v.id, subject: id.subject, fullName: id.fullName, phone: id.phone, cccd: id.cccd, method, clientKey: b.clientKey });
      return reply.status(stored ? 201 : 200).send({ venue: { name: v.name, address: v.address }, at: at.at.toISOString(), fullName: id.fullName, replayed: !stored });
    },
  );

  app.post(
    '/checkins/personal-qr',
    {
      bodyLimit: 4 * 1024,
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags: ['checkins'], summary: 'A citizen’s personal QR (SVG and its text) for venue staff to scan; nothing is stored', body: Type.Object(IdentityBody, { additionalProperties: false }) },
    },
    async (req) => {
      const id = identityOrThrow(req.body as { fullName: string });
      const text = encodePersonalQr(id);
      return { text, svg: await qrSvg(text), fullName: id.fullName };
    },
  );

  app.post(
    '/checkins/personal-card',
    {
      bodyLimit: 4 * 1024,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['checkins'],
        summary: 'A printable personal QR card (PDF, two copies) for someone without a smartphone; nothing is stored',
        body: Type.Object({ ...IdentityBody, provinceCode: Type.Optional(Province) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const b = req.body as { fullName: string; provinceCode?: string };
      const id = identityOrThrow(b);
      const province = b.provinceCode ? (await app.db.query<{ name: string }>(`SELECT name FROM province WHERE province_code = $1`, [b.provinceCode])).rows[0]?.name ?? null : null;
      return sendPdf(reply, await renderCard({ fullName: id.fullName, phone: id.phone, cccd: id.cccd, qrText: encodePersonalQr(id), provinceName: province }), 'the-qr-ca-nhan');
    },
  );

  // ---- Public: was I exposed? ----
  app.post(
    '/checkins/self/code',
    {
      bodyLimit: 2 * 1024,
      config: { rateLimit: { max: 5, timeWindow: '10 minutes', hook: 'preHandler' } },
      schema: { tags: ['checkins'], summary: 'Sends a one-time code to the phone (in this build: into the message outbox) to see one’s own check-ins', body: Type.Object({ provinceCode: Province, phone: Type.String({ maxLength: 30 }) }, { additionalProperties: false }) },
    },
    async (req, reply) => {
      const b = req.body as { provinceCode: string; phone: string };
      const known = await app.db.query(`SELECT 1 FROM province WHERE province_code = $1`, [b.provinceCode]);
      if (!known.rows.length) throw fieldError(404, 'provinceCode', 'unknown_province');
      return reply.status(202).send(await app.db.tx((q) => requestCode(q, req, b.provinceCode, b.phone)));
    },
  );

  app.post(
    '/checkins/self/exposure',
    {
      bodyLimit: 2 * 1024,
      config: { rateLimit: { max: 10, timeWindow: '10 minutes', hook: 'preHandler' } },
      schema: {
        tags: ['checkins'],
        summary: 'One’s own check-ins of the retention period with the one-time code, each marked when a confirmed case was at the venue within the window (never who)',
        body: Type.Object({ provinceCode: Province, phone: Type.String({ maxLength: 30 }), code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const b = req.body as { provinceCode: string; phone: string; code: string };
      const res = await app.db.tx((q) => ownExposure(q, req, b.provinceCode, b.phone, b.code));
      if (!res) throw fieldError(400, 'code', 'code_invalid');
      return res;
    },
  );

  app.get(
    '/checkins/outbox',
    {
      ...need('users.manage'),
      schema: {
        tags: ['checkins'],
        summary: 'Messages the platform would have sent (SMS) — this build has no gateway; administrators read them here (docs/checkins.md)',
        querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 30 })), limit: Limit(200, 50) }),
      },
    },
    async (req) => {
      const f = req.query as { phone?: string; limit?: number };
      const phone = f.phone ? normalizePhone(f.phone) : null;
      if (f.phone && !phone) throw fieldError(400, 'phone', 'invalid');
      const scope = scopeOf(req);
      const r = await app.db.query<{ id: number; recipient: string; purpose: string; body: string; createdAt: Date }>(
        `SELECT id, recipient, purpose, body, created_at AS "createdAt" FROM message_outbox WHERE province_code = $1 AND ($2::text IS NULL OR recipient = $2) ORDER BY id DESC LIMIT $3`,
        [scope.provinceCode, phone, f.limit ?? 50],
      );
      await audit(app.db, req, { action: 'read', entity: 'message_outbox', details: { results: r.rows.length } });
      return { items: r.rows.map((m) => ({ ...m, id: Number(m.id), createdAt: new Date(m.createdAt).toISOString() })) };
    },
  );

  // ---- Tracing ----
  app.get(
    '/checkins/search',
    {
      ...trace,
      schema: {
        tags: ['checkins'],
        summary: 'Where one person (phone or CCCD) checked in, at venues of the jurisdiction, in the retention period (audited)',
        querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 30 })), cccd: Type.Optional(Type.String({ maxLength: 30 })), limit: Limit(1000, 200) }),
      },
    },
    async (req) => {
      const f = req.query as { phone?: string; cccd?: string; limit?: number };
      if ((f.phone == null) === (f.cccd == null)) throw badRequest([{ field: 'phone', code: 'phone_or_cccd' }]);
      let subject: string;
      if (f.phone != null) {
        const p = normalizePhone(f.phone);
        if (!p) throw fieldError(400, 'phone', 'invalid');
        subject = 'p' + p;
      } else {
        const c = validateCccd(f.cccd!);
        if (!c.ok) throw fieldError(400, 'cccd', 'invalid');
        subject = 'c' + c.value;
      }
      const scope = scopeOf(req);
      const r = await app.db.query<{ at: Date; fullName: string; venueId: number; venueName: string; venueAddress: string }>(
        `SELECT c.at, c.full_name AS "fullName", c.venue_id AS "venueId", v.name AS "venueName", v.address AS "venueAddress"
           FROM checkin.visit c JOIN venue v ON v.province_code = c.province_code AND v.id = c.venue_id
          WHERE c.province_code = $1 AND c.subject = $2 AND v.unit_path LIKE $3 || '%' ORDER BY c.at DESC LIMIT $4`,
        [scope.provinceCode, subject, scope.path, f.limit ?? 200],
      );
      await audit(app.db, req, { action: 'search', entity: 'checkins', entityId: subject.slice(0, 1) + '…' + subject.slice(-3), details: { results: r.rows.length } });
      return { items: r.rows.map((x) => ({ ...x, venueId: Number(x.venueId), at: new Date(x.at).toISOString() })) };
    },
  );

  app.get(
    '/checkins/cases/:id/exposures',
    { ...trace, schema: { tags: ['checkins'], summary: 'Suggested contacts of a case from its check-ins (matched now), with those already decided (audited)', params: IdParam } },
    async (req) => {
      const { id } = req.params as { id: number };
      const scope = scopeOf(req);
      const c = await getCase(app.db, scope, id);
      await audit(app.db, req, { action: 'read', entity: 'exposure_suggestion', entityId: id, outcome: c ? 'ok' : 'not_found', details: { caseId: id } });
      if (!c) throw notFound();
      const match = await app.db.tx((q) => refreshCase(q, scope.provinceCode, c));
      return { match, items: await listSuggestions(app.db, scope, { caseId: id, limit: 1000 }) };
    },
  );

  app.get(
    '/checkins/exposures',
    {
      ...trace,
      schema: {
        tags: ['checkins'],
        summary: 'Suggested contacts of the open cases of the jurisdiction (cases matched again when their last match is older than 5 minutes; audited)',
        querystring: Type.Object({ status: Type.Optional(Type.Union(['suggested', 'accepted', 'rejected'].map((s) => Type.Literal(s)))), limit: Limit(2000, 500) }),
      },
    },
    async (req) => {
      const f = req.query as { status?: string; limit?: number };
      const scope = scopeOf(req);
      const refreshed = await refreshStale(app.db, scope);
      const items = await listSuggestions(app.db, scope, { status: f.status ?? 'suggested', limit: f.limit ?? 500 });
      await audit(app.db, req, { action: 'search', entity: 'exposure_suggestion', details: { status: f.status ?? 'suggested', results: items.length, refreshed } });
      return { items, refreshed };
    },
  );

  app.post(
    '/checkins/exposures/:id/accept',
    {
      onRequest: [app.requirePermission('checkins.trace'), app.requirePermission('cases.manage')],
      schema: {
        tags: ['checkins'],
        summary: 'Accept a suggestion: the person becomes a contact (F1) of the case, source check-in (the F1 definition is checked with the proximity given); someone not in the registry is added in the commune given',
        params: IdParam,
        body: Type.Optional(
          Type.Object(
            {
              proximity: Type.Optional(ProximitySchema),
              masked: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
              durationMinutes: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100000 }), Type.Null()])),
              unitCode: Opt(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' })),
              birthDate: Opt(Type.String({ maxLength: 20 })),
              sex: Type.Optional(Type.Union([Type.Literal('M'), Type.Literal('F'), Type.Null()])),
              confirmNew: Type.Optional(Type.Boolean()),
              note: Opt(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx((q) => acceptSuggestion(q, req, scopeOf(req), id, (req.body ?? {}) as AcceptInput));
    },
  );

  app.post(
    '/checkins/exposures/:id/reject',
    { ...trace, schema: { tags: ['checkins'], summary: 'Reject a suggestion with the reason (not the same place, other entrance, staff behind glass…)', params: IdParam, body: Type.Object({ reason: Reason }, { additionalProperties: false }) } },
    async (req) => {
      const { id } = req.params as { id: number };
      return app.db.tx((q) => rejectSuggestion(q, req, scopeOf(req), id, (req.body as { reason: string }).reason));
    },
  );

  app.post('/checkins/purge', { ...need('policies.manage'), schema: { tags: ['checkins'], summary: 'Run the retention purge now (it also runs daily): day partitions older than the retention are dropped' } }, async (req) => {
    const r = await purgeExpired(app.db);
    await audit(app.db, req, { action: 'delete', entity: 'checkins', details: { dropped: r.droppedPartitions.length, deletedRows: r.deletedRows } });
    return r;
  });
};

export default routes;
