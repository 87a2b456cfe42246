import type { ActionContext, ActionRequest } from 'adminjs';
import type { AuditService } from '../../apps/server/src/audit/audit.service.js';
import QRCode from 'qrcode';
import { isSuperAdmin, type CurrentAdmin } from '../../apps/server/src/auth/current-admin.js';
import { Device } from '../../apps/server/src/devices/device.entity.js';
import { DEVICE_KINDS, type DeviceService, type DeviceStatus } from '../../apps/server/src/devices/device.service.js';
import type { DeviceKind } from '../../apps/server/src/devices/device.types.js';
import { adminComponent } from '../components.js';
import { tenantAdminOnly, type Access, type ActionAccess } from '../features/access.js';
import { readSettingsForm, settingsFields, settingsIssueMessage } from '../features/settings-fields.js';
import { Rules, type FieldErrors } from '../features/validation.js';
import type { AdminResourceDefinition } from './define-resource.js';

const SettingsForm = adminComponent('AmtszeitPluginSettings', 'plugin-settings.ts');
const DeviceAction = adminComponent('AmtszeitDeviceAction', 'device-action.ts');

/** Devices are set up by the town's administrators (and super-admins), not by clerks. */
const administrators: Access = (ctx) => isSuperAdmin(ctx.currentAdmin as never) || tenantAdminOnly(ctx);
const ACCESS: ActionAccess = { read: administrators, create: tenantAdminOnly, update: administrators, remove: administrators };

const KIND_LABELS: Record<DeviceKind, string> = { display: 'Aufrufanzeige', kiosk: 'Kiosk' };

/**
 * Kiosks and call displays (group Geräte): create, rename, move, per-device settings from the schema
 * of the plugin that declares the kind (`deviceConfig`), a pairing code with its QR, revocation.
 * Tokens and codes exist only as hashes and never reach the panel.
 */
export interface DeviceResourceDeps {
  devices: DeviceService;
  audit: AuditService;
  /** The pairing page's address in the QR: `<base>/<slug>/geraet/koppeln`. */
  publicBaseUrl: string;
}

