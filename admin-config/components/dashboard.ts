// The panel's start page (bundled by AdminJS for the browser; React without JSX because the
// project's TypeScript setup has no JSX). Data comes from the dashboard handler in dashboard.ts:
// the plugins' figures (bookings today and this week per location, holds, the waitlist), the master
// data figures, and links to the staff pages. A warning is amber, and only when there is something to see.
import { Box, H2, H3, Link, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import React, { useEffect, useState } from 'react';

// Repeats Figure of ../dashboard.ts on purpose: this file is bundled for the browser and imports no server module.
interface Figure {
  key: string;
  label?: { de: string; en: string };
  value: number;
  warn?: boolean;
  byLocation?: Array<{ location: string; value: number }>;
}

interface DashboardData {
  title: string;
  tenantName: string | null;
  activity: Figure[];
  figures: Figure[];
  pages: Array<{ label: { de: string; en: string }; href: string }>;
}

const api = new ApiClient();
const h = React.createElement;
// Amber, not alarm red; text contrast 7:1 on its background.
const WARN = { background: '#FFF6E0', borderLeft: '4px solid #C98A00', color: '#5C3B00' };

export default function Dashboard() {
  const { translateMessage, i18n } = useTranslation();
  const lang: 'de' | 'en' = i18n.language?.startsWith('en') ? 'en' : 'de';
  const [data, setData] = useState<DashboardData | null>(null);
  useEffect(() => {
    api.getDashboard<DashboardData>().then((res) => setData(res.data));
  }, []);
  if (!data) return h(Box, { variant: 'grey' });
  const label = (f: Figure) => (f.label ? f.label[lang] : translateMessage(f.key));
  const card = (f: Figure) =>
    h(
      Box,
      { key: f.key, variant: 'white', mr: 'lg', mb: 'lg', width: ['100%', '45%', '30%'], style: f.warn ? WARN : undefined, 'data-figure': f.key },
      h(H3, { fontSize: 'md', mt: 0, mb: 'sm', style: f.warn ? { color: WARN.color } : undefined }, label(f)),
      h(Text, { fontSize: 'xl', fontWeight: 'bold', style: f.warn ? { color: WARN.color } : undefined }, (f.warn ? '⚠ ' : '') + String(f.value)),
      f.byLocation &&
        f.byLocation.length > 0 &&
        h(
          'ul',
          { style: { listStyle: 'none', padding: 0, margin: '8px 0 0' } },
          ...f.byLocation.map((l) =>
            h(
              'li',
              { key: l.location, style: { display: 'flex', justifyContent: 'space-between', gap: 8, padding: '2px 0' } },
              h('span', null, l.location),
              h('strong', null, String(l.value)),
            ),
          ),
        ),
    );
  const section = (title: string, figures: Figure[]) =>
    figures.length > 0 &&
    h(
      Box,
      { as: 'section', mb: 'lg', 'aria-label': title },
      h(H2, { fontSize: 'h4', mb: 'default' }, title),
      h(Box, { flex: true, flexDirection: 'row', flexWrap: 'wrap' }, ...figures.map(card)),
    );
  return h(
    Box,
    { variant: 'grey' },
    h(
      Box,
      { variant: 'white', mb: 'xl' },
      h(H2, null, translateMessage('dashboardWelcome', undefined, { name: data.title })),
      h(Text, null, data.tenantName ? translateMessage('dashboardTenant', undefined, { tenant: data.tenantName }) : translateMessage('dashboardSuperAdmin')),
    ),
    data.pages.length > 0 &&
      h(
        Box,
        { variant: 'white', as: 'nav', mb: 'xl', 'aria-label': translateMessage('dashboardPages') },
        h(H2, { fontSize: 'h4', mt: 0 }, translateMessage('dashboardPages')),
        h(
          'ul',
          { style: { paddingLeft: 20, margin: 0 } },
          ...data.pages.map((p) => h('li', { key: p.href, style: { padding: '4px 0' } }, h(Link, { href: p.href }, p.label[lang]))),
        ),
      ),
    section(translateMessage('dashboardActivity'), data.activity),
    section(translateMessage('dashboardMasterData'), data.figures),
  );
}
