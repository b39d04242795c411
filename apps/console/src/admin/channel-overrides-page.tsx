import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import { useChannels } from '../channel/use-channels';
import { saveChannelChange, type ChannelChange } from './channel-change-routes';
import { ChannelChangeForm } from './channel-change-form';
import { ChannelOverrideLists, type ChannelOverrides } from './channel-override-lists';
import { PinnedChangeFeedback } from './pinned-change-feedback';
import { usePinnedChange } from './use-pinned-change';

/**
 * A channel's overrides as an admin changes them, one change at a time: the same decider previews
 * the events a change would record (nothing written), and the change is saved pinned with `If-Match`
 * to the channel's revision read here, so a concurrent change shows as a conflict.
 */
export function ChannelOverridesPage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [channel, setChannel] = useState<ChannelOverrides>();
  const change = usePinnedChange();
  const { loaded, setProblem } = change;

  const { channels, channelId, setChannelId } = useChannels(api, workspaceId, setProblem);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const load = useCallback(async () => {
    if (channelId === undefined) return;
    try {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/channels/{channelId}', {
        params: { path: { workspaceId, channelId } },
      });
      if (!data) return setProblem(problemText(error));
      setChannel(data);
      loaded(response);
    } catch (error) {
      setProblem(problemText(error));
    }
  }, [api, workspaceId, channelId, loaded, setProblem]);

  useEffect(() => void load(), [load]);

  /** Previews (`save: false`) or saves one change, pinned to the revision read. */
  const send = async (typed: ChannelChange, save: boolean) => {
    if (channelId === undefined) return;
    const path = { workspaceId, channelId };
    if (!save) {
      await change.runPreview((header) =>
        api.POST('/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview', {
          params: { path, header },
          body: { change: typed },
        }),
      );
      return;
    }
    const written = await change.runSave((header) =>
      saveChannelChange(api, workspaceId, channelId, typed, header),
    );
    // The channel again (its new revision), keeping the message of what was recorded.
    if (written !== undefined) {
      const { data, response } = await api.GET('/v1/workspaces/{workspaceId}/channels/{channelId}', {
        params: { path },
      });
      if (data) setChannel(data);
      if (data) loaded(response);
    }
  };

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Channel overrides
      </h2>
      <div className="field">
        <label htmlFor={`${id}-channel`}>Channel</label>
        <select
          id={`${id}-channel`}
          value={channelId ?? ''}
          onChange={(event) => setChannelId(event.target.value)}
        >
          {channels?.map((listed) => (
            <option key={listed.channelId} value={listed.channelId}>
              #{listed.channelId}
            </option>
          ))}
        </select>
      </div>
      <p>
        Based on revision {change.etag?.replace(/"/g, '') ?? '…'}. Each change is previewed, then saved on its
        own.
      </p>
      {channel && (
        <>
          <ChannelOverrideLists channel={channel} onRemove={(removal) => void send(removal, true)} />
          <ChannelChangeForm
            key={channel.channelId}
            current={channel}
            onSend={(typed, save) => void send(typed, save)}
            onEdit={change.clearPreview}
            onInvalid={setProblem}
          />
        </>
      )}
      <PinnedChangeFeedback change={change} subject="channel" onReload={() => void load()} />
    </section>
  );
}
