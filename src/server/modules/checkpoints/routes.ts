// HTTP for health declarations and the province's checkpoints (docs/checkins.md).
import type { FastifyPluginAsync } from 'fastify';

const checkpoints: FastifyPluginAsync = async () => {};

export default checkpoints;
