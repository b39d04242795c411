import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '@mandate/domain';

/** Where `npm run build:console` writes the console (apps/console/dist). */
export const CONSOLE_DIST = join(__dirname, '..', '..', '..', 'console', 'dist');

export const CONSOLE_PREFIX = '/console';

/**
 * The console's pages may load only what the API serves itself: bundled scripts and styles, no
 * inline script, no other origin, never framed. The API it calls is the same origin.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = (reply: FastifyReply): void => {
  void reply.header('content-security-policy', CONSOLE_CSP);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
  void reply.header('cross-origin-opener-policy', 'same-origin');
  void reply.header('x-frame-options', 'DENY');
};

/**
 * Serves the web console's files at `/console/` (no other server, no CDN). Asset names carry a
 * content hash and are cached for good; `index.html` is revalidated, so a new build shows at once.
 * Without a build, `/console` answers 404 `console-not-built` saying how to build it.
 */
export function registerConsole(fastify: FastifyInstance, root: string = CONSOLE_DIST): void {
  void fastify.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      securityHeaders(reply);
      return payload;
    });
    if (!existsSync(join(root, 'index.html'))) {
      const notBuilt = () => {
        throw new DomainError(
          'not_found',
          'console-not-built',
          'The web console is not built: run `npm run build:console` (npm start does it).',
        );
      };
      scope.get(CONSOLE_PREFIX, notBuilt);
      scope.get(`${CONSOLE_PREFIX}/*`, notBuilt);
      return;
    }
    // The console's own address without its trailing slash: its relative asset URLs need the slash.
    scope.get(CONSOLE_PREFIX, (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
    const assets = join(root, 'assets') + sep;
    await scope.register(fastifyStatic, {
      root,
      prefix: `${CONSOLE_PREFIX}/`,
      decorateReply: false,
      index: ['index.html'],
      dotfiles: 'deny',
      setHeaders: (reply, path) => {
        void reply.header(
          'cache-control',
          path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  });
}
