import { type FormEvent, useId, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';

type Verdict = 'approve' | 'deny';

/** Approve or deny with a comment; the API decides whether this person may, and its refusal shows. */
export function DecisionForm(props: {
  api: ApiClient;
  workspaceId: string;
  requestId: string;
  onDecided: (message: string, requestId: string) => void;
}) {
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const decide = async (verdict: Verdict) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const path =
        verdict === 'approve'
          ? '/v1/workspaces/{workspaceId}/access-requests/{requestId}/approve'
          : '/v1/workspaces/{workspaceId}/access-requests/{requestId}/deny';
      const { data, error } = await props.api.POST(path, {
        params: { path: { workspaceId: props.workspaceId, requestId: props.requestId } },
        body: { comment: comment.trim() === '' ? null : comment.trim() },
      });
      if (data)
        props.onDecided(
          `${verdict === 'approve' ? 'Approved' : 'Denied'} ${data.requestId}: now ${data.status}.`,
          data.requestId,
        );
      else setProblem(problemText(error));
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void decide(submitter?.value === 'deny' ? 'deny' : 'approve');
  };

  return (
    <form className="decision" onSubmit={submit}>
      <label htmlFor={commentId}>Comment</label>
      <textarea
        id={commentId}
        rows={2}
        maxLength={2000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <div className="actions">
        <button type="submit" value="approve" disabled={busy}>
          Approve
        </button>
        <button type="submit" value="deny" className="danger" disabled={busy}>
          Deny
        </button>
      </div>
      <ProblemAlert message={problem} />
    </form>
  );
}
