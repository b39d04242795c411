import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import type { paths } from '@mandate/client/openapi';
import { ProblemAlert } from '../common/problem-alert';
import { BaselineConflict } from './baseline-conflict';
import { EventPreview } from './event-preview';

type BaselinePath = paths['/v1/workspaces/{workspaceId}/agent-identity'];
type BaselineDocument = BaselinePath['put']['requestBody']['content']['application/json'];
export type BaselinePreview =
  paths['/v1/workspaces/{workspaceId}/agent-identity/preview']['post']['responses'][200]['content']['application/json'];

/** A stale `If-Match` (someone saved in between): the API answers 409 or 412 with a problem. */
const isConflict = (status: number) => status === 409 || status === 412;

/** The text area's content as a document, or the sentence saying why it is not JSON. */
function parseDocument(text: string): { document: BaselineDocument } | { invalid: string } {
  try {
    return { document: JSON.parse(text) as BaselineDocument };
  } catch (error) {
    return { invalid: `The document is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The workspace baseline as an admin edits it: the whole document as JSON, a dry run showing the
 * granular events a save would record, and the save itself, pinned with `If-Match` to the revision
 * read, so a concurrent change is shown as a conflict instead of being overwritten.
 */
export function BaselinePage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const editorId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [text, setText] = useState('');
  const [etag, setEtag] = useState<string>();
  const [preview, setPreview] = useState<BaselinePreview>();
  const [conflict, setConflict] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();

  const load = useCallback(async () => {
    setProblem(undefined);
    setConflict(undefined);
    setPreview(undefined);
    try {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/agent-identity', {
        params: { path: { workspaceId } },
      });
      if (!response.ok) return setProblem(problemText(error));
      setText(JSON.stringify(data, null, 2));
      setEtag(response.headers.get('etag') ?? undefined);
    } catch (error) {
      setProblem(problemText(error));
    }
  }, [api, workspaceId]);

  useEffect(() => {
    heading.current?.focus();
    void load();
  }, [load]);

  /** Sends the document to the dry run (`save: false`) or to the baseline itself. */
  const submit = async (save: boolean) => {
    setProblem(undefined);
    setSaved(undefined);
    const parsed = parseDocument(text);
    if ('invalid' in parsed) return setProblem(parsed.invalid);
    const request = {
      params: { path: { workspaceId }, header: { 'If-Match': etag ?? '' } },
      body: parsed.document,
    };
    try {
      if (save) {
        const answer = await api.PUT('/v1/workspaces/{workspaceId}/agent-identity', request);
        if (isConflict(answer.response.status)) return setConflict(problemText(answer.error));
        if (!answer.response.ok) return setProblem(problemText(answer.error));
        const written = (answer.data as { events?: string[] } | undefined)?.events ?? [];
        setConflict(undefined);
        setEtag(answer.response.headers.get('etag') ?? undefined);
        setPreview(undefined);
        setSaved(
          written.length === 0
            ? 'Saved: nothing changed, no event recorded.'
            : `Saved: ${written.length} event(s) recorded (${written.join(', ')}).`,
        );
      } else {
        const answer = await api.POST('/v1/workspaces/{workspaceId}/agent-identity/preview', request);
        if (isConflict(answer.response.status)) return setConflict(problemText(answer.error));
        if (!answer.data) return setProblem(problemText(answer.error));
        setConflict(undefined);
        setPreview(answer.data);
      }
    } catch (error) {
      setProblem(problemText(error));
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(true);
  };

  return (
    <section className="page" aria-labelledby={`${editorId}-title`}>
      <h2 id={`${editorId}-title`} ref={heading} tabIndex={-1}>
        Agent identity baseline
      </h2>
      <p>
        Edit the whole document; <strong>Preview</strong> lists the events a save would record, and nothing is
        written until you save. Based on revision {etag?.replace(/"/g, '') ?? '…'}.
      </p>
      <form onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={editorId}>Baseline document (JSON)</label>
          <textarea
            id={editorId}
            className="document-editor"
            rows={18}
            spellCheck={false}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setPreview(undefined);
            }}
          />
        </div>
        <div className="actions">
          <button type="button" onClick={() => void submit(false)}>
            Preview changes
          </button>
          <button type="submit">Save baseline</button>
        </div>
      </form>
      <ProblemAlert message={problem} />
      {conflict !== undefined && <BaselineConflict detail={conflict} onReload={() => void load()} />}
      {saved !== undefined && (
        <p role="status" className="saved">
          {saved}
        </p>
      )}
      {preview !== undefined && <EventPreview preview={preview} />}
    </section>
  );
}
