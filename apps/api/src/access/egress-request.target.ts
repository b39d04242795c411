import {
  checkEgress,
  type CompiledWorkspace,
  DomainError,
  normalizeHostPattern,
  parseEgressRequest,
} from '@mandate/domain';

/**
 * Request-time checks of an access request for egress hosts (connector `egress`): the entries
 * parse (canonical `host:port`, else 422 `malformed-host`), and none is a host the channel refuses —
 * a refusal is a guardrail a grant does not lift, so the request is refused now rather than granted
 * to allow nothing. Answers the canonical resources the request is recorded with.
 */
export function validateEgressTarget(
  compiled: CompiledWorkspace,
  body: { channelId: string; actions: string[]; resources: string[] },
): string[] {
  const resources = parseEgressRequest(body, 'body');
  const refused = compiled.channelEgressDenied(body.channelId);
  resources.forEach((resource) => {
    const colon = resource.lastIndexOf(':');
    const port = Number(resource.slice(colon + 1));
    const parsed = normalizeHostPattern(resource.slice(0, colon));
    if (!parsed.ok) return;
    const { pattern } = parsed;
    const rule =
      pattern.kind === 'subdomains'
        ? refused?.domains.get(pattern.domain)?.has(port) &&
          `channel/${body.channelId}/egress-deny/${parsed.text}`
        : checkEgress(compiled, { host: pattern.host, port, channelId: body.channelId }).rule;
    if (typeof rule === 'string' && rule.startsWith(`channel/${body.channelId}/egress-deny/`)) {
      throw new DomainError(
        'unprocessable',
        'forbidden-by-guardrail',
        `${resource} is refused in channel ${body.channelId}; no grant lifts that`,
        [{ path: 'body.resources', message: `forbidden by ${rule}` }],
      );
    }
  });
  return resources;
}
