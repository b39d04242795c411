import type { paths } from '@mandate/client/openapi';
import type { ChannelChange } from './channel-change-routes';

/** `GET …/channels/{ch}`: the channel and its overrides, typed from the OpenAPI document. */
export type ChannelOverrides =
  paths['/v1/workspaces/{workspaceId}/channels/{channelId}']['get']['responses'][200]['content']['application/json'];

const RULE_LISTS: {
  label: string;
  list: 'extensions' | 'restrictions' | 'forbidden';
  remove: ChannelChange['type'];
}[] = [
  { label: 'Extend', list: 'extensions', remove: 'RemoveChannelExtension' },
  { label: 'Restrict', list: 'restrictions', remove: 'RemoveChannelRestriction' },
  { label: 'Forbid', list: 'forbidden', remove: 'RemoveChannelForbid' },
];

/**
 * What the channel overrides now: its rules, each with a **Remove**, then its instructions, skills,
 * memory scope and invoke policy (each `none` when the baseline's or the workspace's applies).
 */
export function ChannelOverrideLists(props: {
  channel: ChannelOverrides;
  onRemove: (change: ChannelChange) => void;
}) {
  const { channel } = props;
  const skills = Object.entries(channel.skills);
  const policy = channel.invokePolicy;
  return (
    <>
      {RULE_LISTS.map(({ label, remove, list }) => (
        <section key={list} aria-label={`${label} rules`}>
          <h3>{label}</h3>
          {channel[list].length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {channel[list].map((rule) => (
                <li key={rule.id}>
                  <code>{rule.id}</code>: {rule.connector} {rule.actions.join(', ')} on{' '}
                  {rule.resources.join(', ')}{' '}
                  <button
                    type="button"
                    className="quiet"
                    aria-label={`Remove ${label.toLowerCase()} rule ${rule.id}`}
                    onClick={() => props.onRemove({ type: remove, ruleId: rule.id } as ChannelChange)}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <section aria-label="Channel settings">
        <h3>Settings</h3>
        <dl className="facts">
          <dt>Instructions</dt>
          <dd data-testid="channel-instructions">
            {channel.instructions === null
              ? "None here: the baseline's apply"
              : `${channel.instructions.mode === 'append' ? 'Appended' : 'Replacing the baseline'}: ${channel.instructions.text}`}
          </dd>
          <dt>Skills</dt>
          <dd>
            {skills.length === 0
              ? 'As the baseline'
              : skills.map(([skill, state]) => `${skill} ${state}`).join(', ')}
          </dd>
          <dt>Memory scope</dt>
          <dd>
            Its own namespace
            {channel.sharedNamespaces.length === 0 ? ' only' : `, and ${channel.sharedNamespaces.join(', ')}`}
          </dd>
          <dt>Invoke policy</dt>
          <dd data-testid="channel-invoke-policy">
            {policy === null
              ? "The workspace's"
              : [
                  ...policy.roles.map((role) => `role ${role}`),
                  ...policy.groups.map((group) => `group ${group}`),
                  ...policy.principals,
                  ...(policy.channelMembers ? ['channel members'] : []),
                ].join(', ') || 'Nobody'}
          </dd>
        </dl>
      </section>
    </>
  );
}
