import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The preload as one CommonJS file: a sandboxed preload may require only
 * `electron`, so the contract it is built from is bundled in.
 */
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('../dist/main', import.meta.url)),
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    target: 'node22',
    lib: { entry: fileURLToPath(new URL('preload.ts', import.meta.url)), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
