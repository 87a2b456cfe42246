/**
 * The sidebar, grouped the way an administrator thinks. Names are translation keys (labels.*);
 * a plugin's admin resource names one of these keys in `navigation`.
 */
export const NAVIGATION = {
  stammdaten: { name: 'Stammdaten', icon: 'Database' },
  kontingente: { name: 'Kontingente', icon: 'PieChart' },
  devices: { name: 'Geräte', icon: 'Monitor' },
  staff: { name: 'Personal', icon: 'Users' },
  plugins: { name: 'Plugins', icon: 'Package' },
  system: { name: 'Verwaltung', icon: 'Settings' },
} as const;

export type NavigationKey = keyof typeof NAVIGATION;

export function navigationFor(key: string): (typeof NAVIGATION)[NavigationKey] {
  const nav = NAVIGATION[key as NavigationKey];
  if (!nav) throw new Error(`Unknown admin navigation group '${key}' (known: ${Object.keys(NAVIGATION).join(', ')})`);
  return nav;
}
