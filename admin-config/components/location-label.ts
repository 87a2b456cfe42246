// The location a row applies to: its name, or "alle Standorte" / "all locations" in the panel's language.
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

export default function LocationLabel(props: BasePropertyProps) {
  const { property, record, where } = props;
  const { translateMessage, translateProperty } = useTranslation();
  const raw = String(record?.params[property.path] ?? '');
  // The server marks a row for every location with the message key (features/location-label.ts).
  const text = raw === 'allLocations' ? translateMessage('allLocations') : raw;
  if (where === 'show') return React.createElement(ValueGroup, { label: translateProperty(property.label, property.resourceId) }, text);
  return React.createElement('span', null, text);
}
