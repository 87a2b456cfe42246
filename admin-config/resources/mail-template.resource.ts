import type { ActionRequest } from 'adminjs';
import { MailTemplateOverride } from '../../apps/server/src/notifications/mail-template-override.entity.js';
import type { MailTemplateProblem, MailTemplateService } from '../../apps/server/src/notifications/mail-template.service.js';
import { Tenant } from '../../apps/server/src/tenancy/tenant.entity.js';
import { In } from 'typeorm';
import { adminComponent } from '../components.js';
import { panelUser, TENANT_DATA } from '../features/access.js';
import { fieldMessage, Rules } from '../features/validation.js';
import type { PanelMessage } from '../locale.js';
import type { AdminResourceDefinition } from './define-resource.js';

const Editor = adminComponent('AmtszeitMailTemplateEditor', 'mail-template-editor.ts');
const Plain = adminComponent('AmtszeitPlainValue', 'plain-value.ts');
const Field = adminComponent('AmtszeitFieldMessage', 'field-message.ts');
const Name = adminComponent('AmtszeitMailTemplateName', 'mail-template-name.ts');
const AS_IS = { list: Plain, show: Plain };
/** The panel's words for what keeps a wording from being sent. */
const MESSAGES: Record<MailTemplateProblem['problem'], PanelMessage> = {
  unknownTemplate: 'mailUnknownTemplate',
  broken: 'mailBroken',
  unknownVariable: 'mailUnknownVariable',
  missingLink: 'mailMissingLink',
};
const LOCALES = ['de', 'en'];

/**
 * Per-tenant wording of the mail templates (subject, text, optional HTML), falling back to the
 * shipped files. The form starts from the shipped wording, lists the variables and previews the mail
 * with sample values; a wording that does not compile, names an unknown variable or drops a link
 * the citizen needs is refused with a message under the field.
 */
export function mailTemplateResource(mail: MailTemplateService): AdminResourceDefinition {
  return {
    entity: MailTemplateOverride,
    navigation: 'system',
    access: TENANT_DATA,
    rules: {
      scope: 'tenant-owned',
      validate(d) {
        const r = new Rules(d)
          .text('templateKey', { max: 100 })
          .text('subject', { max: 500 })
          .text('text', { max: 20_000 })
          .text('html', { required: false, max: 50_000 });
        if (!LOCALES.includes(String(d.locale))) r.fail('locale', 'mailChooseLocale' satisfies PanelMessage);
        if (r.ok('templateKey') && r.ok('subject') && r.ok('text')) {
          for (const [field, { problem, detail }] of Object.entries(
            mail.validate(String(d.templateKey), { subject: d.subject, text: d.text, html: d.html || null }),
          ))
            r.fail(field, detail === undefined ? MESSAGES[problem] : fieldMessage(MESSAGES[problem], detail));
        }
        return r.errors;
      },
      async decorate(rows, { dataSource }) {
        const tenants = new Map(
          (await dataSource.getRepository(Tenant).findBy({ id: In([...new Set(rows.map((r) => r.tenantId))]) })).map((t) => [t.id, t.name]),
        );
        const keys = mail.templateKeys();
        for (const row of rows) {
          if (!keys.includes(row.templateKey)) continue;
          const { known, required } = mail.variables(row.templateKey);
          row.variables = JSON.stringify({ known, required });
          try {
            row.preview = JSON.stringify(
              mail.preview(row.templateKey, { subject: row.subject, text: row.text, html: row.html }, tenants.get(row.tenantId) ?? ''),
            );
          } catch {
            row.preview = '';
          }
        }
      },
    },
    options: {
      listProperties: ['templateKey', 'locale', 'subject', 'updatedAt'],
      properties: {
        templateKey: {
          // Shown by its name (locale.ts words the choices: MailTemplateService.templateNames), the key in small print.
          components: { list: Name, show: Name, edit: Name },
          // The column a phone's list keeps: which mail, rather than its subject.
          isTitle: true,
          availableValues: mail.templateKeys().map((k) => ({ value: k, label: k })),
          position: 1,
          description: 'helpMailTemplateKey',
        },
        locale: {
          components: AS_IS,
          availableValues: [
            { value: 'de', label: 'Deutsch' },
            { value: 'en', label: 'English' },
          ],
          position: 2,
        },
        subject: { position: 3, components: { edit: Field }, isTitle: false },
        text: { type: 'textarea', position: 4, props: { rows: 16 }, components: { edit: Field } },
        html: {
          type: 'textarea',
          components: { edit: Field },
          position: 5,
          description: 'helpMailTemplateHtml',
          props: { rows: 8 },
          isVisible: { list: false, filter: false, show: true, edit: true },
        },
        variables: {
          type: 'string',
          position: 6,
          components: { edit: Editor, show: Editor },
          isVisible: { list: false, filter: false, show: true, edit: true },
        },
        preview: { isVisible: false },
      },
      actions: {
        // The shipped wording and the variables of a template, for the form (record-less, read only).
        shipped: {
          actionType: 'resource',
          component: false,
          showInDrawer: false,
          isVisible: false,
          isAccessible: panelUser,
          handler: async (request: ActionRequest, _res: unknown, context: { currentAdmin?: { tenantSlug?: string | null } }) => {
            const key = String(request.query?.templateKey ?? '');
            const locale = request.query?.locale === 'en' ? 'en' : 'de';
            if (!mail.templateKeys().includes(key)) return { shipped: null, variables: null };
            return { shipped: mail.shipped(key, locale, context.currentAdmin?.tenantSlug ?? null), variables: mail.variables(key) };
          },
        },
      },
    },
  };
}
