// A value shown as it is (AdminJS would "start-case" a choice: "booking/receipt" → "Booking Receipt").
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

export default function PlainValue(props: BasePropertyProps) {
  const { property, record, where } = props;
  const { translateProperty } = useTranslation();
  const raw = record?.params[property.path];
  const text = property.availableValues?.find((o) => o.value === raw)?.label ?? String(raw ?? '');
  if (where === 'show') return React.createElement(ValueGroup, { label: translateProperty(property.label, property.resourceId) }, text);
  return React.createElement('span', null, text);
}
