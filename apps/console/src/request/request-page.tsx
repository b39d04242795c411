import { useEffect, useRef, useState } from 'react';
import { type AccessRequestDetail, type ApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import { RequestTimeline } from './request-timeline';

/** One request: its status and full timeline (requested, votes, granted, extended, revoked …). */
export function RequestPage(props: {
  api: ApiClient;
  workspaceId: string;
  requestId: string;
  onBack: () => void;
}) {
  const { api, workspaceId, requestId } = props;
  const [detail, setDetail] = useState<AccessRequestDetail>();
  const [problem, setProblem] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // A new page for keyboard and screen-reader users too: focus moves to its heading.
    heading.current?.focus();
    void api
      .GET('/v1/workspaces/{workspaceId}/access-requests/{requestId}', {
        params: { path: { workspaceId, requestId } },
      })
      .then(
        ({ data, error }) => (data ? setDetail(data) : setProblem(problemText(error))),
        (error: unknown) => setProblem(problemText(error)),
      );
  }, [api, workspaceId, requestId]);

  return (
    <>
      <button type="button" className="quiet" onClick={props.onBack}>
        Back to the inbox
      </button>
      <h1 ref={heading} tabIndex={-1}>
        Request {requestId}
      </h1>
      <ProblemAlert message={problem} />
      {detail && (
        <>
          <p>
            Status:{' '}
            <span className="badge" data-testid="request-status">
              {detail.status}
            </span>
          </p>
          <RequestTimeline timeline={detail.timeline} />
        </>
      )}
    </>
  );
}
