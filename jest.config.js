// ESM jest with swc: Nest 12 ships ESM only, so the CommonJS transform cannot load it.
import { readFileSync } from 'node:fs';

const swc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/plugins', '<rootDir>/admin-config', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Generous: CI machines vary 3× in speed; a hang still fails, and speed is measured by the benchmarks.
  testTimeout: 180000,
  maxWorkers: 2,
};
