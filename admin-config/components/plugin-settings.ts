// A plugin's settings as form fields, generated from the descriptions that the server reads from the
// plugin's zod schema (features/settings-fields.ts) and sends as the `settingsForm` JSON. Each field is
// submitted as `settings.<key>`; the server checks it and answers a message under the field.
import { Box, FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

type Text2 = { de: string; en: string };
interface Field {
  key: string;
  kind: 'number' | 'boolean' | 'time' | 'enum' | 'text';
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
  const { record, onChange, where } = props;
  const { translateMessage, i18n } = useTranslation();
  const lang: 'de' | 'en' = i18n.language?.startsWith('en') ? 'en' : 'de';
  if (!record) return null;
  const form = JSON.parse(String(record.params.settingsForm ?? '{"fields":[],"values":{}}')) as { fields: Field[]; values: Record<string, unknown> };
  const valueOf = (key: string): string => {
    const edited = record.params[`settings.${key}`];
    const value = edited !== undefined ? edited : form.values[key];
    return value === undefined || value === null ? '' : String(value);
  };
  const range = (f: Field) =>
    f.kind === 'number' && f.min !== undefined && f.max !== undefined ? translateMessage('settingsRange', undefined, { min: f.min, max: f.max }) : '';
  const yesNo = (v: string) => (v === 'true' ? translateMessage('yes') : v === 'false' ? translateMessage('no') : v);
  const shown = (f: Field, v: string) => (f.kind === 'boolean' ? yesNo(v) : f.kind === 'enum' ? (f.options?.find((o) => o.value === v)?.label[lang] ?? v) : v);

  if (where === 'show') {
    return h(
      Box,
      { mb: 'xl' },
      h('h2', { style: { fontSize: 16, fontWeight: 700, margin: '0 0 8px' } }, translateMessage('pluginSettings')),
      h(
        'dl',
        { style: { margin: 0 } },
        ...form.fields.flatMap((f) => [
          h('dt', { key: `${f.key}-l`, style: { fontWeight: 600, marginTop: 8 } }, f.label[lang]),
          h('dd', { key: `${f.key}-v`, style: { margin: 0 } }, shown(f, valueOf(f.key))),
        ]),
      ),
    );
  }

  const input = (f: Field) => {
    const id = `settings-${f.key}`;
    const value = valueOf(f.key);
    const set = (v: string) => onChange?.(`settings.${f.key}`, v);
    const described = f.help || f.kind === 'number' ? { 'aria-describedby': `${id}-help` } : {};
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
    h('h2', { style: { fontSize: 16, fontWeight: 700, margin: '0 0 16px' } }, translateMessage('pluginSettings')),
    record.errors?.settingsForm && h(FormMessage, null, record.errors.settingsForm.message),
    ...form.fields.map((f) => {
      const error = record.errors?.[`settings.${f.key}`];
      return h(
        FormGroup,
        { key: f.key, error: Boolean(error) },
        h(Label, { htmlFor: `settings-${f.key}` }, f.label[lang]),
        input(f),
        (f.help || f.kind === 'number') &&
          h(Text, { id: `settings-${f.key}-help`, variant: 'sm', mt: 'sm', color: 'grey80' }, [f.help?.[lang], range(f)].filter(Boolean).join(' ')),
        error && h(FormMessage, null, error.message),
      );
    }),
  );
}
