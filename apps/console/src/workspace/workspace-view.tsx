import { useState } from 'react';
import type { ApiClient, WorkspaceMembership } from '../api/api-client';
import { InboxPage } from '../inbox/inbox-page';
import { RequestPage } from '../request/request-page';
import type { Session } from '../session/session';

/** One workspace's pages: the inbox, or a request opened from it. */
export function WorkspaceView(props: { api: ApiClient; session: Session; membership: WorkspaceMembership }) {
  const [openRequest, setOpenRequest] = useState<string>();
  return openRequest === undefined ? (
    <InboxPage {...props} onOpenRequest={setOpenRequest} />
  ) : (
    <RequestPage
      api={props.api}
      workspaceId={props.membership.workspaceId}
      requestId={openRequest}
      onBack={() => setOpenRequest(undefined)}
    />
  );
}
