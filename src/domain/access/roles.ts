// Roles and what each may do. A user's role says what; the user's jurisdiction (an admin-unit
// subtree) says where. Both are checked on the server for every request.

export const ROLES = [
  'province_admin',
  'command_staff',
  'district_officer',
  'commune_officer',
  'health_worker',
  'lab_technician',
  'vaccinator',
  'community_team',
  'checkpoint_officer',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'units.read',
  'units.manage',
  'people.search',
  'people.read',
  'people.import',
  'people.merge',
  'policies.read',
  'policies.manage',
  'audit.read',
  'users.manage',
  'cases.read',
  'cases.manage',
  'quarantine.manage',
  'zones.manage',
  'tasks.work',
  'testing.read',
  'testing.plan',
  'testing.collect',
  'testing.lab',
  'testing.lookup',
  'vaccination.read',
  'vaccination.record',
  'vaccination.visit',
  'vaccination.manage',
  'vaccination.import',
  'vaccination.certify',
  'venues.manage',
  'checkins.trace',
  'declarations.read',
  'checkpoints.read',
  'checkpoints.record',
  'levels.read',
  'levels.decide',
  'levels.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyoneReads: Permission[] = ['units.read', 'policies.read', 'levels.read'];
const peopleReaders: Permission[] = [...everyoneReads, 'people.search', 'people.read'];
/** Case investigation, tracing, quarantine orders and zoning. */
const tracing: Permission[] = ['cases.read', 'cases.manage', 'quarantine.manage', 'zones.manage', 'tasks.work', 'people.merge', 'checkins.trace', 'declarations.read'];
/** Venues and their posters, checkpoints and their passages (docs/checkins.md). */
const movement: Permission[] = ['venues.manage', 'checkpoints.read'];
/** Sampling plans, collection and pools, the dashboard, the checkpoint lookup (docs/testing.md). */
const testingPlanners: Permission[] = ['testing.read', 'testing.plan', 'testing.collect', 'testing.lookup'];
/** Doses and adverse events, sweep visits, home vaccination, certificates (docs/vaccination.md). */
const vaccinators: Permission[] = ['vaccination.read', 'vaccination.record', 'vaccination.visit', 'vaccination.certify'];
/** Lots, allocations, campaigns and the national platform's exports. */
const vaccinationManagers: Permission[] = [...vaccinators, 'vaccination.manage', 'vaccination.import'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  province_admin: PERMISSIONS,
  command_staff: [...peopleReaders, 'people.import', 'audit.read', ...tracing, ...testingPlanners, ...vaccinationManagers, ...movement, 'checkpoints.record', 'levels.decide', 'levels.manage'],
  district_officer: [...peopleReaders, 'people.import', 'units.manage', ...tracing, ...testingPlanners, ...vaccinationManagers, ...movement, 'levels.decide', 'levels.manage'],
  commune_officer: [...peopleReaders, 'units.manage', ...tracing, 'testing.read', 'testing.collect', 'testing.lookup', ...vaccinators, 'venues.manage', 'levels.manage'],
  health_worker: [...peopleReaders, 'cases.read', 'cases.manage', 'quarantine.manage', 'tasks.work', 'testing.read', 'testing.collect', ...vaccinators, 'checkins.trace', 'declarations.read'],
  lab_technician: [...peopleReaders, 'cases.read', 'testing.read', 'testing.collect', 'testing.lab'],
  vaccinator: [...peopleReaders, 'tasks.work', ...vaccinationManagers],
  // Community COVID teams work from their task list: call, visit, deliver decisions, daily checks.
  community_team: [...peopleReaders, 'tasks.work', 'vaccination.read', 'vaccination.visit'],
  // At the checkpoint: look up a driver's valid result, or test them (rapid test, swab).
  checkpoint_officer: [...peopleReaders, 'testing.lookup', 'testing.collect', 'vaccination.read', 'checkpoints.read', 'checkpoints.record'],
  viewer: everyoneReads,
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
