// The vaccination pages in the menu, each shown to the roles that may use it (src/domain/access/roles.ts).
import type { ComponentType } from 'react';
import type { TFunction } from 'i18next';
import { IconChartPie, IconDoorEnter, IconFileImport, IconHome, IconPackage, IconSpeakerphone, IconTruckDelivery, IconVaccine } from '@tabler/icons-react';

export interface VaccinationNavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  permission: string;
  match: (path: string) => boolean;
}

export function vaccinationNavItems(t: TFunction): VaccinationNavItem[] {
  return [
    { to: '/vaccination', label: t('vaccination.nav.coverage'), icon: IconChartPie, permission: 'vaccination.read', match: (p) => p === '/vaccination' },
    { to: '/vaccination/record', label: t('vaccination.nav.record'), icon: IconVaccine, permission: 'vaccination.record', match: (p) => p.startsWith('/vaccination/record') },
    { to: '/vaccination/sweep', label: t('vaccination.nav.sweep'), icon: IconDoorEnter, permission: 'vaccination.visit', match: (p) => p.startsWith('/vaccination/sweep') },
    { to: '/vaccination/home', label: t('vaccination.nav.home'), icon: IconHome, permission: 'vaccination.read', match: (p) => p.startsWith('/vaccination/home') },
    { to: '/vaccination/lots', label: t('vaccination.nav.lots'), icon: IconPackage, permission: 'vaccination.read', match: (p) => p.startsWith('/vaccination/lots') },
    { to: '/vaccination/allocations', label: t('vaccination.nav.allocations'), icon: IconTruckDelivery, permission: 'vaccination.read', match: (p) => p.startsWith('/vaccination/allocations') },
    { to: '/vaccination/campaigns', label: t('vaccination.nav.campaigns'), icon: IconSpeakerphone, permission: 'vaccination.read', match: (p) => p.startsWith('/vaccination/campaigns') },
    { to: '/vaccination/import', label: t('vaccination.nav.import'), icon: IconFileImport, permission: 'vaccination.import', match: (p) => p.startsWith('/vaccination/import') },
  ];
}
