// HTTP for vaccination (docs/vaccination.md), one plugin per part of the area, each in its own file.
import type { FastifyPluginAsync } from 'fastify';
import registry from './registryRoutes.ts';
import coverage from './coverageRoutes.ts';
import supply from './supplyRoutes.ts';
import certificates from './certificateRoutes.ts';
import imports from './importRoutes.ts';

const vaccination: FastifyPluginAsync = async (app) => {
  await app.register(registry);
  await app.register(coverage);
  await app.register(supply);
  await app.register(certificates);
  await app.register(imports);
};

export default vaccination;
