// Builds the Fastify app: shared plugins first, then one plugin per area module.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import AjvCompiler from '@fastify/ajv-compiler';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from './db/index.ts';
import type { Config } from './config.ts';
import { installErrorHandler } from './errors.ts';
import authPlugin from './plugins/auth.ts';
import metricsPlugin from './plugins/metrics.ts';
import { modules } from './modules/index.ts';

export interface AppOptions {
  db: Db;
  config: Config;
  logger?: boolean | object;
  webDir?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

/** A hop count becomes the function Fastify's types expect: trust the nearest N proxies. */
function trustProxyOption(v: boolean | number | string): FastifyServerOptions['trustProxy'] {
  return typeof v === 'number' ? (_address: string, hop: number) => hop < v : v;
}

/**
 * Query strings, params and headers are text, so their values are coerced to the schema's types.
 * JSON bodies already carry types and are not coerced: coercion would turn a `null` sent for a
 * `number | null` field into 0 (a Ct of 0, a chosen sample size of 0) or `""`.
 */
function validatorCompiler() {
  const pool = AjvCompiler();
  const common = { removeAdditional: false, allErrors: true };
  const body = pool({}, { customOptions: { ...common, coerceTypes: false } });
  const text = pool({}, { customOptions: { ...common, coerceTypes: 'array' } });
  return (route: { schema: object; method: string; url: string; httpPart?: string }) => (route.httpPart === 'body' ? body : text)(route);
}

export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const serverOptions: FastifyServerOptions = {
    logger: opts.logger ?? (process.env.TEST_LOG ? { level: 'error' } : false),
    bodyLimit: 1024 * 1024,
    // Only behind a reverse proxy may X-Forwarded-For be believed (it keys the login rate limit).
    trustProxy: trustProxyOption(opts.config.trustProxy),
  };
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  app.decorate('db', opts.db);
  app.decorate('config', opts.config);
  installErrorHandler(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'chongdich API', version: '0.1.0', description: 'Chống dịch — provincial epidemic command platform' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'cd_sid' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(metricsPlugin);
  await app.register(authPlugin);

  for (const m of modules) await app.register(m, { prefix: '/api' });

  const webDir = opts.webDir ?? resolve('dist/web');
  if (existsSync(join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
    // Client-side routes fall back to the app shell; unknown API paths and missing files stay 404 JSON.
    app.get('/*', { schema: { hide: true } }, (req, reply) =>
      req.url.startsWith('/api/') || /\.[a-z0-9]+$/i.test(req.url.split('?')[0]) ? reply.callNotFound() : reply.type('text/html').sendFile('index.html'),
    );
  }
  return app;
}
