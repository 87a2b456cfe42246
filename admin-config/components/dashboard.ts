// The panel's start page (bundled by AdminJS for the browser; React without JSX because the
// project's TypeScript setup has no JSX). Data comes from the dashboard handler in dashboard.ts.
import { Box, H2, H5, Link, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import React, { useEffect, useState } from 'react';

interface DashboardData {
  title: string;
  tenantName: string | null;
  figures: Array<{ key: string; value: number; warn?: boolean }>;
  pages: Array<{ label: { de: string; en: string }; href: string }>;
}

const api = new ApiClient();
const h = React.createElement;

export default function Dashboard() {
  const { translateMessage, i18n } = useTranslation();
  const english = i18n.language?.startsWith('en');
  const [data, setData] = useState<DashboardData | null>(null);
  useEffect(() => {
    api.getDashboard<DashboardData>().then((res) => setData(res.data));
  }, []);
  if (!data) return h(Box, { variant: 'grey' });
  return h(
    Box,
    { variant: 'grey' },
    h(
      Box,
      { variant: 'white', mb: 'xl' },
      h(H2, null, translateMessage('dashboardWelcome', undefined, { name: data.title })),
      h(Text, null, data.tenantName ? translateMessage('dashboardTenant', undefined, { tenant: data.tenantName }) : translateMessage('dashboardSuperAdmin')),
    ),
    h(
      Box,
      { flex: true, flexDirection: 'row', flexWrap: 'wrap' },
      ...data.figures.map((f) =>
        h(
          Box,
          { key: f.key, variant: 'white', mr: 'lg', mb: 'lg', width: ['100%', '45%', '30%'] },
          h(H5, null, translateMessage(f.key)),
          h(Text, { fontSize: 'xl', color: f.warn ? 'error' : 'primary100' }, String(f.value)),
        ),
      ),
    ),
    data.pages.length > 0 &&
      h(
        Box,
        { variant: 'white', as: 'nav', 'aria-label': translateMessage('dashboardPages') },
        h(H5, null, translateMessage('dashboardPages')),
        h('ul', null, ...data.pages.map((p) => h('li', { key: p.href }, h(Link, { href: p.href }, english ? p.label.en : p.label.de)))),
      ),
  );
}
