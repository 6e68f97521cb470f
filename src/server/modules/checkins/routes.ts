// HTTP for venues, QR check-ins and exposure matching (docs/checkins.md).
import type { FastifyPluginAsync } from 'fastify';

const checkins: FastifyPluginAsync = async () => {};

export default checkins;
