// HTTP for epidemic levels: daily facts, computed levels with their explanation, decisions (docs/levels.md).
import type { FastifyPluginAsync } from 'fastify';

const levels: FastifyPluginAsync = async () => {};

export default levels;
