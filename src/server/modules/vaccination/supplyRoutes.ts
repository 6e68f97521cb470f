// Vaccination HTTP: lots, allocations to units and the 7-day rule, campaigns (docs/vaccination.md,
// "Lots, allocations and campaigns"). Reading needs vaccination.read, writing vaccination.manage;
// every query is scoped to the caller's jurisdiction (lots are the province's and not personal).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { scopeOf } from '../units/routes.ts';
import { getUnit } from '../units/store.ts';
import { seedMissingPolicies } from '../policies/missing.ts';
import { SUPPLY_POLICY_DEFINITIONS } from '../../../domain/vaccination/supplyPolicies.ts';
import { DOSE_KINDS, PRIORITY_GROUPS } from '../../../domain/vaccination/types.ts';
import { createLot, listLots, updateLot, type LotInput } from './lots.ts';
import { createAllocation, deleteAllocation, listAllocations, supplySummary, type AllocationInput } from './allocations.ts';
import { createCampaign, getCampaign, listCampaigns, updateCampaign, type CampaignInput } from './campaigns.ts';
import { callerOf, knownProducts, todayInVietnam } from './supplyCommon.ts';

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParam = Type.Object({ id: Id });
const Code = Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' });
const ProductCode = Type.String({ pattern: '^[a-z0-9_]{1,40}$' });
const LotNumber = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
const Doses = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const lit = (xs: readonly string[]) => Type.Union(xs.map((s) => Type.Literal(s)));

const Target = Type.Object(
  {
    minAge: Type.Integer({ minimum: 0, maximum: 120 }),
    maxAge: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 120 }), Type.Null()])),
    doseKind: lit(DOSE_KINDS),
    priorityGroups: Type.Optional(Type.Array(lit(PRIORITY_GROUPS), { maxItems: PRIORITY_GROUPS.length })),
    goalPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false, description: 'Ages (inclusive, on the day), the dose to have, optionally priority groups; goalPct: share of the group aimed at (default 100)' },
);

