// Booleans in lists and shows as Ja/Nein (Yes/No in English) instead of AdminJS's fixed "Yes"/"No".
import { Badge } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

export default function YesNo(props: BasePropertyProps) {
  const { translateMessage } = useTranslation();
  const raw = props.record?.params[props.property.path];
  if (raw === undefined || raw === '' || raw === null) return null;
  const yes = raw === true || raw === 'true';
  return React.createElement(Badge, { outline: true, size: 'sm' }, translateMessage(yes ? 'yes' : 'no'));
}
