import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../apps/server/src/common/project-root.js';

// Must run before adminjs is first imported: AdminJS reads ADMIN_JS_TMP_DIR once, at load time.
// Its default `.adminjs` is a dot-folder, which Express 5 refuses to serve files from in production.
// Production bundles there at start. Elsewhere AdminJS bundles on the first request and then
// reuses the file, so each process gets a fresh folder and never serves a stale bundle.
process.env.ADMIN_JS_TMP_DIR ??= process.env.NODE_ENV === 'production' ? fromRoot('data', 'adminjs') : mkdtempSync(join(tmpdir(), 'amtszeit-adminjs-'));
