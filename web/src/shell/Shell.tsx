// The app shell: header with the language switch and the user, navigation that collapses on phones.
import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAffiliate, IconGauge, IconArrowsExchange, IconBarrierBlock, IconChecklist, IconClipboardList, IconFileImport, IconHomeShield, IconLogout, IconMap2, IconQrcode, IconScale, IconSearch, IconShieldCheck, IconTestPipe, IconTopologyStar3, IconTrafficLights, IconUserCircle, IconUsers, IconVaccine, IconVirus } from '@tabler/icons-react';
import { useEffect, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useAuth, useMe } from '../auth/auth.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { testingNavItems } from '../testing/nav.ts';
import { vaccinationNavItems } from '../vaccination/nav.ts';
import { movementNavItems } from '../checkins/nav.ts';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  permission: string;
  match: (path: string) => boolean;
  /** A group of pages (shown as one item when the role sees only one of them). */
  children?: NavItem[];
}

export function Shell() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  useEffect(close, [location.pathname, close]);

  const items: NavItem[] = [
    { to: `/units/${me.unitCode}`, label: t('nav.map'), icon: IconMap2, permission: 'units.read', match: (p) => p === '/' || p.startsWith('/units') },
    { to: '/dashboard', label: t('dashboard.nav'), icon: IconGauge, permission: 'levels.read', match: (p) => p.startsWith('/dashboard') },
    { to: '/levels', label: t('levels.nav'), icon: IconTrafficLights, permission: 'levels.read', match: (p) => p.startsWith('/levels') },
    { to: '/people', label: t('nav.search'), icon: IconSearch, permission: 'people.search', match: (p) => p.startsWith('/people') },
    { to: '/cases', label: t('nav.cases'), icon: IconVirus, permission: 'cases.read', match: (p) => p.startsWith('/cases') && !p.startsWith('/cases/graph') && !p.startsWith('/cases/clusters') },
    { to: '/cases/graph', label: t('nav.graph'), icon: IconTopologyStar3, permission: 'cases.read', match: (p) => p.startsWith('/cases/graph') },
    { to: '/cases/clusters', label: t('nav.clusters'), icon: IconAffiliate, permission: 'cases.read', match: (p) => p.startsWith('/cases/clusters') },
    { to: '/tasks', label: t('nav.tasks'), icon: IconChecklist, permission: 'tasks.work', match: (p) => p.startsWith('/tasks') },
    { to: '/handovers', label: t('handover.nav'), icon: IconArrowsExchange, permission: 'cases.manage', match: (p) => p.startsWith('/handovers') },
    { to: '/quarantine', label: t('nav.quarantine'), icon: IconHomeShield, permission: 'cases.read', match: (p) => p.startsWith('/quarantine') },
    { to: '/zones', label: t('nav.zones'), icon: IconBarrierBlock, permission: 'cases.read', match: (p) => p.startsWith('/zones') },
    { to: '/testing', label: t('testing.nav.group'), icon: IconTestPipe, permission: '', match: (p) => p.startsWith('/testing'), children: testingNavItems(t) },
    { to: '/vaccination', label: t('vaccination.nav.group'), icon: IconVaccine, permission: '', match: (p) => p.startsWith('/vaccination'), children: vaccinationNavItems(t) },
    { to: '/venues', label: t('movement.nav.group'), icon: IconQrcode, permission: '', match: (p) => ['/venues', '/exposures', '/declarations', '/checkpoints'].some((x) => p.startsWith(x)), children: movementNavItems(t) },
    { to: '/imports', label: t('nav.import'), icon: IconFileImport, permission: 'people.import', match: (p) => p.startsWith('/imports') },
    { to: '/policies', label: t('nav.policies'), icon: IconScale, permission: 'policies.read', match: (p) => p.startsWith('/policies') },
    { to: '/audit', label: t('nav.audit'), icon: IconClipboardList, permission: 'audit.read', match: (p) => p.startsWith('/audit') },
    { to: '/users', label: t('nav.users'), icon: IconUsers, permission: 'users.manage', match: (p) => p.startsWith('/users') },
  ];
  const allowed = (i: NavItem) => me.permissions.includes(i.permission);
  const visible = items
    .map((i) => (i.children ? { ...i, children: i.children.filter(allowed) } : i))
    .flatMap((i) => (!i.children ? (allowed(i) ? [i] : []) : i.children.length > 1 ? [i] : i.children));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={{ base: 'sm', sm: 'md' }}>
      <AppShell.Header>
        <Group h="100%" px="sm" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.menu')} />
            <UnstyledButton component={Link} to="/" aria-label={t('app.name')}>
              <Group gap={6} wrap="nowrap">
                <IconShieldCheck size={26} color="var(--mantine-color-red-7)" aria-hidden />
                <Text fw={700} size="lg">
                  {t('app.name')}
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={me.fullName} data-testid="user-menu">
                  <Group gap={6} wrap="nowrap">
                    <IconUserCircle size={26} aria-hidden />
                    <div style={{ lineHeight: 1.1 }}>
                      <Text size="sm" fw={600} visibleFrom="md">
                        {me.fullName}
                      </Text>
                      <Text size="xs" c="dimmed" visibleFrom="md">
                        {t(`roles.${me.role}`, { defaultValue: me.role })} · {me.unitName}
                      </Text>
                    </div>
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.fullName} ({me.username})
                  <br />
                  {t(`roles.${me.role}`, { defaultValue: me.role })} · {me.unitName}
                </Menu.Label>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void logout()}>
                  {t('app.logout')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="navigation">
        <AppShell.Section grow component={ScrollArea}>
          {visible.map((i) =>
            i.children ? (
              <NavLink key={i.to} label={i.label} leftSection={<i.icon size={20} />} defaultOpened={i.match(location.pathname)} childrenOffset={16} style={{ borderRadius: 8 }} mb={4}>
                {i.children.map((c) => (
                  <NavLink key={c.to} component={Link} to={c.to} label={c.label} leftSection={<c.icon size={18} />} active={c.match(location.pathname)} variant="filled" style={{ borderRadius: 8 }} mb={2} />
                ))}
              </NavLink>
            ) : (
              <NavLink key={i.to} component={Link} to={i.to} label={i.label} leftSection={<i.icon size={20} />} active={i.match(location.pathname)} variant="filled" style={{ borderRadius: 8 }} mb={4} />
            ),
          )}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="xs" py={4}>
            {me.fullName} ({me.username})
            <br />
            {me.unitName}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
