import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { MailTemplateOverride } from '../apps/server/src/notifications/mail-template-override.entity.js';
import { MailTemplateService } from '../apps/server/src/notifications/mail-template.service.js';
import { citizen, deliverMail, demoIds, release } from './booking-helpers.js';
import { createAccount, createAdminTestApp, loginAgent, TEST_PASSWORD } from './harness/admin-session.js';
import { listen, openBrowser } from './harness/browser.js';
import { TestSmtpServer } from './harness/smtp-server.js';
import type { TestApp } from './harness/test-app.js';
import { panelText } from './harness/panel-text.js';

/** Mail templates worded by a municipality in the panel: validated, previewed, used for real mail, tenant-scoped. */
describe('admin: per-tenant mail templates', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let admin: TestAgent;
  let other: TestAgent;
  let tenantId: string;
  const NEW = '/admin/api/resources/MailTemplateOverride/actions/new';
  const errorsOf = (res: { body: any }) =>
    Object.fromEntries(Object.entries(res.body.record?.errors ?? {}).map(([k, v]) => [k, (v as { message: string }).message]));

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    t = await createAdminTestApp({ env: { SMTP_URL: smtp.url } });
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    await createAccount(t, 'tenant-admin', 'admin@beispielheim.test', 'beispielheim');
    tenantId = (await t.tenant('musterstadt')).id;
    admin = await loginAgent(t, 'admin@musterstadt.test');
    other = await loginAgent(t, 'admin@beispielheim.test');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('the form gets the shipped wording and the variables; a broken wording is refused field by field and nothing is saved', async () => {
    const shipped = await admin.get('/admin/api/resources/MailTemplateOverride/actions/shipped?templateKey=booking/receipt&locale=de').expect(200);
    expect(shipped.body.shipped.subject).toBe('Bitte bestätigen Sie Ihren Termin am {{date}} ({{booking.reference}})');
    expect(shipped.body.shipped.text).toContain('{{{links.confirm}}}');
    expect(shipped.body.variables.known).toEqual(expect.arrayContaining(['booking.reference', 'links.confirm', 'tenant.name']));
    expect(shipped.body.variables.required).toEqual(['links.confirm']);

    const broken = await admin.post(NEW).type('form').send({
      templateKey: 'booking/receipt',
      locale: 'de',
      subject: 'Termin {{#if date}}am {{date}}',
      text: 'Hallo {{booking.citizen.name}}, {{geheim.passwort}}',
    });
    // A message key with the names as they are; the form words it in the panel's language.
    expect(errorsOf(broken)).toEqual({ subject: expect.stringMatching(/^mailBroken\|./), text: 'mailUnknownVariable|{{geheim.passwort}}' });
    expect(panelText('de', 'mailUnknownVariable', { detail: '{{geheim.passwort}}' })).toBe('Unbekannte Variable: {{geheim.passwort}}');
    expect(panelText('en', 'mailUnknownVariable', { detail: '{{geheim.passwort}}' })).toBe('Unknown variable: {{geheim.passwort}}');
    const noLink = await admin
      .post(NEW)
      .type('form')
      .send({ templateKey: 'booking/receipt', locale: 'de', subject: 'Termin am {{date}}', text: 'Hallo {{booking.citizen.name}}' });
    expect(errorsOf(noLink)).toEqual({ text: 'mailMissingLink|{{{links.confirm}}}' });
    expect(panelText('de', 'mailMissingLink', { detail: '{{{links.confirm}}}' })).toBe(
      'Es fehlt {{{links.confirm}}} (der Link, den die Bürgerin oder der Bürger braucht).',
    );
    expect(panelText('en', 'mailMissingLink', { detail: '{{{links.confirm}}}' })).toBe('{{{links.confirm}}} is missing (the link the citizen needs).');
    const unknown = await admin.post(NEW).type('form').send({ templateKey: 'booking/gibtsnicht', locale: 'xx', subject: 'x', text: 'y' });
    expect(errorsOf(unknown)).toEqual({ templateKey: 'mailUnknownTemplate', locale: 'mailChooseLocale' });
    expect(['de', 'en'].map((lang) => panelText(lang as 'de' | 'en', 'mailUnknownTemplate'))).toEqual([
      'Bitte eine Vorlage aus der Liste wählen.',
      'Please choose a template from the list.',
    ]);
    expect(panelText('en', 'mailChooseLocale')).toBe('Please choose a language.');
    expect(await t.dataSource.getRepository(MailTemplateOverride).countBy({ tenantId })).toBe(0);
  });

  it('a saved wording is previewed with sample values and sent instead of the shipped one, over SMTP; another town sees none of it', async () => {
    const created = await admin.post(NEW).type('form').send({
      templateKey: 'booking/receipt',
      locale: 'de',
      subject: 'Musterstadt: Termin {{booking.reference}} bitte bestätigen',
      text: 'Moin {{booking.citizen.name}},\n\nbitte hier bestätigen:\n{{{links.confirm}}}\n\n{{tenant.name}}',
    });
    expect(created.body.notice).toMatchObject({ type: 'success', resourceId: 'MailTemplateOverride' });
    const id = created.body.record.id as string;
    const shown = await admin.get(`/admin/api/resources/MailTemplateOverride/records/${id}/show`).expect(200);
    const preview = JSON.parse(shown.body.record.params.preview);
    expect(preview.subject).toBe('Musterstadt: Termin ‹booking.reference› bitte bestätigen');
    expect(preview.text).toContain('Moin ‹booking.citizen.name›');
    expect(preview.text).toContain('Stadt Musterstadt');

    const ids = await demoIds(t);
    await release(t);
    const booked = await t.http
      .post('/api/v1/tenants/musterstadt/bookings')
      .send({
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-24T07:00:00+00:00',
        citizen: citizen('vorlage'),
        consent: true,
      })
      .expect(201);
    await deliverMail(t);
    const mail = smtp.to(citizen('vorlage').email);
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe(`Musterstadt: Termin ${booked.body.reference} bitte bestätigen`);
    expect(mail[0].text).toContain(`Moin ${citizen('vorlage').name},`);
    expect(mail[0].text).toMatch(/http\S+\/musterstadt\/\S+/);
    expect(mail[0].html).toContain('<p>Moin ');

    // Beispielheim: not in its list, not to be shown, edited or deleted, and its mail stays the shipped one.
    const list = await other.get('/admin/api/resources/MailTemplateOverride/actions/list').expect(200);
    expect(list.body.records).toEqual([]);
    for (const res of [
      await other.get(`/admin/api/resources/MailTemplateOverride/records/${id}/show`),
      await other.post(`/admin/api/resources/MailTemplateOverride/records/${id}/edit`).type('form').send({ subject: 'übernommen' }),
      await other.post(`/admin/api/resources/MailTemplateOverride/records/${id}/delete`),
    ]) {
      expect(res.status >= 400 || res.body?.notice?.type === 'error').toBe(true);
      expect(JSON.stringify(res.body)).not.toContain('Moin');
    }
    expect((await t.dataSource.getRepository(MailTemplateOverride).findOneByOrFail({ id })).subject).toBe(
      'Musterstadt: Termin {{booking.reference}} bitte bestätigen',
    );
    const sample = { booking: { reference: 'X1' }, date: 'Dienstag', links: { confirm: 'https://example.test/c' } };
    const theirs = await t.asTenant('beispielheim', () => t.app.get(MailTemplateService).render('booking/receipt', 'de', sample));
    expect(theirs.subject).toBe('Bitte bestätigen Sie Ihren Termin am Dienstag (X1)');
    // English mail of Musterstadt has no override of its own: the shipped English wording.
    const english = await t.asTenant('musterstadt', () => t.app.get(MailTemplateService).render('booking/receipt', 'en', sample));
    expect(english.subject).not.toContain('Musterstadt:');
  });

  it('in the browser the templates go by their names, German or English, with the key in small print and when the mail is sent', async () => {
    const base = await listen(t.app);
    const b = await openBrowser(base);
    const { page } = b;
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // Kept for a person to look at, outside the checkout; at 375 px nothing may scroll sideways.
    const shots = join(tmpdir(), 'amtszeit-screenshots');
    mkdirSync(shots, { recursive: true });
    const shoot = async (name: string) => {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.screenshot({ path: `${shots}/admin-${name}-375.png`, fullPage: true });
      expect({ name, overflow: await page.evaluate('document.documentElement.scrollWidth > window.innerWidth') }).toEqual({ name, overflow: false });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: `${shots}/admin-${name}-1280.png`, fullPage: true });
    };
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${base}/admin/login`);
      await page.getByLabel('E-Mail').fill('admin@musterstadt.test');
      await page.getByLabel('Passwort').fill(TEST_PASSWORD);
      await page.getByLabel('Passwort').press('Enter');
      await page.waitForURL(`${base}/admin`);

      // The list (Musterstadt's wording of the receipt from above): the name, the key below it.
      await page.goto(`${base}/admin/resources/MailTemplateOverride`);
      const cell = page.locator('[data-css="MailTemplateOverride-list-templateKey"]').first();
      await cell.getByText('Buchungsbestätigung (Eingangsbestätigung)').waitFor();
      expect(await cell.getByText('booking/receipt', { exact: true }).count()).toBe(1);
      await shoot('mail-template-list');

      // In English: the English name (the panel's globe menu).
      await page.getByRole('button', { name: 'Deutsch', exact: true }).click();
      await page.getByText('Englisch', { exact: true }).click();
      await cell.getByText('Booking receipt (please confirm)').waitFor();
      expect(await cell.getByText('Buchungsbestätigung').count()).toBe(0);
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await page.getByText('German', { exact: true }).click();
      await cell.getByText('Buchungsbestätigung (Eingangsbestätigung)').waitFor();

      // The show page says when the mail is sent.
      const saved = await t.dataSource.getRepository(MailTemplateOverride).findOneByOrFail({ tenantId, templateKey: 'booking/receipt' });
      await page.goto(`${base}/admin/resources/MailTemplateOverride/records/${saved.id}/show`);
      const shown = page.locator('[data-css="MailTemplateOverride-show-templateKey"]');
      await shown.getByText('Buchungsbestätigung (Eingangsbestätigung)').waitFor();
      await shown.getByText('Gleich nach der Online-Buchung', { exact: false }).waitFor();
      await shown.getByText('booking/receipt', { exact: true }).waitFor();
      await shoot('mail-template-show-named');

      // The picker offers the names; the chosen value is the key (the form loads that template's wording).
      await page.goto(`${base}/admin/resources/MailTemplateOverride/actions/new`);
      const picker = page.locator('[data-css="MailTemplateOverride-edit-templateKey"]');
      await picker.locator('input').fill('Terminvorschlag');
      await page.getByRole('option', { name: 'Terminvorschlag des Terminagenten' }).waitFor();
      await page.keyboard.press('Enter');
      await picker.getByText('terminagent/offer', { exact: true }).waitFor();
      await picker.getByText('Wenn der Terminagent passende freie Termine gefunden hat', { exact: false }).waitFor();
      await page.getByText('{{links.offer}}', { exact: true }).waitFor();
      await shoot('mail-template-new-named');
      expect(b.foreignRequests).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
