import type { EffectiveIdentity } from './channel-page';

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

/**
 * Every allow, restriction and forbid of the identity, each with where it comes from: a list
 * rather than a table, so that a phone shows every entry whole.
 */
export function IdentityEntries({ identity }: { identity: EffectiveIdentity }) {
  const entries = entriesOf(identity);
  return (
    <>
      <h3 id="entries-heading">Entries ({entries.length})</h3>
      {entries.length === 0 && <p>No entry: every check in this channel is denied by default.</p>}
      <ul className="entries" aria-labelledby="entries-heading">
        {entries.map((entry) => (
          <li key={entry.key} data-entry={entry.key} data-effect={entry.effect}>
            <span className={`effect effect-${entry.effect}`}>{entry.effect}</span>{' '}
            <strong>{entry.connector}</strong> {entry.actions.join(', ')} on {entry.resources.join(', ')}
            <br />
            <span className="subtle">
              From: {entry.provenance}
              {entry.expiresAt && (
                <>
                  {', until '}
                  <time dateTime={entry.expiresAt}>{new Date(entry.expiresAt).toLocaleString()}</time>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
