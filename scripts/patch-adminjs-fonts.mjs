// postinstall: AdminJS must load nothing from a third-party host (a Google Fonts stylesheet on a
// public-sector site is a GDPR problem in Germany, LG München I 3 O 17493/20).
// 1. Removes the hard-coded Google Fonts <link> from AdminJS's login and layout templates (the
//    panel falls back to the system sans-serif font).
// 2. Points the rich-text editor (TinyMCE) at the copy in node_modules, served by the server under
//    /admin/vendor/tinymce, instead of cdn.jsdelivr.net.
// Idempotent: already patched files are left alone. A file where neither the original text nor
// the patched text is found stops the install, so an AdminJS upgrade cannot silently undo this.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The packages' exports maps hide their files from require.resolve; npm installs them here.
// (PATCH_NODE_MODULES points elsewhere for the script's own test.)
const modules = process.env.PATCH_NODE_MODULES ?? fileURLToPath(new URL('../node_modules/', import.meta.url));
const root = (pkg) => join(modules, pkg);

const FONT_LINK = /\s*<link rel="stylesheet" href="https:\/\/fonts\.googleapis\.com\/css\?family=Roboto:300,400,500,700" type="text\/css">/;
const FONT_MARK = '<!-- amtszeit: Google Fonts removed -->';
const TINYMCE_CDN = /https:\/\/cdn\.jsdelivr\.net\/npm\/tinymce@[0-9.]+\/tinymce\.min\.js/g;
const TINYMCE_LOCAL = '/admin/vendor/tinymce/tinymce.min.js';

const patches = [
  ...['lib/frontend/login-template.js', 'lib/frontend/layout-template.js'].map((file) => ({
    file: join(root('adminjs'), file),
    apply: (src) => (FONT_LINK.test(src) ? src.replace(FONT_LINK, `\n      ${FONT_MARK}`) : null),
    done: (src) => src.includes(FONT_MARK),
  })),
  ...['bundle.production.js', 'bundle.development.js', 'build/molecules/tinymce-editor/tinymce-editor.js'].map((file) => ({
    file: join(root('@adminjs/design-system'), file),
    apply: (src) => (TINYMCE_CDN.test(src) ? src.replace(TINYMCE_CDN, TINYMCE_LOCAL) : null),
    done: (src) => src.includes(TINYMCE_LOCAL),
  })),
];

let failed = false;
for (const { file, apply, done } of patches) {
  if (!existsSync(file)) {
    console.error(`patch-adminjs-fonts: ${file} not found`);
    failed = true;
    continue;
  }
  const src = readFileSync(file, 'utf8');
  TINYMCE_CDN.lastIndex = 0;
  const patched = apply(src);
  if (patched !== null) {
    writeFileSync(file, patched);
    console.log(`patch-adminjs-fonts: patched ${file}`);
  } else if (!done(src)) {
    console.error(`patch-adminjs-fonts: expected text not found in ${file}; AdminJS changed, update this script`);
    failed = true;
  }
  // Nothing must still point at a third-party host.
  const after = readFileSync(file, 'utf8');
  if (/fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net\/npm\/tinymce/.test(after)) {
    console.error(`patch-adminjs-fonts: ${file} still references a third-party host`);
    failed = true;
  }
}
if (failed) process.exit(1);
