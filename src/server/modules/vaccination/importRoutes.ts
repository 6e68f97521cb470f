// Vaccination HTTP: imports of the national platform's dose exports.
import type { FastifyPluginAsync } from 'fastify';

const routes: FastifyPluginAsync = async () => {};

export default routes;
