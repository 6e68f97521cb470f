// The web app: React with Vite's built-in JSX transform (no React plugin, no Fast Refresh),
// built into dist/web at the repository root, which the server serves.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // exceljs (lazy, only for Excel downloads) is the one chunk above the default 500 kB.
    chunkSizeWarningLimit: 1000,
    // Mantine marks its modules "use client" (for React Server Components); harmless in a SPA.
    rolldownOptions: { checks: { moduleLevelDirective: false } },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
