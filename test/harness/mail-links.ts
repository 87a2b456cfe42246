import { OutboxMessage } from '../../apps/server/src/notifications/outbox-message.entity.js';
import { TenantDataService } from '../../apps/server/src/tenancy/tenant-data.service.js';
import type { TestApp } from './test-app.js';

/** The entities handlebars writes into attributes, decoded (for comparing hrefs and texts). */
export function decodeHtml(s: string): string {
  return s
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** A URL as a path on the server under test (mails carry PUBLIC_BASE_URL). */
export function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** Every link the tenant's queued mails carry (text part), as paths; optionally only of some mails. */
export async function mailLinks(t: TestApp, slug: string, which: (m: OutboxMessage) => boolean = () => true): Promise<string[]> {
  const mails = await t.asTenant(slug, () => t.app.get(TenantDataService).repo(OutboxMessage).find());
  return mails.filter(which).flatMap((m) => [...m.content.text.matchAll(/https?:\/\/\S+/g)].map((x) => pathOf(x[0])));
}

/** The first link containing `pathPart` in the tenant's mails chosen by `which`; throws when there is none. */
export async function mailLink(t: TestApp, slug: string, pathPart: string, which: (m: OutboxMessage) => boolean): Promise<string> {
  const link = (await mailLinks(t, slug, which)).find((l) => l.includes(pathPart));
  if (!link) throw new Error(`no link with ${pathPart} in the mails of ${slug}`);
  return link;
}
