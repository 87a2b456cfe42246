// Dates in lists and shows the German way ("9. Dez. 2026", with the time for instants, in the
// municipality's time zone) or the English way, instead of AdminJS's fixed YYYY-MM-DD.
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import React from 'react';

const ZONE = 'Europe/Berlin';

export function formatDate(value: unknown, type: string, lang: 'de' | 'en'): string {
  if (value === undefined || value === null || value === '') return '';
  const text = String(value);
  // A calendar date (YYYY-MM-DD) is a day, not an instant: formatted as it is, without a zone shift.
  const day = type === 'date' || /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = day ? new Date(`${text.slice(0, 10)}T12:00:00Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  const locale = lang === 'en' ? 'en-GB' : 'de-DE';
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(day ? { timeZone: 'UTC' } : { hour: '2-digit', minute: '2-digit', timeZone: ZONE }),
  }).format(date);
}

export default function DateValue(props: BasePropertyProps) {
  const { property, record, where } = props;
  const { i18n, translateProperty } = useTranslation();
  const text = formatDate(record?.params[property.path], property.type, i18n.language?.startsWith('en') ? 'en' : 'de');
  if (where === 'show') return React.createElement(ValueGroup, { label: translateProperty(property.label, property.resourceId) }, text);
  return React.createElement('span', null, text);
}
