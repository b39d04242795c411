import { defineConfig } from 'vite';

/**
 * The console is built into `dist/` and served by the API at `/console/`: every script and style
 * is a bundled file of its own (no inline code, no CDN), so the API's CSP can stay `'self'`.
 */
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Chromium, Firefox and Safari all preload modules: no polyfill code in the entry chunk.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
