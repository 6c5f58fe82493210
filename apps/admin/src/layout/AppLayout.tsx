import { Anchor, AppShell, Burger, Group, Menu, NativeSelect, NavLink, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import type { Me } from '@mtr/api-contracts';
import { messageOf } from '../api/problem';
import { canReadCandidacies, canReadIndicators, isCopil, isPlatformStaff, ROLE_LABELS } from '../auth/access';
import { useAuth, useMe } from '../auth/AuthProvider';
import { useStructures } from '../pages/structures-query';

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

const CURRENT_KEY = 'mtr2.structure';

/** The structure a member works in: remembered per tab, defaulting to their first. */
export function useCurrentStructure(me: Me): [string | null, (id: string) => void] {
  const ids = me.memberships.map((m) => m.structureId);
  const [current, setCurrent] = useState<string | null>(() => {
    const saved = sessionStorage.getItem(CURRENT_KEY);
    return saved && ids.includes(saved) ? saved : (ids[0] ?? null);
  });
  const choose = (id: string) => {
    sessionStorage.setItem(CURRENT_KEY, id);
    setCurrent(id);
  };
  return [current && ids.includes(current) ? current : (ids[0] ?? null), choose];
}

/** The navigation, from the user's roles and (for members) the structure they work in. */
export function navigationFor(me: Me, structureId: string | null): NavItem[] {
  const items: NavItem[] = [];
  if (isPlatformStaff(me) || isCopil(me)) items.push({ to: '/structures', label: 'Structures', end: true });
  if (canReadCandidacies(me)) items.push({ to: '/candidatures', label: 'Candidatures' }, { to: '/donnees-de-reference', label: 'Données de référence INSEE' });
  if (canReadIndicators(me)) items.push({ to: '/indicateurs', label: 'Indicateurs COPIL' });
  if (isPlatformStaff(me))
    items.push({ to: '/calculs', label: 'Calculs du mois' }, { to: '/tarifs', label: 'Grille tarifaire' }, { to: '/regularisations', label: 'Régularisation du taux de fuite' });
  if (structureId && !isPlatformStaff(me)) {
    items.push(
      { to: `/structures/${structureId}`, label: 'Ma structure et ses praticiens', end: true },
      { to: `/structures/${structureId}/audit`, label: 'Questionnaire d’audit' },
      { to: `/structures/${structureId}/patientele`, label: 'Patientèle' },
      { to: `/structures/${structureId}/releves`, label: 'Relevés mensuels' },
      { to: `/structures/${structureId}/sauvegarde`, label: 'Clause de sauvegarde' },
      { to: `/structures/${structureId}/manque-a-gagner`, label: 'Manque à gagner' },
    );
    if (me.memberships.find((m) => m.structureId === structureId)?.role === 'coordinator')
      items.push({ to: `/structures/${structureId}/simulation`, label: 'Simulation financière' }, { to: `/structures/${structureId}/sortie`, label: 'Préavis de sortie' });
    if (me.memberships.length > 1) items.push({ to: '/structures', label: 'Toutes mes structures', end: true });
  }
  return items;
}

function StructureSwitcher({ me, current, onChange }: { me: Me; current: string | null; onChange(id: string): void }) {
  const { data } = useStructures();
  if (me.memberships.length < 2 || !current) return null;
  const name = (id: string) => data?.find((s) => s.id === id)?.name ?? 'Structure';
  return (
    <NativeSelect
      label="Structure"
      size="xs"
      value={current}
      onChange={(e) => onChange(e.currentTarget.value)}
      data={me.memberships.map((m) => ({ value: m.structureId, label: name(m.structureId) }))}
      w={{ base: 160, sm: 240 }}
    />
  );
}

function UserMenu({ me }: { me: Me }) {
  const { signOut, signOutEverywhere } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const role = me.platformRole ? ROLE_LABELS[me.platformRole] : me.memberships.map((m) => ROLE_LABELS[m.role]).filter((v, i, a) => a.indexOf(v) === i).join(', ');
  return (
    <Group gap="xs">
      {error && (
        <Text c="red.9" size="sm" role="alert">
          {error}
        </Text>
      )}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label={`Compte de ${me.displayName} : options de session`}>
            <Stack gap={0} align="flex-end">
              <Text size="sm" fw={600}>
                {me.displayName}
              </Text>
              <Text size="xs" c="gray.8">
                {role}
              </Text>
            </Stack>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{me.email}</Menu.Label>
          <Menu.Item onClick={() => void signOut()}>Se déconnecter</Menu.Item>
          <Menu.Item
            onClick={() => {
              setError(null);
              signOutEverywhere().catch((e: unknown) => setError(messageOf(e)));
            }}
          >
            Se déconnecter partout (tous les appareils)
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

/** The signed-in frame: skip link, header (switcher, account), navigation, main content. */
export function AppLayout() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure();
  const [current, setCurrent] = useCurrentStructure(me);
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(close, [location.pathname, close]);
  const items = navigationFor(me, current);
  const switchTo = (id: string) => {
    setCurrent(id);
    if (location.pathname.startsWith('/structures/')) navigate(`/structures/${id}`);
  };
  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <Anchor href="#contenu" className="skip-link">
        Aller au contenu
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Fermer le menu' : 'Ouvrir le menu'} aria-expanded={opened} aria-controls="navigation" />
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Text fw={700} size="lg">
                Plateforme MTR 2<VisuallyHidden> — accueil</VisuallyHidden>
              </Text>
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap">
            <StructureSwitcher me={me} current={current} onChange={switchTo} />
            <UserMenu me={me} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" id="navigation" aria-label="Navigation principale">
        {items.map((item) => (
          <NavLink key={item.to} component={RouterNavLink} to={item.to} end={item.end} label={item.label} variant="filled" />
        ))}
        {items.length === 0 && <Text size="sm">Aucune rubrique pour votre compte : contactez l’équipe ipso.</Text>}
      </AppShell.Navbar>
      <AppShell.Main id="contenu" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
