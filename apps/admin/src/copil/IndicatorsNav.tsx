import { Group, NavLink } from '@mantine/core';
import { NavLink as RouterNavLink } from 'react-router';

/** Switch between the programme dashboard and the per-structure indicators. */
export function IndicatorsNav() {
  return (
    <Group component="nav" aria-label="Vues des indicateurs" gap="xs" mb="md">
      <NavLink component={RouterNavLink} to="/indicateurs" end label="Tableau de bord du programme" w="auto" variant="filled" />
      <NavLink component={RouterNavLink} to="/indicateurs/structures" label="Indicateurs par structure" w="auto" variant="filled" />
    </Group>
  );
}
