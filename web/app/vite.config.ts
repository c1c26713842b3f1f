import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The wallet app is served by the platform under /app/ from dist/web/app (see src/http/web-pages.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  build: { outDir: fileURLToPath(new URL('../../dist/web/app', import.meta.url)), emptyOutDir: true },
  // During `vite` development the platform (npm start) answers the API.
  server: { proxy: { '/app/api': 'http://127.0.0.1:8080' } },
});
