// Beside a mail template's fields: the variables it may use (links it must keep marked), a button
// that puts the shipped wording into the form (done at once for a new, empty one), and the saved
// wording's preview rendered with sample values.
import { Box, Button, H4, Label, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type BasePropertyProps } from 'adminjs';
import React, { useEffect, useState } from 'react';

interface Shipped {
  shipped: { subject: string; text: string; html: string | null } | null;
  variables: { known: string[]; required: string[] } | null;
}

const api = new ApiClient();
const h = React.createElement;
const code = { fontFamily: 'monospace', fontSize: 13, background: '#F0F1F9', padding: '1px 4px', borderRadius: 3 };
const pre = {
  whiteSpace: 'pre-wrap' as const,
  overflowWrap: 'anywhere' as const,
  fontFamily: 'inherit',
  background: '#fff',
  border: '1px solid #C0C0CA',
  padding: 12,
  margin: 0,
};

export default function MailTemplateEditor(props: BasePropertyProps) {
  const { record, onChange, where } = props;
  const { translateMessage } = useTranslation();
  const [data, setData] = useState<Shipped | null>(null);
  const key = String(record?.params.templateKey ?? '');
  const locale = String(record?.params.locale ?? 'de');
  useEffect(() => {
    if (!key) return;
    api.resourceAction({ resourceId: 'MailTemplateOverride', actionName: 'shipped', params: { templateKey: key, locale } }).then((res) => {
      const body = res.data as Shipped;
      setData(body);
      // A new wording starts from the shipped one.
      if (where === 'edit' && body.shipped && !record?.params.subject && !record?.params.text) fill(body);
    });
  }, [key, locale]);
  if (!record) return null;
  const fill = (body: Shipped | null) => {
    if (!body?.shipped) return;
    onChange?.('subject', body.shipped.subject);
    onChange?.('text', body.shipped.text);
    onChange?.('html', '');
  };
  const variables = data?.variables ?? (record.params.variables ? (JSON.parse(String(record.params.variables)) as Shipped['variables']) : null);
  const usable = (variables?.known ?? []).filter((v) => /^[a-z]/i.test(v) && !['if', 'unless', 'each', 'with', 'else', 'this'].includes(v));
  const preview = record.params.preview ? (JSON.parse(String(record.params.preview)) as { subject: string; text: string }) : null;
  return h(
    Box,
    { mb: 'xl' },
    h(Label, null, translateMessage('mailVariables')),
    variables
      ? h(
          'ul',
          { style: { listStyle: 'none', padding: 0, margin: '0 0 8px', display: 'flex', flexWrap: 'wrap', gap: 6 } },
          ...usable.map((v) => h('li', { key: v }, h('code', { style: code }, `{{${v}}}`), variables.required.includes(v) ? ' *' : '')),
        )
      : h(Text, null, translateMessage('mailChooseTemplate')),
    variables && variables.required.length > 0 && h(Text, { variant: 'sm', color: 'grey80', mb: 'default' }, translateMessage('mailRequired')),
    where === 'edit' &&
      data?.shipped &&
      h(Button, { type: 'button', variant: 'outlined', size: 'sm', onClick: () => fill(data) }, translateMessage('mailUseShipped')),
    // The saved wording's preview, also beside the form while editing it.
    preview &&
      h(
        Box,
        { mt: 'lg', as: 'section', 'aria-label': translateMessage('mailPreview') },
        h(H4, null, translateMessage('mailPreview')),
        h(Text, { fontWeight: 'bold', mb: 'sm' }, preview.subject),
        h('pre', { style: pre }, preview.text),
      ),
  );
}
