import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

/**
 * One web page of the platform: web/<name> is built to dist/web/<name> and served under /<name>/ (see
 * src/http/web-pages.ts). During `vite` development the platform (npm start) answers the API.
 */
export function pageConfig(name: string): UserConfig {
  return defineConfig({
    root: fileURLToPath(new URL(`./${name}`, import.meta.url)),
    base: `/${name}/`,
    build: { outDir: fileURLToPath(new URL(`../dist/web/${name}`, import.meta.url)), emptyOutDir: true },
    server: { proxy: { [`/${name}/api`]: 'http://127.0.0.1:8080', '/integrator-authentication': 'http://127.0.0.1:8080' } },
  });
}
