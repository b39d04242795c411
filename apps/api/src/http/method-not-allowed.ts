import { MethodNotAllowedException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * `405 method-not-allowed` with an `Allow` header when the path exists but not for this method;
 * Fastify's router alone would answer 404, telling the client that the resource does not exist.
 * The routes are collected as they are declared (install this before any route is added) and
 * matched only when nothing matched the request, so routed requests pay nothing.
 */
export function installMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  fastify.addHook('onRoute', (route) => {
    const entry = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    routes.set(route.url, entry);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // `is404` reads the route's url as `routeOptions.url` would, without building that object.
    if (!request.is404) return done();
    const path = request.url.split('?', 1)[0];
    const allowed = new Set<string>();
    for (const { pattern, methods } of routes.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size === 0) return done();
    void reply.header('allow', [...allowed].sort().join(', '));
    done(new MethodNotAllowedException(`${request.method} is not served here`));
  });
}

/** `/v1/workspaces/:workspaceId` → one segment per parameter; `*` → anything. */
const patternOf = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((segment) =>
        segment.startsWith(':')
          ? '[^/]+'
          : segment === '*'
            ? '.*'
            : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  );
