// A plugin's on/off switch: a checkbox for super-admins; for tenant-admins the state read-only with
// the reason (the operator switches plugins), and for a plugin in preparation no switch at all.
import { Box, CheckBox, Label, Text } from '@adminjs/design-system';
import { useCurrentAdmin, useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

const h = React.createElement;

export default function PluginSwitch(props: BasePropertyProps) {
  const { record, onChange, where, property } = props;
  const { translateMessage, translateProperty } = useTranslation();
  const [admin] = useCurrentAdmin();
  if (!record) return null;
  const enabled = record.params.enabled === true || record.params.enabled === 'true';
  const preparing = record.params.inPreparation === true || record.params.inPreparation === 'true';
  const state = preparing ? translateMessage('pluginInPreparation') : translateMessage(enabled ? 'yes' : 'no');
  if (where === 'list') return h(Text, null, state);
  const label = translateProperty(property.label, property.resourceId);
  const switchable = where === 'edit' && (admin as { role?: string } | null)?.role === 'super-admin' && !(preparing && !enabled);
  if (switchable) {
    return h(
      Box,
      { mb: 'xl' },
      h(CheckBox, { id: 'enabled', checked: enabled, onChange: () => onChange?.('enabled', !enabled) }),
      h(Label, { inline: true, htmlFor: 'enabled', ml: 'default' }, label),
      record.errors?.enabled && h(Text, { color: 'error', mt: 'sm' }, record.errors.enabled.message),
    );
  }
  const reason = preparing ? translateMessage('pluginInPreparationHelp') : where === 'edit' ? translateMessage('pluginSwitchOperator') : null;
  return h(Box, { mb: 'xl' }, h(Label, null, label), h(Text, null, state), reason && h(Text, { variant: 'sm', color: 'grey80', mt: 'sm' }, reason));
}
