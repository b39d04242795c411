import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import type { paths } from '@mandate/client/openapi';
import { InstantField } from '../common/fields';
import { instantOf, localOf } from '../common/local-instant';
import { ProblemAlert } from '../common/problem-alert';
import { IdentityEntries } from './identity-entries';
import { IdentitySettings } from './identity-settings';
import { TimeControl } from './time-control';
import { useChannels } from './use-channels';

export type EffectiveIdentity =
  paths['/v1/workspaces/{workspaceId}/channels/{channelId}/effective-identity']['get']['responses'][200]['content']['application/json'];

/**
 * A channel's effective identity, now or as of a past instant (`at`): every entry with where it
 * comes from, the memory scope, the egress allowlist and the invoke policy. The instant is picked on
 * a slider over the channel's recorded changes, or typed to the millisecond.
 */
export function ChannelPage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const channelFieldId = useId();
  const [asOf, setAsOf] = useState('');
  const [shownAt, setShownAt] = useState<string>();
  const [identity, setIdentity] = useState<EffectiveIdentity>();
  const [problem, setProblem] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);

  const { channels, channelId, setChannelId } = useChannels(api, workspaceId, setProblem);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const read = useCallback(
    async (channel: string, at: string | undefined) => {
      setProblem(undefined);
      try {
        const { data, error } = await api.GET(
          '/v1/workspaces/{workspaceId}/channels/{channelId}/effective-identity',
          { params: { path: { workspaceId, channelId: channel }, query: at === undefined ? {} : { at } } },
        );
        setIdentity(data);
        setShownAt(at);
        if (!data) setProblem(problemText(error));
      } catch (error) {
        setProblem(problemText(error));
      }
    },
    [api, workspaceId],
  );

  useEffect(() => {
    if (channelId !== undefined) void read(channelId, undefined);
  }, [channelId, read]);

  const show = (event: FormEvent) => {
    event.preventDefault();
    if (channelId !== undefined) void read(channelId, instantOf(asOf));
  };
  /** A stop of the time control: the field shows its instant, the page the channel as of it. */
  const pick = (at: string | undefined) => {
    setAsOf(at === undefined ? '' : localOf(at));
    if (channelId !== undefined) void read(channelId, at);
  };
  const showNow = () => {
    setAsOf('');
    if (channelId !== undefined) void read(channelId, undefined);
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Channel identity
      </h1>
      <form className="query-form" onSubmit={show} aria-label="Which channel, as of when">
        <div className="field">
          <label htmlFor={channelFieldId}>Channel</label>
          <select id={channelFieldId} value={channelId ?? ''} onChange={(e) => setChannelId(e.target.value)}>
            {channels?.map((channel) => (
              <option key={channel.channelId} value={channel.channelId}>
                #{channel.channelId} · {channel.name}
                {channel.status === 'archived' ? ' (archived)' : ''}
              </option>
            ))}
          </select>
        </div>
        {channelId !== undefined && (
          <TimeControl
            api={api}
            workspaceId={workspaceId}
            channelId={channelId}
            shownAt={shownAt}
            onPick={pick}
            onProblem={setProblem}
          />
        )}
        <InstantField label="As of (your time zone; empty: now)" value={asOf} onChange={setAsOf} />
        <div className="actions">
          <button type="submit">Show</button>
          <button type="button" className="quiet" onClick={showNow}>
            Now
          </button>
        </div>
      </form>
      <ProblemAlert message={problem} />
      {identity && (
        <section aria-labelledby="identity-heading" data-testid="channel-identity" data-at={shownAt ?? 'now'}>
          <h2 id="identity-heading">
            #{identity.channelId}{' '}
            <span className="subtle">
              {shownAt === undefined ? 'now' : `as of ${new Date(shownAt).toLocaleString()}`} · log position{' '}
              {identity.position}
            </span>
          </h2>
          {identity.archived && (
            <p className="problem">This channel is archived: its agent identity has no entries.</p>
          )}
          {identity.disabled && (
            <p className="problem" role="status">
              Kill switch on ({identity.disabled.scope}): every check denies. Reason:{' '}
              {identity.disabled.reason}
            </p>
          )}
          <IdentityEntries identity={identity} />
          <IdentitySettings identity={identity} />
        </section>
      )}
    </>
  );
}
