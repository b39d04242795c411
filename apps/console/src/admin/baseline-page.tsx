import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import type { paths } from '@mandate/client/openapi';
import { parseJson } from '../common/json-text';
import { PinnedChangeFeedback } from './pinned-change-feedback';
import { usePinnedChange } from './use-pinned-change';

type BaselinePath = paths['/v1/workspaces/{workspaceId}/agent-identity'];
type BaselineDocument = BaselinePath['put']['requestBody']['content']['application/json'];

/**
 * The workspace baseline as an admin edits it: the whole document as JSON, a dry run showing the
 * granular events a save would record, and the save itself, pinned with `If-Match` to the revision
 * read, so a concurrent change is shown as a conflict instead of being overwritten.
 */
export function BaselinePage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const editorId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [text, setText] = useState('');
  const change = usePinnedChange();
  const { loaded, setProblem } = change;

  const load = useCallback(async () => {
    setProblem(undefined);
    try {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/agent-identity', {
        params: { path: { workspaceId } },
      });
      if (!response.ok) return setProblem(problemText(error));
      setText(JSON.stringify(data, null, 2));
      loaded(response);
    } catch (error) {
      setProblem(problemText(error));
    }
  }, [api, workspaceId, loaded, setProblem]);

  useEffect(() => {
    heading.current?.focus();
    void load();
  }, [load]);

  /** Sends the document to the dry run (`save: false`) or to the baseline itself. */
  const submit = async (save: boolean) => {
    const parsed = parseJson<BaselineDocument>(text, 'document');
    if ('invalid' in parsed) return setProblem(parsed.invalid);
    const request = (header: { 'If-Match': string }) => ({
      params: { path: { workspaceId }, header },
      body: parsed.value,
    });
    await (save
      ? change.runSave((header) => api.PUT('/v1/workspaces/{workspaceId}/agent-identity', request(header)))
      : change.runPreview((header) =>
          api.POST('/v1/workspaces/{workspaceId}/agent-identity/preview', request(header)),
        ));
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
        written until you save. Based on revision {change.etag?.replace(/"/g, '') ?? '…'}.
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
              change.clearPreview();
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
      <PinnedChangeFeedback change={change} subject="baseline" onReload={() => void load()} />
    </section>
  );
}
