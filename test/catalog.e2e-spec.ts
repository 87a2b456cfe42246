import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './harness/test-app.js';

describe('catalog API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('lists services with checklist and offering locations', async () => {
    const res = await t.http.get('/api/v1/tenants/musterstadt/services').expect(200);
    const pass = res.body.find((s: { name: string }) => s.name === 'Personalausweis beantragen');
    expect(pass.durationMinutes).toBe(15);
    expect(pass.fee).toBe(46);
    expect(pass.checklist.map((c: { text: string }) => c.text)).toContain('Bisheriger Personalausweis oder Reisepass');
    expect(pass.locations.map((l: { name: string }) => l.name).sort()).toEqual(['Bürgerbüro Nord (Stadtteilzentrum)', 'Bürgerbüro im Rathaus']);
  });

  it('lists locations with address and the services they offer', async () => {
    const res = await t.http.get('/api/v1/tenants/beispielheim/locations').expect(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0].address.city).toBe('Beispielheim');
    expect(res.body[0].serviceIds.length).toBe(4);
  });

  it('answers 404 with a clear message for an unknown municipality', async () => {
    const res = await t.http.get('/api/v1/tenants/atlantis/services').expect(404);
    expect(res.body.message).toBe("Unknown municipality 'atlantis'");
  });

  it('resolves the tenant from a configured domain', async () => {
    const res = await t.http.get('/api/v1/tenants/musterstadt/locations').set('Host', 'musterstadt.localhost').expect(200);
    expect(res.body).toHaveLength(2);
    await t.http.get('/api/v1/tenants/musterstadt/locations').set('Host', 'beispielheim.localhost').expect(404);
  });
});
