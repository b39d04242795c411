import { useEffect, useState } from 'react';
import type { paths } from '@mandate/client/openapi';
import { type ApiClient, problemText } from '../api/api-client';

export type ChannelList =
  paths['/v1/workspaces/{workspaceId}/channels']['get']['responses'][200]['content']['application/json'];

/**
 * The workspace's channels the signed-in person may see, and the one chosen (the first until a
 * choice is made), for the pages that work on one channel at a time. A refusal goes to `onProblem`.
 */
export function useChannels(api: ApiClient, workspaceId: string, onProblem: (text: string) => void) {
  const [channels, setChannels] = useState<ChannelList['items']>();
  const [channelId, setChannelId] = useState<string>();

  useEffect(() => {
    void api
      .GET('/v1/workspaces/{workspaceId}/channels', {
        params: { path: { workspaceId }, query: { limit: 500 } },
      })
      .then(
        ({ data, error }) => {
          if (!data) return onProblem(problemText(error));
          setChannels(data.items);
          setChannelId((current) => current ?? data.items[0]?.channelId);
        },
        (error: unknown) => onProblem(problemText(error)),
      );
  }, [api, workspaceId, onProblem]);

  return { channels, channelId, setChannelId };
}
