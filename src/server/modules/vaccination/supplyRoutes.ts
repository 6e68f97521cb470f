// Vaccination HTTP: lots, allocations to units and the 7-day rule, campaigns.
import type { FastifyPluginAsync } from 'fastify';

const routes: FastifyPluginAsync = async () => {};

export default routes;
