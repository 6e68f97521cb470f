import { describe, expect, it } from 'vitest';
import { can, isRole, ROLES } from './roles.ts';
import { isWithin, likePrefix } from './jurisdiction.ts';

describe('roles', () => {
  it('has the ten roles the province needs', () => {
    expect(ROLES).toHaveLength(10);
    expect(isRole('commune_officer')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
  it('only administrators manage policies and users', () => {
    expect(can('province_admin', 'policies.manage')).toBe(true);
    expect(can('province_admin', 'users.manage')).toBe(true);
    for (const r of ROLES.filter((r) => r !== 'province_admin')) {
      expect(can(r, 'policies.manage')).toBe(false);
      expect(can(r, 'users.manage')).toBe(false);
    }
  });
  it('viewers see aggregates but no person', () => {
    expect(can('viewer', 'units.read')).toBe(true);
    expect(can('viewer', 'people.read')).toBe(false);
    expect(can('viewer', 'people.search')).toBe(false);
  });
});

describe('jurisdiction', () => {
  it('contains its own subtree only', () => {
    expect(isWithin('20/178/', '20/178/05971/')).toBe(true);
    expect(isWithin('20/178/05971/', '20/178/05971/v01/')).toBe(true);
    expect(isWithin('20/178/05971/', '20/178/05974/')).toBe(false);
    expect(isWithin('20/17/', '20/178/05971/')).toBe(false);
    expect(isWithin('20/', '38/380/')).toBe(false);
  });
  it('escapes LIKE wildcards', () => {
    expect(likePrefix('20/1_8/')).toBe('20/1\\_8/%');
  });
});
