import i18next from 'i18next';
import { adminLocale } from '../../admin-config/locale.js';

const i18n = i18next.createInstance();
await i18n.init({
  resources: Object.fromEntries(Object.entries(adminLocale().translations).map(([lang, t]) => [lang, { translation: t }])),
  interpolation: { escapeValue: false },
});

/**
 * A field message as the panel shows it in `lang`: the server answers a message key, the panel looks
 * it up in the catalogue (admin-config/locale.ts) with the field's values, as AdminJS's translateMessage does.
 */
export function panelText(lang: 'de' | 'en', message: string, params: Record<string, unknown> = {}): string {
  return i18n.t(`messages.${message}`, { lng: lang, defaultValue: message, ...params });
}
