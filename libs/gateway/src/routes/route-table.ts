/**
 * A connector's HTTP API as (method, path template) → (action, resource): what the gateway's
 * connector endpoint decides a request as. A template is `/`-separated: literal segments,
 * `{name}` for one segment, and a last `{name+}` for one or more. The resource is built from the
 * named segments (`{owner}/{repo}`). A path outside every template is unknown, and an unknown
 * route is denied: the table is the allowlist of what the agent may call at all.
 */
export interface RouteRule {
  method: string;
  template: string;
  action: string;
  resource: string;
}

export type RouteMatch =
  | { ok: true; action: string; resource: string; template: string }
  | { ok: false; code: 'malformed-path' | 'unknown-route'; message: string };

interface CompiledRoute extends RouteRule {
  segments: string[];
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

/**
 * The path's segments, each percent-decoded once. Refused rather than normalised: an empty, `.`
 * or `..` segment, or one whose decoding holds `/`, `\`, a control character or is `.`/`..`
 * (the upstream may read it otherwise than the table does), or an undecodable escape.
 */
export function pathSegments(path: string): string[] | undefined {
  if (!path.startsWith('/') || path.length > 2048) return undefined;
  const raw = path.slice(1).split('/');
  const segments: string[] = [];
  for (const segment of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded === '' || decoded === '.' || decoded === '..') return undefined;
    if (hasSeparatorOrControl(decoded)) return undefined;
    segments.push(decoded);
  }
  return segments;
}

/** `/`, backslash, C0 controls and DEL: never inside one segment of a path the upstream re-parses. */
function hasSeparatorOrControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x2f || code === 0x5c || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(rules: readonly RouteRule[]) {
    this.routes = rules.map((rule) => ({ ...rule, segments: rule.template.slice(1).split('/') }));
  }

  /** `path` without its query string. */
  match(method: string, path: string): RouteMatch {
    const segments = pathSegments(path);
    if (segments === undefined) {
      return {
        ok: false,
        code: 'malformed-path',
        message: 'The path has an empty, relative or encoded-separator segment',
      };
    }
    const upper = method.toUpperCase();
    for (const route of this.routes) {
      if (route.method !== upper) continue;
      const params = bind(route.segments, segments);
      if (params === undefined) continue;
      const resource = route.resource.replace(/\{(\w+)\}/g, (_, name: string) => params.get(name) ?? '');
      return { ok: true, action: route.action, resource, template: route.template };
    }
    return {
      ok: false,
      code: 'unknown-route',
      message: `${upper} ${path} is not a route this connector knows`,
    };
  }
}

function bind(template: string[], segments: string[]): Map<string, string> | undefined {
  const params = new Map<string, string>();
  for (let index = 0; index < template.length; index++) {
    const part = template[index];
    if (part.endsWith('+}')) {
      if (index >= segments.length) return undefined;
      params.set(part.slice(1, -2), segments.slice(index).join('/'));
      return params;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (isParam(part)) params.set(part.slice(1, -1), segment);
    else if (part !== segment) return undefined;
  }
  return template.length === segments.length ? params : undefined;
}
