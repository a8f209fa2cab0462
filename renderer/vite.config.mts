import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer: one static bundle that Electron loads from its app://
 * protocol and `sitesync ui` serves from a secret path. Relative asset URLs
 * (`base: './'`) work under both; no inline script is emitted, so the strict
 * CSP holds.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // The app icon (assets/icon.svg, icon.png) is the one source for the window, the installer and the page.
  publicDir: '../assets',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The module-preload polyfill would be the only inline code; every target browser has modulepreload.
    modulePreload: { polyfill: false },
  },
});
