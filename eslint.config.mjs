import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layers are folders (docs/architecture.md). A wrong import fails the lint:
 * src/ runs in plain Node (no Electron, no React), renderer/ talks to the
 * core only through the contract, main/ is a thin adapter.
 */
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'renderer/dist/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // Tests read JSON answers whose shape they assert; typing each one would hide nothing.
  { files: ['tests/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layer(['src/**/*.ts'], [
    { group: ['electron', 'electron/*'], message: 'src/ runs in plain Node: no Electron here (DESIGN §1).' },
    { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'], message: 'src/ has no UI: React belongs in renderer/.' },
    { group: ['**/main/*', '**/renderer/*'], message: 'src/ is the core: it imports neither main/ nor renderer/.' },
  ]),
  layer(['src/domain/**/*.ts', 'src/contract/**/*.ts'], [
    { group: ['typeorm', '**/db/*', '**/sync/*', '**/cloud/*', '**/app/*', '**/cli/*'], message: 'domain and contract are pure: they import no storage, sync, cloud, app or CLI code.' },
  ]),
  layer(['src/sync/**/*.ts'], [{ group: ['**/cloud/*', '**/cli/*', 'fastify'], message: 'the local sync engine speaks to the cloud over HTTP only.' }]),
  layer(['src/cloud/**/*.ts'], [{ group: ['**/app/*', '**/cli/*', 'axios'], message: 'the cloud role does not use the local app or the CLI.' }]),
  layer(['renderer/**/*.{ts,tsx}'], [
    { group: ['electron', 'typeorm', 'sqlite3', 'fastify', 'node:*', 'fs', 'path', '**/src/db/*', '**/src/sync/*', '**/src/cloud/*', '**/src/app/*', '**/src/cli/*', '**/main/*'], message: 'the renderer knows only window.sitesync and src/contract (and pure src/domain).' },
  ]),
  layer(['main/**/*.ts'], [{ group: ['react', 'react-dom', '**/renderer/*', '**/src/db/*', '**/src/sync/*', '**/src/cloud/*'], message: 'main/ is a thin adapter over src/app and src/contract.' }]),
);
