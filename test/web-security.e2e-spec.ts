import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { Location } from '../apps/server/src/catalog/entities/location.entity.js';
import { TenantDataService } from '../apps/server/src/tenancy/tenant-data.service.js';
import { createAccount, createAdminTestApp, loginAgent, panelLogin, TEST_PASSWORD } from './harness/admin-session.js';
import type { TestApp } from './harness/test-app.js';
import { demoIds, type DemoIds } from './booking-helpers.js';

const PUBLIC = 'http://amtszeit.test';

/** Findings 3–6 of the hardening issue: headers, cross-site requests, host names, malformed URLs. */
describe('web security', () => {
  let t: TestApp;
  let ids: DemoIds;

  beforeAll(async () => {
    t = await createAdminTestApp();
    ids = await demoIds(t);
    await createAccount(t, 'tenant-admin', 'admin@musterstadt.test', 'musterstadt');
    await createAccount(t, 'staff', 'infoline@musterstadt.test', 'musterstadt');
  });
  afterAll(async () => t.close());

  const locationName = () => t.asTenant('musterstadt', async () => (await t.app.get(TenantDataService).repo(Location).findById(ids.rathaus))!.name);

  describe('security headers on every kind of response', () => {
    const responses = () => ({
      'JSON API': t.http.get('/api/v1/tenants/musterstadt/services'),
      'JSON error': t.http.get('/api/v1/tenants/musterstadt/services/unknown'),
      'unknown route': t.http.get('/nirgendwo-gibt-es-das/x'),
      'API docs': t.http.get('/api/docs/'),
      'OpenAPI document': t.http.get('/api/docs/openapi.json'),
      'portal page': t.http.get('/musterstadt/'),
      'admin login page': t.http.get('/admin/login'),
      health: t.http.get('/health'),
    });

    it('sends nosniff, no framing, a CSP, a referrer policy and HSTS', async () => {
      for (const [kind, request] of Object.entries(responses())) {
        const res = await request;
        const h = res.headers;
        expect({ kind, nosniff: h['x-content-type-options'] }).toEqual({ kind, nosniff: 'nosniff' });
        expect({ kind, xfo: h['x-frame-options'] }).toEqual({ kind, xfo: 'DENY' });
        expect({ kind, csp: h['content-security-policy'] }).toEqual({ kind, csp: expect.stringContaining("frame-ancestors 'none'") });
        expect({ kind, referrer: h['referrer-policy'] }).toEqual({ kind, referrer: 'same-origin' });
        expect({ kind, hsts: h['strict-transport-security'] }).toEqual({ kind, hsts: expect.stringMatching(/^max-age=\d{7,}/) });
        expect(h['x-powered-by']).toBeUndefined();
      }
    });

    it('keeps the portal strict: scripts only from this server, styles only with the nonce', async () => {
      const res = await t.http.get('/musterstadt/').expect(200);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(res.text).toContain(`nonce="${nonce}"`);
      expect(csp).not.toContain('unsafe');
    });

    it('lets the admin panel run its inline scripts by nonce, not by unsafe-inline', async () => {
      const res = await t.http.get('/admin/login').expect(200);
      const csp = res.headers['content-security-policy'];
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc).not.toContain('unsafe-inline');
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
      expect(nonce).toBeTruthy();
      const inline = [...res.text.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
      expect(inline.length).toBeGreaterThan(0);
      for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
      // A fresh nonce per response.
      const again = await t.http.get('/admin/login').expect(200);
      expect(again.headers['content-security-policy']).not.toContain(nonce!);
    });

    it('sends HSTS behind a TLS proxy too', async () => {
      const proxied = await createAdminTestApp({ database: t.database, env: { TRUST_PROXY: 'on', PUBLIC_BASE_URL: 'https://termine.example.de' } });
      try {
        for (const path of ['/api/v1/tenants/musterstadt/services', '/musterstadt/', '/admin/login']) {
          const res = await proxied.http.get(path).set('X-Forwarded-Proto', 'https');
          expect({ path, hsts: res.headers['strict-transport-security'] }).toEqual({ path, hsts: expect.stringMatching(/^max-age=\d{7,}/) });
        }
      } finally {
        await proxied.app.close();
      }
    });
  });

  describe('cross-site requests', () => {
    const crossSite: Array<[string, Record<string, string>]> = [
      ['a foreign Origin', { Origin: 'http://evil.example' }],
      ['a sibling subdomain (same site)', { Origin: 'http://beispielheim.amtszeit.test' }],
      ['Origin null (sandboxed frame)', { Origin: 'null' }],
      ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['Sec-Fetch-Site same-site', { 'Sec-Fetch-Site': 'same-site' }],
      ['only a foreign Referer', { Referer: 'http://evil.example/page' }],
    ];

    it('refuses an admin edit from another site with 403 and changes nothing', async () => {
      const agent = await loginAgent(t, 'admin@musterstadt.test');
      const before = await locationName();
      for (const [kind, headers] of crossSite) {
        const res = await agent
          .post(`/admin/api/resources/Location/records/${ids.rathaus}/edit`)
          .set(headers)
          .type('form')
          .send({ name: `Gekapert (${kind})` });
        expect({ kind, status: res.status }).toEqual({ kind, status: 403 });
        expect(res.body.message).toMatch(/cross-site/i);
      }
      expect(await locationName()).toBe(before);
    });

    it('accepts the same edit from the panel itself (own host, public origin, or Sec-Fetch-Site same-origin)', async () => {
      const agent = await loginAgent(t, 'admin@musterstadt.test');
      const own = await agent
        .post(`/admin/api/resources/Location/records/${ids.rathaus}/edit`)
        .set('Host', 'rathaus.example:8080')
        .set('Origin', 'http://rathaus.example:8080')
        .type('form')
        .send({ name: 'Bürgerbüro im Rathaus (A)' });
      expect(own.status).toBe(200);
      await agent
        .post(`/admin/api/resources/Location/records/${ids.rathaus}/edit`)
        .set('Origin', PUBLIC)
        .type('form')
        .send({ name: 'Bürgerbüro im Rathaus (B)' })
        .expect(200);
      await agent
        .post(`/admin/api/resources/Location/records/${ids.rathaus}/edit`)
        .set('Sec-Fetch-Site', 'same-origin')
        .type('form')
        .send({ name: 'Bürgerbüro im Rathaus' })
        .expect(200);
      expect(await locationName()).toBe('Bürgerbüro im Rathaus');
    });

    it('refuses cross-site logins, staff logins and back-office bookings', async () => {
      const login = await t.http
        .post('/admin/login')
        .set('Origin', 'http://evil.example')
        .type('form')
        .send({ email: 'admin@musterstadt.test', password: TEST_PASSWORD });
      expect(login.status).toBe(403);
      expect(login.headers['set-cookie']).toBeUndefined();
      await t.http
        .post('/api/v1/tenants/musterstadt/staff/session')
        .set('Sec-Fetch-Site', 'cross-site')
        .send({ email: 'infoline@musterstadt.test', password: TEST_PASSWORD })
        .expect(403);
      const staff = supertest.agent(t.app.getHttpServer());
      await staff
        .post('/api/v1/tenants/musterstadt/staff/session')
        .set('Origin', PUBLIC)
        .send({ email: 'infoline@musterstadt.test', password: TEST_PASSWORD })
        .expect(200);
      const booking = {
        services: [{ serviceId: ids.ausweis, quantity: 1 }],
        locationId: ids.rathaus,
        start: '2026-11-24T10:00:00+01:00',
        citizen: { name: 'Max Muster' },
        consent: true,
      };
      await staff.post('/api/v1/tenants/musterstadt/backoffice/bookings').set('Origin', 'http://evil.example').send(booking).expect(403);
      await staff.delete('/api/v1/tenants/musterstadt/staff/session').set('Origin', 'http://evil.example').expect(403);
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking'))[0].n)).toBe(0);
    });

    it("refuses the panel's login form without this browser's CSRF token, even with no Origin header at all", async () => {
      const state = (text: string) => JSON.parse(/__APP_STATE__ = JSON\.parse\('(.*)'\)/.exec(text)![1]).errorMessage;
      const bare = await t.http.post('/admin/login').type('form').send({ email: 'admin@musterstadt.test', password: TEST_PASSWORD });
      expect(bare.status).not.toBe(302);
      expect(state(bare.text)).toBe('formExpired');
      // A token is bound to its browser's cookie: another browser's token does not fit.
      const other = (await t.http.get('/admin/login-challenge').expect(200)).body.formToken;
      const { res: foreign } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD, formToken: other });
      expect(state(foreign.text)).toBe('formExpired');
      const { res: own } = await panelLogin(t, { email: 'admin@musterstadt.test', password: TEST_PASSWORD });
      expect(own.status).toBe(302);
    });

    it("refuses the portal's forms when posted from another site", async () => {
      const form = {
        services: `${ids.ausweis}:1`,
        location: ids.rathaus,
        start: '2026-11-24T10:00:00+01:00',
        name: 'Erika Mustermann',
        email: 'erika@example.org',
        consent: 'yes',
        action: 'book',
        idempotencyKey: 'k-1',
      };
      for (const [kind, headers] of crossSite) {
        const res = await t.http.post('/musterstadt/termin/buchen').set(headers).type('form').send(form);
        expect({ kind, status: res.status }).toEqual({ kind, status: 403 });
      }
      await t.http.post('/api/v1/tenants/musterstadt/bookings').set('Origin', 'http://evil.example').send({}).expect(403);
      expect(Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM booking'))[0].n)).toBe(0);
      // The same form from the portal's own page goes through (here: to the review, since the slot is not released).
      const own = await t.http.post('/musterstadt/termin/angaben').set('Origin', PUBLIC).type('form').send(form);
      expect(own.status).toBeLessThan(403);
    });

    it('leaves reads alone: a cross-site GET is answered', async () => {
      await t.http.get('/api/v1/tenants/musterstadt/services').set('Origin', 'http://evil.example').set('Sec-Fetch-Site', 'cross-site').expect(200);
    });
  });

  describe('host names', () => {
    it('binds a domain to its tenant in every spelling of the host name', async () => {
      for (const host of [
        'musterstadt.localhost',
        'musterstadt.localhost.',
        'MusterStadt.LocalHost',
        'musterstadt.localhost.:3000',
        'MUSTERSTADT.localhost:443',
      ]) {
        const foreign = await t.http.get('/api/v1/tenants/beispielheim/services').set('Host', host);
        expect({ host, status: foreign.status }).toEqual({ host, status: 404 });
        const own = await t.http.get('/api/v1/tenants/musterstadt/services').set('Host', host);
        expect({ host, status: own.status }).toEqual({ host, status: 200 });
        const portal = await t.http.get('/').set('Host', host);
        expect({ host, status: portal.status }).toEqual({ host, status: 200 });
        expect(portal.text).toContain('Stadt Musterstadt');
      }
    });

    it('answers 400 for a Host header that is no host name', async () => {
      for (const host of ['musterstadt.localhost/x', 'a..b', 'user@musterstadt.localhost', 'bad host']) {
        const res = await t.http.get('/api/v1/tenants/beispielheim/services').set('Host', host);
        expect({ host, status: res.status }).toEqual({ host, status: 400 });
      }
    });
  });

  describe('malformed addresses', () => {
    it('answers 400 with a message for malformed percent-encoding, never 500', async () => {
      for (const path of [
        '/%E0%A4%A',
        '/api/v1/tenants/%E0%A4%A/services',
        '/musterstadt/%E0%A4%A',
        '/api/v1/tenants/musterstadt/bookings/%E0%A4%A',
        '/%',
        '/api/v1/tenants/musterstadt/services/%zz',
      ]) {
        const res = await t.http.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(res.body.message).toEqual(expect.any(String));
      }
    });

    it('ignores a language cookie with malformed encoding', async () => {
      const res = await t.http.get('/musterstadt/').set('Cookie', 'lang=%E0%A4%A').expect(200);
      expect(res.text).toContain('lang="de"');
    });
  });
});
