import { useEffect, useRef } from 'react';
import type { ApiClient } from '../api/api-client';
import type { Session } from '../session/session';
import { ChainStatus } from './chain-status';
import { ChangesBetween } from './changes-between';
import { EventSearch } from './event-search';
import { ExportDownload } from './export-download';
import { WhoCouldAccess } from './who-could-access';

/** The auditor's questions of one workspace's history, each answered by its audit route. */
export function AuditPage(props: { api: ApiClient; session: Session; workspaceId: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Audit
      </h1>
      <WhoCouldAccess api={props.api} workspaceId={props.workspaceId} />
      <ChangesBetween api={props.api} workspaceId={props.workspaceId} />
      <EventSearch api={props.api} workspaceId={props.workspaceId} />
      <ChainStatus api={props.api} />
      <ExportDownload session={props.session} workspaceId={props.workspaceId} />
    </>
  );
}
