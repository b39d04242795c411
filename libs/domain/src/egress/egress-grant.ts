import type { EgressRule } from '../agent-identity/agent-identity.document';
import { type CodedIssue, throwIfIssues } from '../shared';
import { normalizeHostPattern } from './host-normalizer';

/**
 * A JIT grant that adds hosts to a channel's egress is an ordinary access request on the reserved
 * connector `egress` with the one action `connect` and `host:port` resources. Keeping it an access
 * request means the approval policy (its per-connector overrides included), the inbox, quorum,
 * expiry, revocation and extension govern it exactly as they govern any other grant; only what a
 * resource means differs. No workspace may register a connector under this id.
 */
export const EGRESS_CONNECTOR = 'egress';
export const EGRESS_ACTION = 'connect';

export type EgressGrantEntry = { ok: true; text: string; rule: EgressRule } | { ok: false; message: string };

const PORT = /^[1-9][0-9]{0,4}$/;

/**
 * `api.example.com:443`, `*.example.com:443`, `10.0.0.1:8443` or `[2001:db8::1]:443`: a host
 * pattern through the one normaliser (the allowlist's grammar) and an explicit port. The answer's
 * `text` is the canonical spelling, so two spellings of one entry are one resource.
 */
export function parseEgressGrantEntry(text: string): EgressGrantEntry {
  const colon = text.lastIndexOf(':');
  const port = colon < 0 ? '' : text.slice(colon + 1);
  const portNumber = Number(port);
  if (!PORT.test(port) || portNumber > 65535) {
    return { ok: false, message: `"${text}" needs a port from 1 to 65535 after the host (host:port)` };
  }
  const hostText = text.slice(0, colon);
  const bracketed = hostText.startsWith('[');
  if (!bracketed && hostText.includes(':')) {
    return { ok: false, message: `"${text}": write an IPv6 address in brackets ([2001:db8::1]:443)` };
  }
  const parsed = normalizeHostPattern(hostText);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  // The normaliser writes an IPv6 address in brackets already.
  return { ok: true, text: `${parsed.text}:${portNumber}`, rule: { host: parsed.text, ports: [portNumber] } };
}

/** The hosts an egress grant's resources name; entries outside the grammar allow nothing. */
export function egressRulesOf(resources: readonly string[]): EgressRule[] {
  return resources.flatMap((resource) => {
    const entry = parseEgressGrantEntry(resource);
    return entry.ok ? [entry.rule] : [];
  });
}

/**
 * What an access request on the `egress` connector asks for, in canonical form: the one action
 * `connect` and `host:port` entries through the normaliser. Refused (422) with `unknown-action` or
 * `malformed-host` naming the entry, never matched as given.
 */
export function parseEgressRequest(
  target: { actions: readonly string[]; resources: readonly string[] },
  path: string,
): string[] {
  const issues: CodedIssue[] = [];
  target.actions.forEach((action, index) => {
    if (action !== EGRESS_ACTION) {
      issues.push({
        code: 'unknown-action',
        path: `${path}.actions[${index}]`,
        message: `"${action}" is not an action of ${EGRESS_CONNECTOR}; ask for "${EGRESS_ACTION}"`,
      });
    }
  });
  const resources = target.resources.flatMap((resource, index) => {
    const entry = parseEgressGrantEntry(resource);
    if (entry.ok) return [entry.text];
    issues.push({ code: 'malformed-host', path: `${path}.resources[${index}]`, message: entry.message });
    return [];
  });
  throwIfIssues(issues);
  return [...new Set(resources)];
}
