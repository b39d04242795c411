import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiClient, type AccessRequestSummary, problemText } from '../api/api-client';
import { followAccessRequestUpdates, type UpdatesStatus } from '../api/access-request-updates';

export interface InboxLists {
  /** Pending requests (or extensions) the signed-in person may decide. */
  toDecide: AccessRequestSummary[];
  active: AccessRequestSummary[];
  /** The person's own pending requests. */
  mine: AccessRequestSummary[];
  /** When the API answered (ms), for the countdowns. */
  fetchedAt: number;
}

/**
 * The inbox's lists, read through the public list route and read again whenever the update stream
 * says a request the person may see changed: no list is patched from an event, so the inbox shows
 * exactly what the API's inbox rule (`approvable=true`) answers.
 */
export function useAccessRequests(api: ApiClient, workspaceId: string, token: string) {
  const [lists, setLists] = useState<InboxLists>();
  const [problem, setProblem] = useState<string>();
  const [status, setStatus] = useState<UpdatesStatus>('connecting');
  const latest = useRef(0);
  const reading = useRef<{ again: boolean } | undefined>(undefined);

  const read = useCallback(async () => {
    const call = ++latest.current;
    const list = (query: { approvable?: 'true'; mine?: 'true'; status?: 'pending' | 'active' }) =>
      api.GET('/v1/workspaces/{workspaceId}/access-requests', {
        params: { path: { workspaceId }, query: { ...query, limit: 500 } },
      });
    try {
      const [toDecide, active, mine] = await Promise.all([
        list({ approvable: 'true' }),
        list({ status: 'active' }),
        list({ mine: 'true', status: 'pending' }),
      ]);
      if (call !== latest.current) return;
      if (!toDecide.data || !active.data || !mine.data) {
        return setProblem(problemText(toDecide.error ?? active.error ?? mine.error));
      }
      setProblem(undefined);
      setLists({
        toDecide: toDecide.data.items,
        active: active.data.items,
        mine: mine.data.items,
        fetchedAt: Date.now(),
      });
    } catch (error) {
      if (call === latest.current) setProblem(problemText(error));
    }
  }, [api, workspaceId]);

  // Changes arrive in bursts (votes, a grant and its events): one read at a time, and one more
  // after it when something changed meanwhile, rather than a read per event.
  const refresh = useCallback(async () => {
    if (reading.current) {
      reading.current.again = true;
      return;
    }
    reading.current = { again: false };
    try {
      do {
        reading.current.again = false;
        await read();
      } while (reading.current.again);
    } finally {
      reading.current = undefined;
    }
  }, [read]);

  useEffect(() => {
    const controller = new AbortController();
    void refresh();
    void followAccessRequestUpdates({
      workspaceId,
      token,
      onChange: () => void refresh(),
      onStatus: setStatus,
      signal: controller.signal,
    });
    return () => controller.abort();
  }, [refresh, workspaceId, token]);

  return { lists, problem, status, refresh };
}
