import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../apps/server/src/common/project-root.js';
import { createTestApp } from './harness/test-app.js';

const dirs: string[] = [];

/** A copy of the demo tenants with one file edited. */
function tenantsWith(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'amtszeit-tenants-'));
  dirs.push(dir);
  cpSync(fromRoot('tenants'), dir, { recursive: true });
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture: '${from}' not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('tenant configuration is validated at boot', () => {
  it.each([
    [
      'an unknown Bundesland',
      (d: string) => replaceIn(join(d, 'musterstadt/tenant.yaml'), 'state: NW', 'state: XX'),
      'musterstadt/tenant.yaml',
      'field "state"',
    ],
    [
      'a bad time zone',
      (d: string) => replaceIn(join(d, 'beispielheim/tenant.yaml'), 'timeZone: Europe/Berlin', 'timeZone: Europe/Atlantis'),
      'beispielheim/tenant.yaml',
      'field "timeZone"',
    ],
    [
      'a bad plugin setting',
      (d: string) => replaceIn(join(d, 'musterstadt/tenant.yaml'), 'holdMinutes: 30', 'holdMinutes: -4'),
      'musterstadt/tenant.yaml',
      'field "plugins.booking.settings.holdMinutes"',
    ],
    [
      'an unknown plugin',
      (d: string) => replaceIn(join(d, 'musterstadt/tenant.yaml'), 'display:', 'teleport:'),
      'musterstadt/tenant.yaml',
      'field "plugins.teleport"',
    ],
    ['a misspelt field', (d: string) => replaceIn(join(d, 'beispielheim/tenant.yaml'), 'domains:', 'domain:'), 'beispielheim/tenant.yaml', 'domain'],
    [
      'a bad colour',
      (d: string) => replaceIn(join(d, 'beispielheim/tenant.yaml'), "'#2d5f2e'", 'green'),
      'beispielheim/tenant.yaml',
      'field "branding.primaryColor"',
    ],
    ['a reserved slug', (d: string) => renameSync(join(d, 'beispielheim'), join(d, 'admin')), 'admin/tenant.yaml', 'reserved'],
    [
      'a domain used twice',
      (d: string) => replaceIn(join(d, 'musterstadt/tenant.yaml'), 'musterstadt.localhost', 'beispielheim.localhost'),
      'musterstadt/tenant.yaml',
      'already used',
    ],
    ['broken YAML', (d: string) => writeFileSync(join(d, 'musterstadt/tenant.yaml'), 'name: [unclosed'), 'musterstadt/tenant.yaml', 'not valid YAML'],
  ])('refuses %s, naming the file and the field', async (_label, edit, file, field) => {
    const tenantsDir = tenantsWith(edit);
    const start = createTestApp({ tenantsDir });
    await expect(start).rejects.toThrow(file);
    await expect(start).rejects.toThrow(field);
  });

  it('starts from TENANTS_DIR outside the code and syncs changed identity on restart', async () => {
    const tenantsDir = tenantsWith((d) => replaceIn(join(d, 'beispielheim/tenant.yaml'), 'name: Gemeinde Beispielheim', 'name: Markt Beispielheim'));
    const t = await createTestApp({ tenantsDir });
    try {
      expect((await t.tenant('beispielheim')).name).toBe('Markt Beispielheim');
    } finally {
      await t.close();
    }
  });
});
