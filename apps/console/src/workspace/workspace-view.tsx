import { useState } from 'react';
import { ApprovalPolicyPage } from '../admin/approval-policy-page';
import { BaselinePage } from '../admin/baseline-page';
import { ChannelOverridesPage } from '../admin/channel-overrides-page';
import type { ApiClient, WorkspaceMembership } from '../api/api-client';
import { AuditPage } from '../audit/audit-page';
import { ChannelPage } from '../channel/channel-page';
import { InboxPage } from '../inbox/inbox-page';
import { RequestPage } from '../request/request-page';
import type { Session } from '../session/session';
import { type WorkspacePage, WorkspaceNav } from './workspace-nav';

/** Roles that include `auditor` (the API decides; the tab is only not offered to the others). */
const AUDITORS = new Set(['auditor', 'owner']);
/** Roles that include `admin`, who may edit the baseline, channel overrides and the approval policy. */
const ADMINS = new Set(['admin', 'owner']);

/** One workspace's pages: the inbox (or a request opened from it), the channel page, the audit pages. */
export function WorkspaceView(props: { api: ApiClient; session: Session; membership: WorkspaceMembership }) {
  const [page, setPage] = useState<WorkspacePage>('inbox');
  const [openRequest, setOpenRequest] = useState<string>();
  const { api, membership } = props;
  const pages: WorkspacePage[] = ['inbox', 'channel'];
  if (membership.roles.some((role) => AUDITORS.has(role))) pages.push('audit');
  if (membership.roles.some((role) => ADMINS.has(role))) pages.push('baseline', 'overrides', 'policy');
  const open = (next: WorkspacePage) => {
    setOpenRequest(undefined);
    setPage(next);
  };
  return (
    <>
      <WorkspaceNav pages={pages} current={page} onOpen={open} />
      {page === 'channel' && <ChannelPage api={api} workspaceId={membership.workspaceId} />}
      {page === 'baseline' && <BaselinePage api={api} workspaceId={membership.workspaceId} />}
      {page === 'overrides' && <ChannelOverridesPage api={api} workspaceId={membership.workspaceId} />}
      {page === 'policy' && <ApprovalPolicyPage api={api} workspaceId={membership.workspaceId} />}
      {page === 'audit' && (
        <AuditPage api={api} session={props.session} workspaceId={membership.workspaceId} />
      )}
      {page === 'inbox' &&
        (openRequest === undefined ? (
          <InboxPage {...props} onOpenRequest={setOpenRequest} />
        ) : (
          <RequestPage
            api={api}
            workspaceId={membership.workspaceId}
            requestId={openRequest}
            onBack={() => setOpenRequest(undefined)}
          />
        ))}
    </>
  );
}
