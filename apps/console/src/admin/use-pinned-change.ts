import { useCallback, useState } from 'react';
import { problemText } from '../api/api-client';
import type { ChangePreview } from './event-preview';

/** What openapi-fetch answers for any call. */
interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A stale `If-Match` (someone saved in between): the API answers 409 or 412 with a problem. */
const isConflict = (status: number) => status === 409 || status === 412;

/**
 * The state every admin edit shares: the revision read (`ETag`) that previews and saves are pinned
 * to with `If-Match`, the preview answered by the resource's own decider, and the save's outcome —
 * a conflict (someone saved in between), a refusal, or the events recorded.
 */
export function usePinnedChange() {
  const [etag, setEtag] = useState<string>();
  const [preview, setPreview] = useState<ChangePreview>();
  const [conflict, setConflict] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();

  /** After a read: its revision is the one to pin, and nothing of the previous edit is pending. */
  const loaded = useCallback((response: Response) => {
    setEtag(response.headers.get('etag') ?? undefined);
    setConflict(undefined);
    setPreview(undefined);
  }, []);

  /** Runs a preview (`save: false`) or a save; a save's answer says which events it recorded. */
  const run = async (save: boolean, call: (header: { 'If-Match': string }) => Promise<Answer>) => {
    setProblem(undefined);
    setSaved(undefined);
    try {
      const answer = await call({ 'If-Match': etag ?? '' });
      if (isConflict(answer.response.status)) return setConflict(problemText(answer.error));
      if (!answer.response.ok) return setProblem(problemText(answer.error));
      setConflict(undefined);
      if (!save) return setPreview(answer.data as ChangePreview);
      const written = (answer.data as { events?: string[] } | undefined)?.events ?? [];
      setEtag(answer.response.headers.get('etag') ?? etag);
      setPreview(undefined);
      setSaved(
        written.length === 0
          ? 'Saved: nothing changed, no event recorded.'
          : `Saved: ${written.length} event(s) recorded (${written.join(', ')}).`,
      );
      return written;
    } catch (error) {
      setProblem(problemText(error));
    }
  };

  return {
    etag,
    preview,
    conflict,
    problem,
    saved,
    loaded,
    setProblem,
    clearPreview: useCallback(() => setPreview(undefined), []),
    runPreview: (call: Parameters<typeof run>[1]) => run(false, call),
    runSave: (call: Parameters<typeof run>[1]) => run(true, call),
  };
}

export type PinnedChange = ReturnType<typeof usePinnedChange>;
