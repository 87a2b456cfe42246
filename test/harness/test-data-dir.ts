import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where test servers write their files (mail and SMS sinks): never the developer's ./data.
 * scripts/test.mjs sets DATA_DIR to a folder it removes afterwards; a bare jest run gets its own.
 */
export const TEST_DATA_DIR = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'amtszeit-data-'));
