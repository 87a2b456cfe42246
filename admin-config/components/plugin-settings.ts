// A plugin's settings as form fields, generated from the descriptions that the server reads from the
// plugin's zod schema (features/settings-fields.ts) and sends as the `settingsForm` JSON. Each field is
// submitted as `settings.<key>`; the server checks it and answers a message key shown under the field.
// A device's settings use the same form: property `configForm`, `custom: { prefix: 'config', heading }`.
import { Box, CheckBox, FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

type Text2 = { de: string; en: string };
interface Field {
  key: string;
  kind: 'number' | 'boolean' | 'time' | 'enum' | 'multi' | 'text';
  label: Text2;
  help?: Text2;
  min?: number;
  max?: number;
  options?: Array<{ value: string; label: Text2 }>;
}

const h = React.createElement;
// Native selects sized like AdminJS's inputs: a visible value, 40 px high, full width on a phone.
const selectStyle = {
  height: 40,
  minWidth: 160,
  maxWidth: '100%',
  padding: '0 8px',
  fontSize: 14,
  border: '1px solid #898A9A',
  borderRadius: 4,
  background: '#fff',
};

export default function PluginSettings(props: BasePropertyProps) {
  const { record, onChange, where, property } = props;
  const prefix: string = property.custom?.prefix ?? 'settings';
  const heading: string = property.custom?.heading ?? 'pluginSettings';
  const { translateMessage, i18n } = useTranslation();
  const lang: 'de' | 'en' = i18n.language?.startsWith('en') ? 'en' : 'de';
  if (!record) return null;
  const form = JSON.parse(String(record.params[property.name] ?? '{"fields":[],"values":{}}')) as { fields: Field[]; values: Record<string, unknown> };
  // A device whose kind has no settings shows no empty section.
  if (form.fields.length === 0 && property.custom?.prefix) return null;
  /** The value in the form: as edited (flattened params), else the one in force. */
  const current = (key: string): unknown => {
    const edited = flat.get(record.params, `${prefix}.${key}`);
    return edited !== undefined ? edited : form.values[key];
  };
  const valueOf = (key: string): string => {
    const value = current(key);
    return value === undefined || value === null ? '' : String(value);
  };
  const listOf = (key: string): string[] => {
    const value = current(key);
    return Array.isArray(value) ? value.map(String) : [];
  };
  const range = (f: Field) =>
    f.kind === 'number' && f.min !== undefined && f.max !== undefined ? translateMessage('settingsRange', undefined, { min: f.min, max: f.max }) : '';
  const yesNo = (v: string) => (v === 'true' ? translateMessage('yes') : v === 'false' ? translateMessage('no') : v);
  const label = (f: Field, v: string) => f.options?.find((o) => o.value === v)?.label[lang] ?? v;
  const shown = (f: Field) =>
    f.kind === 'boolean'
      ? yesNo(valueOf(f.key))
      : f.kind === 'enum'
        ? label(f, valueOf(f.key))
        : f.kind === 'multi'
          ? listOf(f.key)
              .map((v) => label(f, v))
              .join(', ') || '–'
          : valueOf(f.key);

  if (where === 'show') {
    return h(
      Box,
      { mb: 'xl' },
      h('h2', { style: { fontSize: 16, fontWeight: 700, margin: '0 0 8px' } }, translateMessage(heading)),
      h(
        'dl',
        { style: { margin: 0 } },
        ...form.fields.flatMap((f) => [
          h('dt', { key: `${f.key}-l`, style: { fontWeight: 600, marginTop: 8 } }, f.label[lang]),
          h('dd', { key: `${f.key}-v`, style: { margin: 0 } }, shown(f)),
        ]),
      ),
    );
  }

  const input = (f: Field) => {
    const id = `${prefix}-${f.key}`;
    const value = valueOf(f.key);
    const set = (v: string) => onChange?.(`${prefix}.${f.key}`, v);
    const described = f.help || f.kind === 'number' ? { 'aria-describedby': `${id}-help` } : {};
    if (f.kind === 'multi') {
      const ticked = listOf(f.key);
      const toggle = (v: string) => onChange?.(`${prefix}.${f.key}`, ticked.includes(v) ? ticked.filter((t) => t !== v) : [...ticked, v]);
      return h(
        Box,
        { id, role: 'group', 'aria-label': f.label[lang], ...described },
        ...(f.options ?? []).map((o) =>
          h(
            Box,
            { key: o.value, flex: true, alignItems: 'center', py: 'sm' },
            h(CheckBox, { id: `${id}-${o.value}`, checked: ticked.includes(o.value), onChange: () => toggle(o.value) }),
            h(Label, { inline: true, htmlFor: `${id}-${o.value}`, ml: 'default', mb: 0 }, o.label[lang]),
          ),
        ),
      );
    }
    if (f.kind === 'boolean' || f.kind === 'enum') {
      const options =
        f.kind === 'boolean'
          ? [
              { value: 'true', text: translateMessage('yes') },
              { value: 'false', text: translateMessage('no') },
            ]
          : (f.options ?? []).map((o) => ({ value: o.value, text: o.label[lang] }));
      return h(
        'select',
        { id, value, style: selectStyle, onChange: (e: { target: { value: string } }) => set(e.target.value), ...described },
        ...options.map((o) => h('option', { key: o.value, value: o.value }, o.text)),
      );
    }
    // Times as text (HH:MM): a time input shows "05:00 PM" in a browser set to English.
    // No min/max attributes: the browser's own bubble would block the form; the message under the
    // field comes from the server, and the allowed range is written below the field.
    const extra = f.kind === 'number' ? { type: 'text', inputMode: 'numeric' } : f.kind === 'time' ? { type: 'text', placeholder: '17:00' } : { type: 'text' };
    return h(Input, {
      id,
      value,
      style: { maxWidth: '100%', width: f.kind === 'text' ? '100%' : 200 },
      onChange: (e: { target: { value: string } }) => set(e.target.value),
      ...extra,
      ...described,
    });
  };

  return h(
    Box,
    { mb: 'xl' },
    h('h2', { style: { fontSize: 16, fontWeight: 700, margin: '0 0 16px' } }, translateMessage(heading)),
    record.errors?.[property.name] && h(FormMessage, null, translateMessage(record.errors[property.name].message)),
    ...form.fields.map((f) => {
      const error = record.errors?.[`${prefix}.${f.key}`];
      return h(
        FormGroup,
        { key: f.key, error: Boolean(error) },
        h(Label, { htmlFor: `${prefix}-${f.key}` }, f.label[lang]),
        input(f),
        (f.help || f.kind === 'number') &&
          h(Text, { id: `${prefix}-${f.key}-help`, variant: 'sm', mt: 'sm', color: 'grey80' }, [f.help?.[lang], range(f)].filter(Boolean).join(' ')),
        // The server answers a message key; the bounds are the field's own.
        error && h(FormMessage, null, translateMessage(error.message, undefined, { min: f.min ?? '…', max: f.max ?? '…' })),
      );
    }),
  );
}
