import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { paths } from '@mandate/client/openapi';
import { type ApiClient, problemText } from '../api/api-client';
import { parseJson } from '../common/json-text';
import { type ApprovalPolicy, ApprovalPolicySummary } from './approval-policy-summary';
import { PinnedChangeFeedback } from './pinned-change-feedback';
import { usePinnedChange } from './use-pinned-change';
import { valueChanges, ValueChangesList } from './value-changes';

type PolicyInput =
  paths['/v1/workspaces/{workspaceId}/approval-policy']['put']['requestBody']['content']['application/json'];

/**
 * The workspace's approval policy as an admin edits it: the policy in force in words, the policy
 * as JSON (the shape `PUT` takes), a dry run through the policy's own decider — the event a save
 * would record and, field by field, how the recorded policy differs from the one read — and the save,
 * pinned with `If-Match` so a concurrent edit shows as a conflict. Requests already made keep the
 * policy they were made under; the page says so.
 */
export function ApprovalPolicyPage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [policy, setPolicy] = useState<ApprovalPolicy>();
  const [text, setText] = useState('');
  const change = usePinnedChange();
  const { loaded, setProblem } = change;

  const load = useCallback(async () => {
    setProblem(undefined);
    try {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/approval-policy', {
        params: { path: { workspaceId } },
      });
      if (!data) return setProblem(problemText(error));
      setPolicy(data.policy);
      setText(JSON.stringify(data.policy, null, 2));
      loaded(response);
    } catch (error) {
      setProblem(problemText(error));
    }
  }, [api, workspaceId, loaded, setProblem]);

  useEffect(() => {
    heading.current?.focus();
    void load();
  }, [load]);

  const submit = async (save: boolean) => {
    const parsed = parseJson<PolicyInput>(text, 'policy');
    if ('invalid' in parsed) return setProblem(parsed.invalid);
    const request = (header: { 'If-Match': string }) => ({
      params: { path: { workspaceId }, header },
      body: parsed.value,
    });
    if (!save) {
      await change.runPreview((header) =>
        api.POST('/v1/workspaces/{workspaceId}/approval-policy/preview', request(header)),
      );
      return;
    }
    const written = await change.runSave((header) =>
      api.PUT('/v1/workspaces/{workspaceId}/approval-policy', request(header)),
    );
    if (written !== undefined) await refresh();
  };

  /** After a save: the policy in force again, keeping the message of what was recorded. */
  const refresh = async () => {
    const { data } = await api.GET('/v1/workspaces/{workspaceId}/approval-policy', {
      params: { path: { workspaceId } },
    });
    if (data) setPolicy(data.policy);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(true);
  };

  // The policy the decider would record (defaults filled in), against the one read.
  const recorded = (change.preview?.events[0]?.data as { policy?: unknown } | undefined)?.policy;

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Approval policy
      </h2>
      <p>
        Who decides JIT requests in this workspace, how many must agree, and the limits; overrides per
        connector (and action) replace the fields they name. A change applies to requests made after it is
        saved. Based on revision {change.etag?.replace(/"/g, '') ?? '…'}.
      </p>
      {policy && <ApprovalPolicySummary policy={policy} />}
      <form onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${id}-editor`}>Approval policy (JSON)</label>
          <textarea
            id={`${id}-editor`}
            className="document-editor"
            rows={16}
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
            Preview policy
          </button>
          <button type="submit">Save policy</button>
        </div>
      </form>
      <PinnedChangeFeedback change={change} subject="approval policy" onReload={() => void load()}>
        {recorded !== undefined && (
          <ValueChangesList
            label="Changes from the policy you loaded"
            changes={valueChanges(policy, recorded)}
          />
        )}
      </PinnedChangeFeedback>
    </section>
  );
}
