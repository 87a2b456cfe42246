import { WebhookAttempt } from '../../apps/server/src/webhooks/webhook-attempt.entity.js';
import { WebhookEndpoint } from '../../apps/server/src/webhooks/webhook-endpoint.entity.js';
import { WebhookTargetError } from '../../apps/server/src/webhooks/ssrf-guard.js';
import type { WebhookService } from '../../apps/server/src/webhooks/webhook.service.js';
import { nobody, superAdminOnly, tenantAdminOnly, type Access, type ActionAccess } from '../features/access.js';
import { MSG, Rules } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

/** Webhooks are the administrators' business: tenant-admins for their tenant, super-admins read. */
const admins: Access = (ctx) => tenantAdminOnly(ctx) || superAdminOnly(ctx);
const MIN_SECRET = 24;

/** AdminJS echoes the submitted form in its answer; the secret is not part of any answer. */
const dropSecret = async (response: { record?: { params?: Record<string, unknown> } }) => {
  if (response.record?.params) delete response.record.params.signingSecret;
  return response;
};
const EVENT_LIST = /^\s*(\*|[a-z][a-z0-9.-]*(\s*,\s*[a-z][a-z0-9.-]*)*)\s*$/;

/** Endpoints: URL (checked against internal targets when saved), event types, a signing secret that is never shown again. */
export function webhookEndpointResource(webhooks: WebhookService): AdminResourceDefinition {
  const access: ActionAccess = { read: admins, create: tenantAdminOnly, update: tenantAdminOnly, remove: tenantAdminOnly };
  return {
    entity: WebhookEndpoint,
    navigation: 'system',
    access,
    rules: {
      scope: 'tenant-owned',
      secret: ['secret'],
      prepare(input, ctx, errors) {
        const secret = typeof input.signingSecret === 'string' ? input.signingSecret.trim() : '';
        if (secret) {
          if (secret.length < MIN_SECRET) errors.signingSecret = `Mindestens ${MIN_SECRET} Zeichen.`;
          else return { secret };
        } else if (ctx.isNew) {
          errors.signingSecret = MSG.required;
        }
        return {};
      },
      async validate(d) {
        const r = new Rules(d).text('description', { required: false });
        if (typeof d.events !== 'string' || !EVENT_LIST.test(d.events))
          r.fail('events', 'Bitte * oder Ereignistypen mit Komma getrennt angeben, z. B. booking.created, booking.cancelled.');
        try {
          await webhooks.checkTarget(String(d.url ?? ''));
        } catch (err) {
          if (!(err instanceof WebhookTargetError)) throw err;
          r.fail('url', err.message);
        }
        return r.errors;
      },
    },
    options: {
      actions: { new: { after: dropSecret }, edit: { after: dropSecret } },
      listProperties: ['url', 'events', 'active', 'description'],
      properties: {
        url: { isTitle: true, description: 'helpWebhookUrl' },
        events: { description: 'helpWebhookEvents' },
        signingSecret: { type: 'password', isVisible: { list: false, filter: false, show: false, edit: true }, description: 'helpWebhookSecret' },
      },
    },
  };
}

/** The delivery log: read-only, the tenant's own attempts only. */
export const webhookAttemptResource: AdminResourceDefinition = {
  entity: WebhookAttempt,
  navigation: 'system',
  access: { read: admins, create: nobody, update: nobody, remove: nobody },
  rules: { scope: 'tenant-owned' },
  options: {
    listProperties: ['attemptedAt', 'eventType', 'httpStatus', 'error', 'durationMs'],
    sort: { sortBy: 'attemptedAt', direction: 'desc' },
    properties: {
      endpointId: { reference: 'WebhookEndpoint' },
    },
  },
};
