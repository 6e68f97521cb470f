// Vaccination HTTP: the registry: products in force, doses, adverse events, profiles, a person's record and schedule.
import type { FastifyPluginAsync } from 'fastify';

const routes: FastifyPluginAsync = async () => {};

export default routes;
