import { defineConfig } from 'vite';

// Two pages (console, viewer) and the <auditledge-viewer> element, whose file name is stable so
// other origins can reference it. @auditledge/core's `#crypto` import resolves to its pure-JS
// @noble implementation under the "browser"/"default" conditions (never "node").
export default defineConfig({
  base: '/',
  resolve: { conditions: ['browser', 'module', 'production', 'default'] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { console: 'index.html', viewer: 'viewer.html', element: 'src/element.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'element' ? 'auditledge-viewer.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
