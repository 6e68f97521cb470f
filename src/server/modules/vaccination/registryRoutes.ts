// Vaccination HTTP: the registry: products in force, doses, adverse events, profiles, a person's record and schedule.
import type { FastifyPluginAsync } from 'fastify';
import { seedMissingPolicies } from '../policies/missing.ts';
import { VACCINATION_POLICY_KEYS } from './policies.ts';

const routes: FastifyPluginAsync = async (app) => {
  // A database made before the vaccination area has none of its policies: their defaults are added.
  app.addHook('onReady', async () => {
    if (app.db.kind === 'pglite' || app.db.kind === 'postgres') await app.db.tx((q) => seedMissingPolicies(q, [...VACCINATION_POLICY_KEYS]));
  });
};

export default routes;
