// A mail template by its name for a clerk (locale.ts: `templateKey.<key>`), the key in small print for
// support staff; on the show page and under the picker also when the mail is sent. The picker is
// AdminJS's own select, which words its choices through the same labels (the value stays the key).
import { Box, Text, ValueGroup } from '@adminjs/design-system';
import { BasePropertyComponent, useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

const h = React.createElement;

export default function MailTemplateName(props: BasePropertyProps) {
  const { property, record, where } = props;
  const { translateLabel, translateProperty } = useTranslation();
  const key = String(record?.params[property.path] ?? '');
  const name = key ? translateLabel(`templateKey.${key}`, property.resourceId, { defaultValue: key }) : '';
  const sentWhen = key ? translateLabel(`templateKeySentWhen.${key}`, property.resourceId, { defaultValue: '' }) : '';
  const keyLine = h(Text, { as: 'span', variant: 'sm', color: 'grey80', style: { display: 'block', fontFamily: 'monospace' } }, key);
  if (where === 'list') return h('span', null, name, keyLine);
  // Under the picker, close to it: into the gap AdminJS's field keeps for its message, unless one is shown.
  const close = where === 'edit' && !record?.errors?.[property.path];
  const details = key && h(Box, close ? { style: { marginTop: -28 } } : { mt: 'sm' }, sentWhen && h(Text, { variant: 'sm', mb: 'xs' }, sentWhen), keyLine);
  if (where === 'show') return h(ValueGroup, { label: translateProperty(property.label, property.resourceId) }, h(Text, null, name), details);
  // Without the custom component, so that AdminJS renders its own select.
  return h(Box, { mb: 'xl' }, h(BasePropertyComponent, { ...props, property: { ...property, components: undefined } }), details);
}
