import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeHostPattern } from '../egress/host-normalizer';
import { validateNarrowing } from '../agent-identity/connection-narrowing';
import { validatePermissionRule, validateUniqueIds } from '../permissions/permission-rule';
import type { CodedIssue } from '../shared';
import type { AccessBundleDocument } from './access-bundle.document';

/** Connections against the catalog, domains against the allowlist grammar, as the baseline's are. */
export function validateBundleDocument(
  document: AccessBundleDocument,
  catalog: ConnectorCatalog,
): CodedIssue[] {
  const issues: CodedIssue[] = [
    ...validateUniqueIds(document.connections, 'connections'),
    ...document.connections.flatMap((rule, index) =>
      validatePermissionRule(rule, catalog, `connections[${index}]`),
    ),
    ...document.connections.flatMap((connection, index) =>
      validateNarrowing(connection.narrowing, `connections[${index}].narrowing`),
    ),
  ];
  const hosts = new Set<string>();
  document.domains.forEach((rule, index) => {
    const path = `domains[${index}].host`;
    const parsed = normalizeHostPattern(rule.host);
    if (!parsed.ok) {
      const message = `${parsed.message}; entries look like api.github.com, *.googleapis.com or 10.0.0.1`;
      issues.push({ code: 'malformed-pattern', path, message });
    } else if (hosts.has(parsed.text)) {
      issues.push({ code: 'duplicate-host', path, message: `"${parsed.text}" is listed twice` });
    } else {
      hosts.add(parsed.text);
    }
  });
  return issues;
}
