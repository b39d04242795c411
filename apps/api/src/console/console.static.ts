import { existsSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '@mandate/domain';

const APPS = join(__dirname, '..', '..', '..');
/**
 * Where `npm run build:console` writes the console (apps/console/dist), whether the API runs from
 * its sources or from their build (`npm run build`: dist/apps/api/…, with the console left in place).
 */
export const CONSOLE_DIST = join(
  basename(join(APPS, '..')) === 'dist' ? join(APPS, '..', '..', 'apps') : APPS,
  'console',
  'dist',
);

export const CONSOLE_PREFIX = '/console';

/**
 * The console's pages may load only what the API serves itself: bundled scripts and styles, no
 * inline script, no other origin, never framed. The API it calls is the same origin; with OIDC
 * sign-in, the page also calls the issuer (discovery and the token endpoint), and that origin only.
 * Going to the issuer's sign-in page is a navigation, which connect-src does not govern.
 */
export function consoleCsp(issuerOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    issuerOrigin === undefined ? "connect-src 'self'" : `connect-src 'self' ${issuerOrigin}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy without OIDC sign-in (dev mode): the console's own origin and nothing else. */
export const CONSOLE_CSP = consoleCsp();

const securityHeaders = (reply: FastifyReply, csp: string): void => {
  void reply.header('content-security-policy', csp);
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
export function registerConsole(
  fastify: FastifyInstance,
  root: string = CONSOLE_DIST,
  issuerOrigin?: string,
): void {
  const csp = consoleCsp(issuerOrigin);
  void fastify.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      securityHeaders(reply, csp);
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