const routes: FastifyPluginAsync = async (app) => {
  const read = { onRequest: app.requirePermission('vaccination.read') };
  const manage = { onRequest: app.requirePermission('vaccination.manage') };
  // A database made before this part has none of its policies: their defaults are added on start.
  app.addHook('onReady', async () => {
    if (app.db.kind === 'pglite' || app.db.kind === 'postgres') await app.db.tx((q) => seedMissingPolicies(q, SUPPLY_POLICY_DEFINITIONS.map((d) => d.key)));
  });

  app.get(
    '/vaccination/supply/products',
    { ...read, schema: { tags: ['vaccination'], summary: 'Products a lot may be registered for: every product the policy vaccination.products has named up to today' } },
    async (req) => [...(await knownProducts(app.db, req.user!.provinceCode, todayInVietnam())).entries()].map(([code, name]) => ({ code, name })),
  );

  // ---- Lots ----
  app.get(
    '/vaccination/lots',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: "The province's vaccine lots: doses received, allocated to districts, still in stock, administered; days to expiry",
        querystring: Type.Object({ product: Type.Optional(ProductCode), q: Type.Optional(Type.String({ maxLength: 60 })) }),
      },
    },
    async (req) => {
      const f = req.query as { product?: string; q?: string };
      return listLots(app.db, req.user!.provinceCode, { productCode: f.product, search: f.q?.trim() || undefined });
    },
  );

  const LotBody = {
    productCode: ProductCode,
    lotNumber: LotNumber,
    expiryDate: Type.Optional(Type.Union([DateString, Type.Null()])),
    dosesReceived: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    receivedOn: Type.Optional(Type.Union([DateString, Type.Null()])),
    source: Type.Optional(Text(300)),
  };
  app.post(
    '/vaccination/lots',
    {
      ...manage,
      schema: {
        tags: ['vaccination'],
        summary: 'Register a lot received by the province (province staff): 409 duplicate_lot for a product and lot number already registered; an expiry in the past is accepted with a warning',
        body: Type.Object(LotBody, { additionalProperties: false }),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx(async (q) => createLot(q, req, await callerOf(q, req), req.body as LotInput))),
  );

  app.patch(
    '/vaccination/lots/:id',
    {
      ...manage,
      schema: {
        tags: ['vaccination'],
        summary: 'Correct a lot (province staff): doses received never below what is allocated; the product only while no dose uses the lot',
        params: IdParam,
        body: Type.Partial(Type.Object(LotBody), { additionalProperties: false, minProperties: 1 }),
      },
    },
    async (req) => app.db.tx(async (q) => updateLot(q, req, await callerOf(q, req), (req.params as { id: number }).id, req.body as Partial<LotInput>)),
  );

  // ---- Allocations ----
  app.get(
    '/vaccination/allocations',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'Allocations in the jurisdiction (optionally in a unit, of a lot), newest first, each with doses administered, passed on, due date and state (completed, completed_late, open, due_soon, overdue)',
        querystring: Type.Object({ unit: Type.Optional(Code), lot: Type.Optional(Id) }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; lot?: number };
      const caller = await callerOf(app.db, req);
      let unitPath: string | undefined;
      if (f.unit) {
        const u = await getUnit(app.db, scopeOf(req), f.unit);
        if (!u) throw notFound();
        unitPath = u.path;
      }
      return listAllocations(app.db, caller, { unitPath, lotId: f.lot });
    },
  );

  app.get(
    '/vaccination/allocations/summary',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: "A unit's doses allocated against administered over time (cumulative per day), what it passed on, and the warnings of allocations due soon or overdue in it",
        querystring: Type.Object({ unit: Type.Optional(Code), lot: Type.Optional(Id), from: Type.Optional(DateString), to: Type.Optional(DateString) }),
      },
    },
    async (req) => {
      const f = req.query as { unit?: string; lot?: number; from?: string; to?: string };
      const u = await getUnit(app.db, scopeOf(req), f.unit ?? req.user!.unitCode);
      if (!u) throw notFound();
      return supplySummary(app.db, await callerOf(app.db, req), u, { lotId: f.lot, from: f.from, to: f.to });
    },
  );

  app.post(
    '/vaccination/allocations',
    {
      ...manage,
      schema: {
        tags: ['vaccination'],
        summary:
          "Allocate doses of a lot: without parentId from the province's stock to a district (province staff); with parentId, passed on from that allocation to one of its unit's communes. 409 exceeds_lot / exceeds_allocation / lot_expired",
        body: Type.Object(
          { lotId: Id, unitCode: Code, parentId: Type.Optional(Type.Union([Id, Type.Null()])), doses: Doses, deliveredOn: DateString, note: Type.Optional(Text(500)) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx(async (q) => createAllocation(q, req, await callerOf(q, req), req.body as AllocationInput))),
  );

  app.delete(
    '/vaccination/allocations/:id',
    { ...manage, schema: { tags: ['vaccination'], summary: 'Withdraw an allocation entered by mistake (by the giver; 409 once part of it was passed on)', params: IdParam } },
    async (req, reply) => {
      await app.db.tx(async (q) => deleteAllocation(q, req, await callerOf(q, req), (req.params as { id: number }).id));
      return reply.status(204).send();
    },
  );

  // ---- Campaigns ----
  app.get(
    '/vaccination/campaigns',
    { ...read, schema: { tags: ['vaccination'], summary: "Campaigns overlapping the jurisdiction, with progress in the caller's part of them and the projection at the current pace" } },
    async (req) => listCampaigns(app.db, await callerOf(app.db, req)),
  );

  app.get(
    '/vaccination/campaigns/:id',
    {
      ...read,
      schema: {
        tags: ['vaccination'],
        summary: 'A campaign with its progress per day (people of the target group with the dose), the pace of the last N days (policy vaccination.campaign_pace_days) and the projected completion date',
        params: IdParam,
        querystring: Type.Object({ unit: Type.Optional(Code) }),
      },
    },
    async (req) => getCampaign(app.db, await callerOf(app.db, req), (req.params as { id: number }).id, (req.query as { unit?: string }).unit),
  );

  app.post(
    '/vaccination/campaigns',
    {
      ...manage,
      schema: {
        tags: ['vaccination'],
        summary: 'Start a campaign in a unit of the jurisdiction: a target group and a deadline (400 deadline_before_start)',
        body: Type.Object({ name: Type.String({ minLength: 2, maxLength: 200 }), unitCode: Code, target: Target, startsOn: DateString, deadline: DateString, source: Type.Optional(Text(500)) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => reply.status(201).send(await app.db.tx(async (q) => createCampaign(q, req, await callerOf(q, req), req.body as CampaignInput))),
  );

  app.patch(
    '/vaccination/campaigns/:id',
    {
      ...manage,
      schema: {
        tags: ['vaccination'],
        summary: 'Rename, move the deadline or close a campaign (by someone whose jurisdiction holds all of it)',
        params: IdParam,
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })), deadline: Type.Optional(DateString), status: Type.Optional(lit(['active', 'closed'])), source: Type.Optional(Text(500)) },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (req) => app.db.tx(async (q) => updateCampaign(q, req, await callerOf(q, req), (req.params as { id: number }).id, req.body as Parameters<typeof updateCampaign>[4])),
  );
};

export default routes;
