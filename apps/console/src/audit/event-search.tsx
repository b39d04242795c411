import { useState } from 'react';
import type { ApiClient } from '../api/api-client';
import type { AuditEventsPage, AuditEventsQuery } from '../api/audit-answers';
import { ProblemAlert } from '../common/problem-alert';
import { auditAnswer } from './audit-answer';
import { EventFilters } from './event-filters';
import { EventsTable } from './events-table';

/** Event search with the audit filters, one page per cursor (positions: never a repeat or a gap). */
export function EventSearch({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const [query, setQuery] = useState<AuditEventsQuery>();
  // The cursors of the pages before the one shown, so "Previous page" reads the same page again.
  const [cursors, setCursors] = useState<(string | undefined)[]>([]);
  const [page, setPage] = useState<AuditEventsPage>();
  const [problem, setProblem] = useState<string>();

  const load = async (base: AuditEventsQuery, cursor: string | undefined, before: (string | undefined)[]) => {
    const { answer, problem: refused } = await auditAnswer(
      api.GET('/v1/workspaces/{workspaceId}/audit/events', {
        params: { path: { workspaceId }, query: cursor === undefined ? base : { ...base, cursor } },
      }),
    );
    setProblem(refused);
    if (!answer) return;
    setQuery(base);
    setPage(answer);
    setCursors([...before, cursor]);
  };

  const pageNumber = cursors.length;
  return (
    <section aria-labelledby="event-search" className="card">
      <h2 id="event-search">Event search</h2>
      <EventFilters onSearch={(base) => void load(base, undefined, [])} />
      <ProblemAlert message={problem} />
      {page && query && (
        <>
          <p className="subtle" role="status" data-testid="events-page">
            Page {pageNumber}: {page.events.length} event(s){page.hasMore ? ', more follow' : ''} · index
            through position {page.indexedThrough}
          </p>
          <EventsTable page={page} />
          <div className="actions">
            <button
              type="button"
              className="quiet"
              disabled={pageNumber <= 1}
              onClick={() => void load(query, cursors[pageNumber - 2], cursors.slice(0, pageNumber - 2))}
            >
              Previous page
            </button>
            <button
              type="button"
              className="quiet"
              disabled={page.nextCursor === null || !page.hasMore}
              onClick={() => void load(query, page.nextCursor ?? undefined, cursors)}
            >
              Next page
            </button>
          </div>
        </>
      )}
    </section>
  );
}
