// HTTP for the command dashboard, the daily report and the public page (docs/dashboard.md).
//   GET /api/dashboard?unit=&date=&days=      headline figures, curve, children with the map's layers, level changes
//   GET /api/public/situation?unit=&date=     no login: levels of the province's units and headline figures (aggregates only)
//   GET /api/public/map?unit=                 no login: the children's simplified boundaries (no figures)
//   …/reports (reports/routes.ts, registered here)
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { scopeOf } from '../units/routes.ts';
import { todayInVietnam } from '../imports/service.ts';
import { drawnBoundaries } from '../units/drawing.ts';
import type { Scope } from '../units/store.ts';
import { checkDay, dashboard, headline, unitInScope, children } from './service.ts';
import { policyOn } from '../policies/service.ts';
import { DEFAULT_SMALL_NUMBERS, below, disclose, discloseRate, discloseSiblings, type SmallNumbersPolicy } from '../../../domain/levels/disclosure.ts';

export { checkDay };
import reports from '../reports/routes.ts';

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });

/** The province the public page shows: the only one, or the configured demo province. */
async function publicScope(app: Parameters<FastifyPluginAsync>[0]): Promise<Scope | null> {
  const r = await app.db.query<{ province_code: string; path: string }>(
    `SELECT province_code, path FROM admin_unit WHERE level = 'province' ORDER BY (province_code = $1) DESC, province_code LIMIT 1`,
    [app.config.demoProvince],
  );
  return r.rows[0] ? { provinceCode: r.rows[0].province_code, path: r.rows[0].path } : null;
}

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('levels.read') };

  app.get(
    '/dashboard',
    {
      ...read,
      schema: {
        tags: ['dashboard'],
        summary:
          "The command dashboard of a unit (default: the caller's jurisdiction) on a date: headline figures with the day, the 7 days and the 7 days before; the epidemic curve by report and onset date; the children with level, cases per 100,000, coverage and positivity; units whose official level changed in the 7 days",
        querystring: Type.Object({ unit: Type.Optional(Code), date: Type.Optional(DateString), days: Type.Optional(Type.Integer({ minimum: 7, maximum: 120 })) }),
      },
    },
    async (req) => {
      const qs = req.query as { unit?: string; date?: string; days?: number };
      const today = todayInVietnam();
      const day = checkDay(qs.date, today);
      const scope = scopeOf(req);
      return app.db.tx(async (q) => {
        const unit = await unitInScope(q, scope, qs.unit);
        if (!unit) throw notFound();
        return dashboard(q, scope, unit, day, today, qs.days ?? 30);
      });
    },
  );

  // ---- Public, no login: aggregates only ----
  const publicCfg = { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } };
  app.get(
    '/public/situation',
    {
      ...publicCfg,
      schema: {
        tags: ['dashboard'],
        summary:
          'Public, no login: the official level of a unit of the province and of its children, and its headline figures (counts only, no personal data). In communes and villages (policy public.small_numbers) a count from 1 to 4 is the text "< 5" (a sibling may be "≥ 5"), and a rate made from it is null',
        querystring: Type.Object({ unit: Type.Optional(Code), date: Type.Optional(DateString) }),
      },
    },
    async (req, reply) => {
      const qs = req.query as { unit?: string; date?: string };
      const today = todayInVietnam();
      const day = checkDay(qs.date, today);
      const scope = await publicScope(app);
      if (!scope) throw notFound();
      const body = await app.db.tx(async (q) => {
        const unit = await unitInScope(q, scope, qs.unit);
        if (!unit || unit.level === 'village') throw notFound();
        const kids = await children(q, scope, unit, day, today);
        const h = await headline(q, scope.provinceCode, unit, day);
        // Small numbers (policy public.small_numbers): counts 1–4 of a commune shown as "< 5", and the rates made from them hidden.
        const small = (await policyOn<SmallNumbersPolicy>(q, scope.provinceCode, 'public.small_numbers', day)) ?? { value: DEFAULT_SMALL_NUMBERS, version: 0, effectiveFrom: null };
        const p = small.value;
        const fig = (f: { day: number; week: number; prevWeek: number }) => ({ day: disclose(f.day, unit.level, p), week: disclose(f.week, unit.level, p), prevWeek: disclose(f.prevWeek, unit.level, p) });
        const rate = (k: 'day' | 'week' | 'prevWeek') => discloseRate(h.positivity[k], h.positive[k], unit.level, p);
        const rows = kids?.children ?? [];
        const sib = discloseSiblings(rows.map((c) => c.communityCases), rows.map((c) => c.unitLevel), p);
        const lvl = (r: { official: { level: number; effectiveAt: string } | null; pending: { level: number; effectiveAt: string } | null; proposed: number | null }) => ({
          level: r.official?.level ?? null,
          since: r.official?.effectiveAt ?? null,
          announced: r.pending ? { level: r.pending.level, effectiveAt: r.pending.effectiveAt } : null,
        });
        return {
          date: day,
          unit: { code: unit.code, name: unit.name, unitLevel: unit.level, parentCode: unit.parentCode, population: unit.population, ...(kids ? lvl(kids.self) : { level: null, since: null, announced: null }) },
          headline: {
            communityCases: fig(h.communityCases),
            quarantineCases: fig(h.quarantineCases),
            severeCases: fig(h.severeCases),
            deaths: fig(h.deaths),
            tests: fig(h.tests),
            positivity: { day: rate('day'), week: rate('week'), prevWeek: rate('prevWeek') },
            doses: fig(h.doses),
            coverage: h.coverage,
          },
          children: rows.map((c, i) => ({
            code: c.code,
            name: c.name,
            unitLevel: c.unitLevel,
            population: c.population,
            communityCases: sib.values[i],
            casesPer100k: sib.hidden[i] ? null : c.casesPer100k,
            coverageFirstDose18Pct: c.coverageFirstDose18Pct,
            ...lvl(c),
          })),
          smallNumbers: { threshold: p.threshold, unitLevels: p.unitLevels, policyVersion: small.version, below: below(p) },
        };
      });
      return reply.header('cache-control', 'public, max-age=60').send(body);
    },
  );

  app.get(
    '/public/map',
    {
      ...publicCfg,
      schema: { tags: ['dashboard'], summary: "Public, no login: the simplified boundaries of a unit's children (or its own outline)", querystring: Type.Object({ unit: Type.Optional(Code) }) },
    },
    async (req, reply) => {
      const scope = await publicScope(app);
      if (!scope) throw notFound();
      const unit = await unitInScope(app.db, scope, (req.query as { unit?: string }).unit);
      if (!unit || unit.level === 'village') throw notFound();
      const shapes = await drawnBoundaries(app.db, scope, unit.code);
      const kids = await app.db.query<{ code: string; name: string; level: string; population: number }>(`SELECT code, name, level, population FROM admin_unit WHERE province_code = $1 AND parent_code = $2`, [scope.provinceCode, unit.code]);
      const byCode = new Map(kids.rows.map((k) => [k.code, k]));
      const features = shapes.filter((s) => byCode.has(s.code)).map((s) => ({ type: 'Feature' as const, id: s.code, geometry: s.geometry, properties: { code: s.code, name: byCode.get(s.code)!.name, level: byCode.get(s.code)!.level, population: Number(byCode.get(s.code)!.population), bbox: s.bbox } }));
      let outline = null;
      if (!features.length) {
        const [own] = await drawnBoundaries(app.db, scope, unit.code, true);
        if (own) outline = { type: 'Feature' as const, id: own.code, geometry: own.geometry, properties: { code: unit.code, name: unit.name, level: unit.level, population: unit.population, bbox: own.bbox } };
      }
      return reply.header('cache-control', 'public, max-age=300').send({ type: 'FeatureCollection', unit: { code: unit.code, name: unit.name, level: unit.level, parentCode: unit.parentCode }, outline, features });
    },
  );

  await app.register(reports);
};

export default routes;
