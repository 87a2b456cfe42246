import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromRoot } from '../apps/server/src/common/project-root.js';

const FONT = '      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto:300,400,500,700" type="text/css">';
const CDN = 'tinymceScriptSrc:"https://cdn.jsdelivr.net/npm/tinymce@6.8.2/tinymce.min.js"';
const FILES = {
  'adminjs/lib/frontend/login-template.js': `<head>\n${FONT}\n</head>`,
  'adminjs/lib/frontend/layout-template.js': `<head>\n${FONT}\n<script></script></head>`,
  '@adminjs/design-system/bundle.production.js': `x({${CDN}})`,
  '@adminjs/design-system/bundle.development.js': `x({${CDN}})`,
  '@adminjs/design-system/build/molecules/tinymce-editor/tinymce-editor.js': `x({${CDN}})`,
};

describe('scripts/patch-adminjs-fonts.mjs (postinstall)', () => {
  let modules: string;
  const run = () =>
    spawnSync(process.execPath, [fromRoot('scripts', 'patch-adminjs-fonts.mjs')], { env: { ...process.env, PATCH_NODE_MODULES: modules }, encoding: 'utf8' });
  const read = () => Object.keys(FILES).map((f) => readFileSync(join(modules, f), 'utf8'));

  beforeAll(() => {
    modules = mkdtempSync(join(tmpdir(), 'amtszeit-patch-'));
    for (const [file, content] of Object.entries(FILES)) {
      mkdirSync(dirname(join(modules, file)), { recursive: true });
      writeFileSync(join(modules, file), content);
    }
  });
  afterAll(() => rmSync(modules, { recursive: true, force: true }));

  it('removes the Google Fonts link and points TinyMCE at the local copy', () => {
    expect(run().status).toBe(0);
    const [login, layout, prod, dev, editor] = read();
    for (const template of [login, layout]) {
      expect(template).not.toContain('googleapis');
      expect(template).toContain('<!-- amtszeit: Google Fonts removed -->');
    }
    for (const bundle of [prod, dev, editor]) expect(bundle).toBe('x({tinymceScriptSrc:"/admin/vendor/tinymce/tinymce.min.js"})');
  });

  it('is idempotent', () => {
    const before = read();
    const again = run();
    expect(again.status).toBe(0);
    expect(read()).toEqual(before);
  });

  it('fails loudly when AdminJS changed the patched text', () => {
    writeFileSync(join(modules, 'adminjs/lib/frontend/layout-template.js'), '<head><link href="https://fonts.example/new.css"></head>');
    const res = run();
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('expected text not found');
  });
});
