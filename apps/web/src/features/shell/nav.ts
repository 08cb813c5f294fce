export interface NavItem {
  href: string;
  label: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/data', label: 'Data' },
  { href: '/experiments', label: 'Experiments' },
  { href: '/models', label: 'Models' },
  { href: '/rollouts', label: 'Rollouts' },
  { href: '/decisions', label: 'Decisions' },
  { href: '/forensics', label: 'Forensics' },
  { href: '/regimes', label: 'Regimes' },
  { href: '/risk', label: 'Risk' },
  { href: '/live', label: 'Live' },
  { href: '/api-keys', label: 'API keys' },
];
