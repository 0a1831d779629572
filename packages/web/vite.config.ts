import { defineConfig } from 'vite';

// Preact's JSX through esbuild (no framework plugin): the bundle stays a few tens of kB.
export default defineConfig({
  root: '.',
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsDir: 'assets', sourcemap: false },
});
