// Every area's HTTP module, registered under /api. Add one line per area.
import type { FastifyPluginAsync } from 'fastify';
import auth from './auth/routes.ts';
import units from './units/routes.ts';
import people from './people/routes.ts';
import policies from './policies/routes.ts';
import auditLog from './audit/routes.ts';
import users from './users/routes.ts';
import imports from './imports/routes.ts';
import cases from './cases/routes.ts';
import testing from './testing/routes.ts';
import vaccination from './vaccination/routes.ts';
import checkins from './checkins/routes.ts';
import checkpoints from './checkpoints/routes.ts';
import levels from './levels/routes.ts';
import dashboard from './dashboard/routes.ts';

export const modules: FastifyPluginAsync[] = [auth, units, people, policies, auditLog, users, imports, cases, testing, vaccination, checkins, checkpoints, levels, dashboard];
