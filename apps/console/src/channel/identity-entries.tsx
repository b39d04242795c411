import type { EffectiveIdentity } from './channel-page';
import { TableScroll } from '../common/table-scroll';

type Connection = EffectiveIdentity['connections'][number];

interface Entry {
  key: string;
  effect: 'allow' | 'restrict' | 'forbid';
  connector: string;
  actions: string[];
  resources: string[];
  provenance: string;
  expiresAt?: string;
}

/** Where an allow comes from, in the words of docs/permissions.md. */
function provenanceOf(connection: Connection): string {
  switch (connection.source) {
    case 'baseline':
      return `Baseline (${connection.rule})`;
    case 'bundle':
      return `Bundle ${connection.bundle ?? connection.rule} (attached to the ${connection.scope ?? 'workspace'})`;
    case 'channel':
      return `Channel extension (${connection.rule})`;
    case 'jit':
      return `JIT grant ${connection.grantId ?? connection.rule}`;
  }
}

function entriesOf(identity: EffectiveIdentity): Entry[] {
  return [
    ...identity.connections.map((connection) => ({
      key: `allow:${connection.rule}`,
      effect: 'allow' as const,
      connector: connection.connector,
      actions: connection.actions,
      resources: connection.resources,
      provenance: provenanceOf(connection),
      expiresAt: connection.expiresAt,
    })),
    ...identity.restrictions.map((rule) => ({
      key: `restrict:${rule.id}`,
      effect: 'restrict' as const,
      connector: rule.connector,
      actions: rule.actions,
      resources: rule.resources,
      provenance: `Restriction (${rule.id})`,
    })),
    ...identity.forbidden.map((rule) => ({
      key: `forbid:${rule.source}:${rule.id}`,
      effect: 'forbid' as const,
      connector: rule.connector,
      actions: rule.actions,
      resources: rule.resources,
      provenance: `Forbidden by the ${rule.source} (${rule.id})`,
    })),
  ];
}

/** Every allow, restriction and forbid of the identity, each with where it comes from. */
export function IdentityEntries({ identity }: { identity: EffectiveIdentity }) {
  const entries = entriesOf(identity);
  return (
    <TableScroll label="Entries of the identity">
      <table className="timeline">
        <caption>Entries ({entries.length})</caption>
        <thead>
          <tr>
            <th scope="col">Effect</th>
            <th scope="col">Connector</th>
            <th scope="col">Actions</th>
            <th scope="col">Resources</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={5}>No entry: every check in this channel is denied by default.</td>
            </tr>
          )}
          {entries.map((entry) => (
            <tr key={entry.key} data-entry={entry.key} data-effect={entry.effect}>
              <td>
                <span className={`effect effect-${entry.effect}`}>{entry.effect}</span>
              </td>
              <td>{entry.connector}</td>
              <td>{entry.actions.join(', ')}</td>
              <td>{entry.resources.join(', ')}</td>
              <td>
                {entry.provenance}
                {entry.expiresAt && (
                  <>
                    {', until '}
                    <time dateTime={entry.expiresAt}>{new Date(entry.expiresAt).toLocaleString()}</time>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
