import { describe, expect, it } from '@jest/globals';
import { ALL_PLUGINS } from '../../plugins/index.js';
import type { FieldErrors } from './validation.js';
import { readSettingsForm, settingsFields } from './settings-fields.js';

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
    expect(errors).toEqual({
      'settings.holdMinutes': 'Bitte einen Wert von 5 bis 1440 angeben.',
      'settings.captcha': 'Bitte Ja oder Nein wählen.',
      'settings.reminderAt': 'Bitte eine Uhrzeit im Format HH:MM angeben (z. B. 09:00).',
    });
    expect(out).toEqual({ maxPendingPerEmail: 3 });
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
    expect(errors).toEqual({ 'settings.paymentMethods': 'Bitte einen Eintrag aus der Liste wählen.' });
  });
});
