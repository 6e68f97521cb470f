// The testing pages in the menu, each shown to the roles that may use it (src/domain/access/roles.ts).
import type { ComponentType } from 'react';
import type { TFunction } from 'i18next';
import { IconBarcode, IconChartBar, IconFlask, IconId, IconListDetails, IconTestPipe2 } from '@tabler/icons-react';

export const TESTING_PERMISSIONS = {
  read: 'testing.read',
  plan: 'testing.plan',
  collect: 'testing.collect',
  lab: 'testing.lab',
  rapid: 'testing.collect',
  lookup: 'testing.lookup',
} as const;

export interface TestingNavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  permission: string;
  match: (path: string) => boolean;
}

export function testingNavItems(t: TFunction): TestingNavItem[] {
  const P = TESTING_PERMISSIONS;
  return [
    { to: '/testing', label: t('testing.nav.dashboard'), icon: IconChartBar, permission: P.read, match: (p) => p === '/testing' },
    { to: '/testing/plans', label: t('testing.nav.plans'), icon: IconListDetails, permission: P.read, match: (p) => p.startsWith('/testing/plans') },
    { to: '/testing/collect', label: t('testing.nav.collect'), icon: IconBarcode, permission: P.collect, match: (p) => p.startsWith('/testing/collect') },
    { to: '/testing/lab', label: t('testing.nav.lab'), icon: IconFlask, permission: P.lab, match: (p) => p.startsWith('/testing/lab') },
    { to: '/testing/rapid', label: t('testing.nav.rapid'), icon: IconTestPipe2, permission: P.rapid, match: (p) => p.startsWith('/testing/rapid') },
    { to: '/testing/lookup', label: t('testing.nav.lookup'), icon: IconId, permission: P.lookup, match: (p) => p.startsWith('/testing/lookup') },
  ];
}
