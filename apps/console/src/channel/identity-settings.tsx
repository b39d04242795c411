import type { EffectiveIdentity } from './channel-page';

const list = (items: string[], none: string) => (items.length === 0 ? none : items.join(', '));

/** The rest of the identity: memory scope, egress allowlist, invoke policy, bundles, live leases. */
export function IdentitySettings({ identity }: { identity: EffectiveIdentity }) {
  return (
    <>
      <h3>Memory, egress and invoking</h3>
      <dl className="facts">
        <dt>Memory: its own</dt>
        <dd data-testid="memory-own">{identity.memory.own}</dd>
        <dt>Memory: may also read</dt>
        <dd>{list(identity.memory.readable, 'nothing else')}</dd>
        <dt>Egress allowlist</dt>
        <dd data-testid="egress">
          {list(
            identity.egress.map((domain) => `${domain.host}:${domain.ports.join('/')}`),
            'none: no outbound host',
          )}
        </dd>
        <dt>Invoke policy</dt>
        <dd data-testid="invoke-policy">
          from the {identity.invokePolicy.source}: <code>{JSON.stringify(identity.invokePolicy.policy)}</code>
        </dd>
        <dt>Bundles reaching it</dt>
        <dd>
          {list(
            identity.bundles.map((bundle) => `${bundle.name} (${bundle.bundle}, ${bundle.scope})`),
            'none',
          )}
        </dd>
        <dt>Repositories</dt>
        <dd>{list(identity.repositories, 'none')}</dd>
        <dt>Skills</dt>
        <dd>{list(identity.skills, 'none')}</dd>
        <dt>Credential leases live at this instant</dt>
        <dd>
          {list(
            identity.leases.map(
              (lease) =>
                `${lease.connector} ${lease.actions.join('/')} for ${lease.invokedBy} (${lease.leaseId})`,
            ),
            'none',
          )}
        </dd>
      </dl>
    </>
  );
}
