import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendProblem } from '@mandate/http';
import { createLogger } from '@mandate/observability';
import { CONSOLE_CSP, consoleCsp, registerConsole } from './console.static';

const silent = createLogger({ level: 'silent' });

async function serve(root: string, issuerOrigin?: string): Promise<FastifyInstance> {
  const fastify = Fastify();
  // As in the API: refusals are problem+json.
  fastify.setErrorHandler((error, request, reply) => sendProblem(silent, error, request, reply));
  registerConsole(fastify, root, issuerOrigin);
  await fastify.ready();
  return fastify;
}

function built(): string {
  const root = mkdtempSync(join(tmpdir(), 'mandate-console-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Mandate console</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  return root;
}

describe('the console’s files, served by the API', () => {
  it('serves index.html with the CSP, revalidated; hashed assets cached for good; /console redirects', async () => {
    // given a build
    const fastify = await serve(built());

    // when the console and one of its assets are fetched
    const redirect = await fastify.inject({ method: 'GET', url: '/console' });
    const page = await fastify.inject({ method: 'GET', url: '/console/' });
    const asset = await fastify.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });

    // then every answer carries the CSP, the page is revalidated and the asset immutable
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/console/']);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mandate console');
    for (const response of [redirect, page, asset]) {
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    await fastify.close();
  });

  it('with OIDC sign-in, the page may also call the issuer’s origin, and only it', async () => {
    // given the API configured with an identity provider for the console
    const fastify = await serve(built(), 'https://idp.example');

    const page = await fastify.inject({ method: 'GET', url: '/console/' });

    // then connect-src names the console's origin and the issuer's, and nothing else changes
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toBe(consoleCsp('https://idp.example'));
    expect(policy.split('; ').filter((directive) => directive.includes('idp.example'))).toEqual([
      "connect-src 'self' https://idp.example",
    ]);
    expect(CONSOLE_CSP).toContain("connect-src 'self';");
    await fastify.close();
  });

  it('serves nothing outside the build: no dotfile, no parent directory', async () => {
    const fastify = await serve(built());

    const dotfile = await fastify.inject({ method: 'GET', url: '/console/.env' });
    const parent = await fastify.inject({ method: 'GET', url: '/console/../package.json' });
    const encoded = await fastify.inject({ method: 'GET', url: '/console/%2e%2e/package.json' });

    for (const response of [dotfile, parent, encoded]) {
      expect(response.statusCode).not.toBe(200);
      expect(response.body).not.toContain('SECRET');
      expect(response.body).not.toContain('"name": "mandate"');
    }
    await fastify.close();
  });

  it('without a build, /console answers 404 console-not-built, saying how to build it', async () => {
    const fastify = await serve(mkdtempSync(join(tmpdir(), 'mandate-console-none-')));

    const response = await fastify.inject({ method: 'GET', url: '/console/' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      code: 'console-not-built',
      detail: expect.stringContaining('build:console'),
    });
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    await fastify.close();
  });
});