export function deviceResource({ devices, audit, publicBaseUrl }: DeviceResourceDeps): AdminResourceDefinition {
  const fieldsOf = (kind: DeviceKind) => {
    const schema = devices.configSchema(kind);
    return schema ? { schema, fields: settingsFields(schema) } : null;
  };

  /** GET shows the action's page; only the button's POST changes anything, and goes into the audit log. */
  const recordAction =
    (name: string, run: (device: Record<string, any>, context: ActionContext) => Promise<Record<string, unknown>>) =>
    async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const record = context.record!;
      const shown = record.toJSON(context.currentAdmin);
      if (request.method !== 'post') return { record: shown };
      const result = await run(record.params, context);
      const admin = context.currentAdmin as CurrentAdmin;
      await audit.write({
        tenantId: record.params.tenantId,
        actor: { id: admin.id, email: admin.email },
        action: name,
        resource: 'Device',
        recordId: record.params.id,
      });
      return { record: shown, ...result };
    };

  return {
    entity: Device,
    navigation: 'devices',
    access: ACCESS,
    rules: {
      scope: 'tenant-owned',
      secret: ['tokenHash', 'pairingCodeHash'],
      readOnly: ['config', 'pairingCodeExpiresAt', 'pairedAt', 'revokedAt'],
      prepare(input, ctx, errors) {
        const kind = (ctx.before?.kind ?? input.kind) as DeviceKind;
        if (ctx.before && input.kind !== undefined && input.kind !== ctx.before.kind)
          errors.kind = 'Die Art eines Geräts lässt sich nicht ändern; legen Sie ein neues an.';
        const form = DEVICE_KINDS.includes(kind) ? fieldsOf(kind) : null;
        if (!form) return ctx.before ? {} : { config: {} };
        const raw = typeof input.config === 'object' && input.config !== null ? (input.config as Record<string, unknown>) : {};
        const fieldErrors: FieldErrors = {};
        // The stored config as DeviceService reads it (an older schema's leftovers dropped); the input strictly.
        const values = { ...(ctx.before ? devices.storedConfig(kind, ctx.before.config) : {}), ...readSettingsForm(form.fields, raw, fieldErrors, 'config') };
        if (Object.keys(fieldErrors).length === 0) {
          const parsed = form.schema.safeParse(values);
          if (parsed.success) return { config: parsed.data };
          for (const issue of parsed.error.issues)
            fieldErrors[issue.path.length ? `config.${issue.path.join('.')}` : 'configForm'] ??= settingsIssueMessage(
              issue as { code: string; origin?: string },
            );
        }
        Object.assign(errors, fieldErrors);
        return {};
      },
      validate: (d) => {
        const rules = new Rules(d).text('name', { max: 100 }).text('locationId');
        if (!DEVICE_KINDS.includes(d.kind)) rules.fail('kind', 'Bitte Aufrufanzeige oder Kiosk wählen.');
        return rules.errors;
      },
      async decorate(rows) {
        // Online and last seen as DeviceService tells them, per tenant (a superadmin's list mixes towns).
        const byTenant = new Map<string, string[]>();
        for (const row of rows) if (row.id) byTenant.set(String(row.tenantId), [...(byTenant.get(String(row.tenantId)) ?? []), String(row.id)]);
        const statuses = new Map<string, DeviceStatus>();
        for (const [tenantId, ids] of byTenant)
          for (const [id, status] of await devices.inTenant(tenantId, () => devices.statuses(ids))) statuses.set(id, status);
        for (const row of rows) {
          const status = statuses.get(String(row.id));
          row.online = status?.online ?? false;
          row.lastSeenAt = status?.lastSeenAt ?? null;
          row.paired = row.pairedAt != null && row.revokedAt == null;
          const form = DEVICE_KINDS.includes(row.kind) ? fieldsOf(row.kind) : null;
          row.configForm = JSON.stringify({ fields: form?.fields ?? [], values: devices.storedConfig(row.kind, row.config) });
        }
      },
    },
    options: {
      listProperties: ['name', 'kind', 'locationId', 'online', 'lastSeenAt', 'paired', 'revokedAt'],
      showProperties: ['name', 'kind', 'locationId', 'online', 'lastSeenAt', 'paired', 'pairedAt', 'revokedAt', 'configForm'],
      editProperties: ['name', 'kind', 'locationId', 'configForm'],
      properties: {
        name: { isTitle: true, description: 'helpDeviceName' },
        kind: { availableValues: DEVICE_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })), description: 'helpDeviceKind' },
        online: { type: 'boolean', isVisible: { list: true, filter: false, show: true, edit: false } },
        lastSeenAt: { type: 'datetime', isVisible: { list: true, filter: false, show: true, edit: false } },
        paired: { type: 'boolean', isVisible: { list: true, filter: false, show: true, edit: false } },
        pairedAt: { isVisible: { list: false, filter: false, show: true, edit: false } },
        revokedAt: { isVisible: { list: true, filter: false, show: true, edit: false } },
        pairingCodeExpiresAt: { isVisible: false },
        config: { isVisible: false },
        configForm: {
          type: 'string',
          components: { edit: SettingsForm, show: SettingsForm },
          custom: { prefix: 'config', heading: 'deviceSettings' },
          isVisible: { list: false, filter: false, show: true, edit: true },
        },
      },
      actions: {
        pairingCode: {
          actionType: 'record',
          icon: 'Link',
          component: DeviceAction,
          isAccessible: administrators,
          handler: recordAction('pairingCode', async (device) => {
            const pairing = await devices.inTenant(device.tenantId, async (tenant) => {
              const { code, expiresAt } = await devices.createPairingCode(device.id);
              return { code, expiresAt: expiresAt.toISOString(), url: `${publicBaseUrl}/${tenant.slug}/geraet/koppeln#code=${code}` };
            });
            // The QR for the device's camera, drawn here: no external service sees the code.
            const qrSvg = await QRCode.toString(pairing.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
            return { pairing: { ...pairing, qrSvg } };
          }),
        },
        revoke: {
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          component: DeviceAction,
          isAccessible: administrators,
          handler: recordAction('revoke', async (device, context) => {
            await devices.inTenant(device.tenantId, () => devices.revoke(device.id));
            const record = await context.resource.findOne(device.id, context);
            return { record: record?.toJSON(context.currentAdmin), revoked: true };
          }),
        },
      },
    },
  };
}
