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
  'policies.read',
  'policies.manage',
  'audit.read',
  'users.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyoneReads: Permission[] = ['units.read', 'policies.read'];
const peopleReaders: Permission[] = [...everyoneReads, 'people.search', 'people.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  province_admin: PERMISSIONS,
  command_staff: [...peopleReaders, 'people.import', 'audit.read'],
  district_officer: [...peopleReaders, 'people.import', 'units.manage'],
  commune_officer: [...peopleReaders, 'units.manage'],
  health_worker: peopleReaders,
  lab_technician: peopleReaders,
  vaccinator: peopleReaders,
  community_team: peopleReaders,
  checkpoint_officer: peopleReaders,
  viewer: everyoneReads,
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
