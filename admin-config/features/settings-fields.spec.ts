import { describe, expect, it } from '@jest/globals';
import { ALL_PLUGINS } from '../../plugins/index.js';
import type { FieldErrors } from './validation.js';
import { panelText } from '../../test/harness/panel-text.js';
import { readSettingsForm, settingsFields, settingsIssueMessage } from './settings-fields.js';

describe('settings fields from the plugins’ schemas', () => {
  it.each(ALL_PLUGINS.map((p) => [p.name, p] as const))('%s: every field has a German and an English label, and the defaults read back', (_name, plugin) => {
    const fields = settingsFields(plugin.settings);
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      expect({ key: f.key, de: f.label.de !== f.key, en: f.label.en !== f.key }).toEqual({ key: f.key, de: true, en: true });
    }
    const defaults = plugin.settings.parse({}) as Record<string, unknown>;
    const asForm = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, String(v)]));
    const errors: FieldErrors = {};
    expect(readSettingsForm(fields, asForm, errors, 'settings')).toEqual(defaults);
    expect(errors).toEqual({});
  });

  it('reads numbers, Ja/Nein, times and choices, with a message per field', () => {
    const booking = ALL_PLUGINS.find((p) => p.name === 'booking')!;
    const fields = settingsFields(booking.settings);
    expect(fields.find((f) => f.key === 'holdMinutes')).toMatchObject({ kind: 'number', min: 5, max: 1440, default: 30 });
    expect(fields.find((f) => f.key === 'captcha')).toMatchObject({ kind: 'boolean' });
    expect(fields.find((f) => f.key === 'reminderAt')).toMatchObject({ kind: 'time' });
    const errors: FieldErrors = {};
    const out = readSettingsForm(fields, { holdMinutes: '2', captcha: 'vielleicht', reminderAt: '17 Uhr', maxPendingPerEmail: '3' }, errors, 'settings');
    expect(errors).toEqual({ 'settings.holdMinutes': 'settingsOutOfRange', 'settings.captcha': 'settingsYesNo', 'settings.reminderAt': 'settingsTime' });
    expect(out).toEqual({ maxPendingPerEmail: 3 });
    // The form shows each key in the panel's language, a range with the field's own bounds.
    const shown = (lang: 'de' | 'en') =>
      Object.entries(errors).map(([at, key]) => {
        const field = fields.find((f) => `settings.${f.key}` === at)!;
        return panelText(lang, key, { min: field.min, max: field.max });
      });
    expect(shown('de')).toEqual([
      'Bitte einen Wert von 5 bis 1440 angeben.',
      'Bitte Ja oder Nein wählen.',
      'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).',
    ]);
    expect(shown('en')).toEqual(['Please enter a value from 5 to 1440.', 'Please choose Yes or No.', 'Please enter a time as HH:MM (e.g. 09:00).']);
    const agent = settingsFields(ALL_PLUGINS.find((p) => p.name === 'terminagent')!.settings).find((f) => f.key === 'afterDecline');
    expect(agent?.options?.map((o) => o.label.de)).toEqual(['Wunsch schließen', 'Zurück in die Warteliste (Platz bleibt)']);
  });

  it('reads a list of choices (payment methods) ticked in the form, refusing values not offered', () => {
    const fields = settingsFields(ALL_PLUGINS.find((p) => p.name === 'booking')!.settings);
    const field = fields.find((f) => f.key === 'paymentMethods')!;
    expect(field).toMatchObject({ kind: 'multi' });
    expect(field.options?.map((o) => o.label.de)).toContain('Bargeld');
    const errors: FieldErrors = {};
    expect(readSettingsForm(fields, { paymentMethods: ['cash', 'girocard'] }, errors, 'settings')).toEqual({ paymentMethods: ['cash', 'girocard'] });
    expect(readSettingsForm(fields, { paymentMethods: [] }, errors, 'settings')).toEqual({ paymentMethods: [] });
    expect(errors).toEqual({});
    readSettingsForm(fields, { paymentMethods: ['cash', 'muscheln'] }, errors, 'settings');
    expect(errors).toEqual({ 'settings.paymentMethods': 'settingsChoice' });
    expect([panelText('de', 'settingsChoice'), panelText('en', 'settingsChoice')]).toEqual([
      'Bitte einen Eintrag aus der Liste wählen.',
      'Please choose an entry from the list.',
    ]);
  });

  it('maps the schema’s own complaints (zod issues) to message keys, not zod’s English', () => {
    const booking = ALL_PLUGINS.find((p) => p.name === 'booking')!;
    const result = booking.settings.safeParse({ holdMinutes: 2, reminderAt: 7 });
    expect(result.success).toBe(false);
    const keys = Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), settingsIssueMessage(i as { code: string; origin?: string })]));
    expect(keys).toEqual({ holdMinutes: 'settingsOutOfRange', reminderAt: 'settingsInvalid' });
    expect(panelText('en', keys.holdMinutes, { min: 5, max: 1440 })).toBe('Please enter a value from 5 to 1440.');
    expect(panelText('de', keys.reminderAt)).toBe('Dieser Wert ist nicht zulässig.');
  });
});
