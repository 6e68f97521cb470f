// Vaccination HTTP: coverage by unit, age group and dose; sweep lists and visits; home vaccination.
import type { FastifyPluginAsync } from 'fastify';

const routes: FastifyPluginAsync = async () => {};

export default routes;
