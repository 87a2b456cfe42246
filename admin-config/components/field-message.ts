// A field whose message may carry a detail ("mailUnknownVariable|{{geheim}}", see features/validation.ts
// fieldMessage): AdminJS's own field, with the message worded in the panel's language around the detail.
import { BasePropertyComponent, useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

export default function FieldMessage(props: BasePropertyProps) {
  const { property, record } = props;
  const { translateMessage } = useTranslation();
  const error = record?.errors?.[property.path];
  const cut = error ? error.message.indexOf('|') : -1;
  const message =
    error && cut > 0
      ? translateMessage(error.message.slice(0, cut), property.resourceId, { detail: error.message.slice(cut + 1), interpolation: { escapeValue: false } })
      : undefined;
  const shown = record && message !== undefined ? { ...record, errors: { ...record.errors, [property.path]: { ...error!, message } } } : record;
  // Without the custom component, so that AdminJS renders its own input for the type.
  return React.createElement(BasePropertyComponent, { ...props, record: shown, property: { ...property, components: undefined } });
}
