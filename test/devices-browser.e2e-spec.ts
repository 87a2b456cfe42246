import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Device } from '../apps/server/src/devices/device.entity.js';
import { DeviceService } from '../apps/server/src/devices/device.service.js';
import { createDevice, pairingCode } from './devices-helpers.js';
import { openAdminBrowser } from './harness/admin-browser.js';
import { TEST_PASSWORD } from './harness/admin-session.js';
import { runAxe, type TestBrowser } from './harness/browser.js';
import type { TestApp } from './harness/test-app.js';

// The brief's folder for the screenshots a person looks at.
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/i11/shots';

describe('devices in a browser: the panel creates, pairs and revokes; the device pairs itself', () => {
  let t: TestApp;
  let b: TestBrowser;
  let base: string;
  let pageErrors: string[];

  beforeAll(async () => {
    ({ t, b, base, pageErrors } = await openAdminBrowser('admin@musterstadt.test', 'musterstadt'));
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  async function shoot(name: string, height = 900): Promise<void> {
    const { page } = b;
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: `${SHOTS}/A-${name}-375.png`, fullPage: true });
    expect({ name, overflow: await page.evaluate('document.documentElement.scrollWidth > window.innerWidth') }).toEqual({ name, overflow: false });
    await page.setViewportSize({ width: 1280, height });
    await page.screenshot({ path: `${SHOTS}/A-${name}-1280.png`, fullPage: true });
  }

  it('a tenant-admin creates a display, gets a code with its QR, and revokes the device', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1280, height: 900 });
    // The panel's first request waits for AdminJS to load and bundle its components.
    await page.goto(`${base}/admin/login`, { timeout: 180_000 });
    await page.fill('input[name=email]', 'admin@musterstadt.test');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${base}/admin`);
    await page.getByText('Geräte').first().waitFor();

    await page.goto(`${base}/admin/resources/Device/actions/new`);
    await page.fill('#name', 'Anzeige Wartebereich EG');
    await page.locator('[data-css="Device-edit-kind"] input').fill('Aufrufanzeige');
    await page.keyboard.press('Enter');
    await page.locator('[data-css="Device-edit-locationId"] input').fill('Rathaus');
    await page.getByText('Bürgerbüro im Rathaus', { exact: true }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/resources\/Device(\?|$)/);
    await page.getByText('Anzeige Wartebereich EG').first().waitFor();

    const device = await t.dataSource.getRepository(Device).findOneByOrFail({ name: 'Anzeige Wartebereich EG' });
    expect(device).toMatchObject({ kind: 'display', tokenHash: null, pairedAt: null });
    await shoot('admin-device-list');

    await page.goto(`${base}/admin/resources/Device/records/${device.id}/pairingCode`);
    await page.getByRole('button', { name: 'Kopplungscode erzeugen' }).click();
    const shown = page.locator('[data-testid="pairing-code"] p');
    await shown.waitFor();
    const code = (await shown.textContent())!.trim();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await page.locator('[data-testid="pairing-code"] svg').count()).toBe(1);
    await shoot('admin-pairing-code');

    // The device pairs with the code shown (here through the API; the page test below does it by hand).
    const paired = await t.http.post('/api/v1/tenants/musterstadt/devices/pair').send({ code }).expect(200);
    const token = (paired.body as { token: string }).token;
    const muster = await t.tenant('musterstadt');
    const devices = t.app.get(DeviceService);
    expect(await devices.identify(muster, `Bearer ${token}`, ['display'])).toMatchObject({ deviceId: device.id });

    await page.goto(`${base}/admin/resources/Device/records/${device.id}/revoke`);
    await page.getByRole('button', { name: 'Gerät sperren' }).click();
    await page.getByText('Das Gerät „Anzeige Wartebereich EG“ ist gesperrt.').waitFor();
    expect(await devices.identify(muster, `Bearer ${token}`, ['display'])).toBeNull();
    expect(b.foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the pairing page takes the code from the QR fragment, keeps the token and opens the device page', async () => {
    const { page } = b;
    const device = await createDevice(t, 'musterstadt', { kind: 'display', name: 'Anzeige OG' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/musterstadt/geraet/koppeln`);
    expect(await page.title()).toContain('Gerät koppeln');
    const axe = await runAxe(page);
    expect(axe.violations).toEqual([]);
    await shoot('pairing-page');

    // A wrong code: the message under the field, nothing stored.
    await page.fill('#code', 'aaaaaaaa');
    expect(await page.inputValue('#code')).toBe('AAAA-AAAA');
    await page.click('button[type=submit]');
    await page.getByText('Code unbekannt oder abgelaufen', { exact: false }).waitFor();
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    await shoot('pairing-page-error');

    const code = await pairingCode(t, 'musterstadt', device.id);
    // As from the QR: a fresh load (not a jump within the page already open).
    await page.goto('about:blank');
    await page.goto(`${base}/musterstadt/geraet/koppeln#code=${code}`);
    // The display's page belongs to the display plugin; here it is enough that the device went there.
    await page.waitForURL(`${base}/musterstadt/anzeige`);
    const token = (await page.evaluate("localStorage.getItem('amtszeit.device.musterstadt')")) as string;
    const identity = await t.app.get(DeviceService).identify(await t.tenant('musterstadt'), `Bearer ${token}`, ['display']);
    expect(identity?.deviceId).toBe(device.id);
    expect(b.foreignRequests).toEqual([]);
  });

  it('the pairing page speaks English', async () => {
    const { page } = b;
    await page.goto(`${base}/musterstadt/geraet/koppeln?lang=en&getrennt=1`);
    expect(await page.title()).toContain('Pair device');
    await page.getByText('This device is not (or no longer) paired.').waitFor();
    await page.fill('#code', 'bbbb-bbbb');
    await page.click('button[type=submit]');
    await page.getByText('Unknown or expired code', { exact: false }).waitFor();
  });
});
