import { deciderSpec } from '@mandate/testing';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { github } from './access-bundle.builders';
import type { AccessBundleCommand } from './access-bundle.commands';
import { accessBundleDecider } from './access-bundle.decider';
import type { AccessBundleDocumentInput } from './access-bundle.document';
import type { AccessBundleEvent } from './access-bundle.events';

/** A bundle's connections are narrowed exactly as the baseline's: parsed, canonical, recorded. */

const spec = deciderSpec(accessBundleDecider);
const put = (document: AccessBundleDocumentInput): AccessBundleCommand => ({
  type: 'ApplyAccessBundleDocument',
  workspaceId: 'acme',
  bundleId: 'eng-tools',
  document,
  catalog: createConnectorCatalog(),
  callerRoles: ['admin'],
  actor: { kind: 'user', id: 'alice' },
  now: '2026-11-30T12:00:00.000Z',
});
const narrowing = { hosts: ['api.github.com'], methods: 'read-only' as const };
const existing: AccessBundleEvent[] = [
  { type: 'AccessBundleCreated', data: { bundleId: 'eng-tools', workspaceId: 'acme', name: 'Eng' } },
  { type: 'BundleConnectionAdded', data: { connection: github } },
];

describe('connection narrowing in an access bundle', () => {
  it('given a bundle connection, when it is narrowed, then the change is recorded with the narrowing', () => {
    spec
      .given(existing)
      .when(
        put({
          name: 'Eng',
          connections: [{ ...github, narrowing: { ...narrowing, hosts: ['API.GitHub.com'] } }],
        }),
      )
      .then([{ type: 'BundleConnectionChanged', data: { connection: { ...github, narrowing } } }]);
  });

  it('given a narrowed bundle connection, when the narrowing is lifted, then the change is recorded', () => {
    spec
      .given([
        ...existing.slice(0, 1),
        { type: 'BundleConnectionAdded', data: { connection: { ...github, narrowing } } },
      ])
      .when(put({ name: 'Eng', connections: [github] }))
      .then([{ type: 'BundleConnectionChanged', data: { connection: github } }]);
  });

  it('refuses a path prefix outside the grammar, naming it', () => {
    spec
      .given(existing)
      .when(put({ name: 'Eng', connections: [{ ...github, narrowing: { pathPrefixes: ['/repos//acme'] } }] }))
      .thenRefuses({ code: 'malformed-path-prefix', path: 'connections[0].narrowing.pathPrefixes[0]' });
  });
});
