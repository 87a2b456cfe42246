// The service form's "Angeboten an": one checkbox per location of the municipality, so a clerk
// assigns the service's locations in the service form. Submitted as a comma-separated id list.
import { Box, CheckBox, FormGroup, FormMessage, Label, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type BasePropertyProps } from 'adminjs';
import React, { useEffect, useState } from 'react';

const api = new ApiClient();
const h = React.createElement;

interface LocationRow {
  id: string;
  params: { name: string; tenantId: string; active: boolean | string };
}

export default function LocationPicker(props: BasePropertyProps) {
  const { record, onChange, property } = props;
  const { translateProperty, translateMessage } = useTranslation();
  const [locations, setLocations] = useState<LocationRow[] | null>(null);
  useEffect(() => {
    // The Location list is scoped to the admin's tenant by the server.
    api.resourceAction({ resourceId: 'Location', actionName: 'list', params: { perPage: 500, sortBy: 'name', direction: 'asc' } }).then((res) => {
      setLocations((res.data as { records: LocationRow[] }).records);
    });
  }, []);
  if (!record) return null;
  const selected = String(record.params.locationIds ?? '')
    .split(',')
    .filter(Boolean);
  const tenantId = record.params.tenantId;
  // A super-admin editing a service sees every tenant's locations in the list; only the service's own count.
  const own = (locations ?? []).filter((l) => !tenantId || l.params.tenantId === tenantId);
  const toggle = (id: string) => {
    const next = selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
    onChange?.('locationIds', next.join(','));
  };
  const error = record.errors?.locationIds;
  return h(
    FormGroup,
    { error: Boolean(error) },
    h(Label, { as: 'div', id: 'locationIds-label' }, translateProperty(property.label, property.resourceId)),
    h(
      Box,
      { role: 'group', 'aria-labelledby': 'locationIds-label', 'aria-describedby': 'locationIds-help' },
      ...own.map((l) =>
        h(
          Box,
          { key: l.id, flex: true, alignItems: 'center', py: 'sm' },
          h(CheckBox, { id: `location-${l.id}`, checked: selected.includes(l.id), onChange: () => toggle(l.id) }),
          h(Label, { inline: true, htmlFor: `location-${l.id}`, ml: 'default', mb: 0 }, l.params.name),
        ),
      ),
    ),
    locations && own.length === 0 && h(Text, null, translateMessage('noLocations')),
    h(Text, { id: 'locationIds-help', variant: 'sm', color: 'grey80', mt: 'sm' }, translateMessage(property.description ?? 'helpLocationIds')),
    error && h(FormMessage, null, error.message),
  );
}
