import { describe, expect, it } from '@jest/globals';
import type { Env } from '../apps/server/src/config/env.config.js';
import { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import type { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import type { TenantRegistryService } from '../apps/server/src/tenancy/tenant-registry.service.js';
import { ALL_PLUGINS } from '../plugins/index.js';

/** Every mail template a municipality may reword has a name and a "sent when" for the panel, in German and English. */
describe('mail template names', () => {
  // Listing the shipped files and their names needs neither the tenants nor their data.
  const mail = new MailTemplateService({} as Env, {} as TenantRegistryService, {} as TenantDataService, ALL_PLUGINS);
  const text = expect.stringMatching(/\S{3}/);

  it('names every shipped template key in German and English, and says when it is sent', () => {
    const keys = mail.templateKeys();
    expect(keys).toEqual(expect.arrayContaining(['login-locked', 'booking/receipt', 'terminagent/offer']));
    const names = mail.templateNames();
    for (const key of keys) expect({ key, name: names[key] }).toEqual({ key, name: { label: { de: text, en: text }, sentWhen: { de: text, en: text } } });
    expect(names['booking/receipt'].label).toEqual({ de: 'Buchungsbestätigung (Eingangsbestätigung)', en: 'Booking receipt (please confirm)' });
  });

  it('names no template that has no files (a renamed file would leave its name behind)', () => {
    for (const plugin of ALL_PLUGINS)
      for (const name of Object.keys(plugin.mailTemplates?.names ?? {})) expect(mail.templateKeys()).toContain(`${plugin.name}/${name}`);
  });
});
