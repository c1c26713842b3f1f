import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` writes the pages; the same from src/http (tests) and dist/http (npm start). */
const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * Serves a Vite-built page (SPEC §9 web paths) at `/<name>/` from dist/web/<name>. Its index is never cached
 * (it names the current bundle); the bundle's files are named by their content hash, so they are cached for good.
 * Without a build, the page answers 503 saying how to build it rather than a bare 404.
 */
export async function servePage(app: FastifyInstance, name: string): Promise<void> {
  const root = `${WEB_ROOT}${name}`;
  if (!existsSync(`${root}/index.html`)) {
    const message = `The ${name} page is not built: run npm run build:web`;
    for (const url of [`/${name}`, `/${name}/`]) {
      app.get(url, { schema: { hide: true } }, async (request, reply) => reply.code(503).send({ code: null, message, correlationId: request.id }));
    }
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: `/${name}/`,
    decorateReply: false,
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  // The page's own links take a query (the wallet's ?phone=), which the redirect keeps.
  app.get(`/${name}`, { schema: { hide: true } }, async (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/${name}/${query < 0 ? '' : request.url.slice(query)}`);
  });
}
