// Venues, check-ins, declarations and checkpoints in the menu, each shown to the roles that may use it.
import type { ComponentType } from 'react';
import type { TFunction } from 'i18next';
import { IconBuildingStore, IconFileDescription, IconRoadSign, IconUsersGroup } from '@tabler/icons-react';

export interface MovementNavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  permission: string;
  match: (path: string) => boolean;
}

export function movementNavItems(t: TFunction): MovementNavItem[] {
  return [
    { to: '/venues', label: t('movement.nav.venues'), icon: IconBuildingStore, permission: 'venues.manage', match: (p) => p.startsWith('/venues') },
    { to: '/exposures', label: t('movement.nav.exposures'), icon: IconUsersGroup, permission: 'checkins.trace', match: (p) => p.startsWith('/exposures') },
    { to: '/declarations', label: t('movement.nav.declarations'), icon: IconFileDescription, permission: 'declarations.read', match: (p) => p.startsWith('/declarations') },
    { to: '/checkpoints', label: t('movement.nav.checkpoints'), icon: IconRoadSign, permission: 'checkpoints.read', match: (p) => p.startsWith('/checkpoints') },
  ];
}
