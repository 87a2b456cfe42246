import type { ResourceWithOptions } from 'adminjs';
import type { BaseEntity } from 'typeorm';
import { actionsFor, type Access, type ActionAccess } from '../features/access.js';
import { navigationFor } from '../navigation.js';
import { TenantScopedResource, type ResourceDeps, type ResourceRules } from '../scoped-resource.js';

export interface AdminResourceDefinition {
  entity: typeof BaseEntity & { new (): BaseEntity };
  rules: ResourceRules;
  navigation: string;
  access: ActionAccess;
  /** Applies to every action, e.g. a plugin switch. */
  gate?: Access;
  options?: Record<string, any>;
}

const HIDDEN_IN_FORMS = { list: false, filter: false, show: true, edit: false };

/** Shared property settings: ids, tenant and timestamps are shown but never edited. */
export function systemProperties(): Record<string, any> {
  return {
    id: { isVisible: HIDDEN_IN_FORMS },
    tenantId: { isVisible: HIDDEN_IN_FORMS },
    createdAt: { isVisible: HIDDEN_IN_FORMS },
    updatedAt: { isVisible: HIDDEN_IN_FORMS },
  };
}

/** An AdminJS resource: the scoped resource class plus options with access on every action. */
export function defineResource(def: AdminResourceDefinition, deps: ResourceDeps): ResourceWithOptions {
  const options = def.options ?? {};
  const secretProps = Object.fromEntries((def.rules.secret ?? []).map((key) => [key, { isVisible: false }]));
  return {
    resource: new TenantScopedResource(def.entity, def.rules, deps),
    options: {
      ...options,
      navigation: navigationFor(def.navigation),
      properties: { ...systemProperties(), ...(options.properties ?? {}), ...secretProps },
      actions: mergeActions(mergeActions(actionsFor(def.access, def.gate), NAMED_NOTICES), options.actions ?? {}),
    },
  };
}

/**
 * AdminJS's success notices carry no resource, so they could only say "Eintrag gespeichert"; with
 * the resource id they are looked up per resource first ("Dienstleistung gespeichert", locale.ts).
 */
const nameTheResource = async (response: any, _request: unknown, context: { resource: { id(): string } }) => {
  if (response?.notice?.type === 'success') response.notice.resourceId = context.resource.id();
  return response;
};
const NAMED_NOTICES = Object.fromEntries(['new', 'edit', 'delete', 'bulkDelete'].map((name) => [name, { after: [nameTheResource] }]));

/** Merges action options; `after` hooks of both sides all run. */
function mergeActions(base: Record<string, any>, extra: Record<string, any>): Record<string, any> {
  const out = { ...base };
  for (const [name, action] of Object.entries(extra)) {
    const merged = { ...(out[name] ?? {}), ...action };
    if (out[name]?.after && action.after) merged.after = [out[name].after, action.after].flat();
    out[name] = merged;
  }
  return out;
}
