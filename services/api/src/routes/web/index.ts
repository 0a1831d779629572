import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { webDistDir } from '@platescale/web';
import type { FastifyPluginAsync } from 'fastify';

export interface WebOptions {
  /** The built UI (index.html + assets/); default: @platescale/web's dist. */
  distDir?: string;
}

/**
 * The page's own policy: helmet's default forbids blob: images (the UI shows authenticated image fetches as blob
 * URLs) and upgrades requests to https, which a plain-http embedded server cannot serve.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>platescale UI not built</title></head>
<body><h1>The platescale web UI is not built</h1>
<p>Build it once with <code>npm run build:web</code> (the bootstrap does it after install), then reload.
The API itself works: see <a href="/docs">/docs</a>.</p></body></html>
`;

/** Serves the single-page UI at `/` and its hashed assets under `/assets/`; a 503 page when it was not built. */
export const webRoutes: FastifyPluginAsync<WebOptions> = async (app, opts) => {
  const dist = opts.distDir ?? webDistDir;
  let indexHtml: Buffer | undefined;

  await app.register(fastifyStatic, {
    root: join(dist, 'assets'),
    prefix: '/assets/',
    // File names carry a content hash: cache them for good.
    immutable: true,
    maxAge: '365d',
    index: false,
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    // Read lazily and keep it: a build after the server started is picked up without a restart.
    indexHtml ??= await readFile(join(dist, 'index.html')).catch(() => undefined);
    if (!indexHtml)
      return reply.code(503).header('retry-after', '60').type('text/html; charset=utf-8').send(MISSING_PAGE);
    return reply
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(indexHtml);
  });
};
