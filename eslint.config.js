// ESLint flat config: typescript-eslint's recommended rules for the TypeScript sources, plain JS
// recommended for the scripts and config files. Formatting is Prettier's job (`npm run lint` runs both).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated migrations (and their generated index) are written by scripts/migration-generate.mjs.
    ignores: ['**/dist/**', '**/data/**', '**/node_modules/**', '**/coverage/**', '.adminjs/**', '.adminjs-tmp/**', '**/migrations/**'],
  },
  {
    files: ['apps/**/*.ts', 'plugins/**/*.ts', 'admin-config/**/*.ts', 'tenants/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      // A leading underscore marks a deliberately unused argument or a field dropped from a rest copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // TypeORM takes entity and migration classes as `Function`; our lists of them use its type.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // AdminJS's adapter API is loosely typed (records, payloads, actions), and test harnesses poke at internals.
    files: ['admin-config/**/*.ts', 'test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', '*.js', '*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    // Plain browser scripts served to the portal as they are.
    files: ['apps/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);
