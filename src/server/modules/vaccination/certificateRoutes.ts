// Vaccination HTTP: certificates, their signing keys and the public verification.
import type { FastifyPluginAsync } from 'fastify';

const routes: FastifyPluginAsync = async () => {};

export default routes;
