export type WorkspacePage = 'inbox' | 'channel' | 'audit' | 'baseline' | 'overrides' | 'policy';

const TITLES: Record<WorkspacePage, string> = {
  inbox: 'Inbox',
  channel: 'Channels',
  audit: 'Audit',
  baseline: 'Baseline',
  overrides: 'Channel overrides',
  policy: 'Approval policy',
};

/** The pages of a workspace the person may use; the one shown is marked for screen readers too. */
export function WorkspaceNav(props: {
  pages: WorkspacePage[];
  current: WorkspacePage;
  onOpen: (page: WorkspacePage) => void;
}) {
  return (
    <nav className="workspace-nav" aria-label="Workspace pages">
      {props.pages.map((page) => (
        <button
          key={page}
          type="button"
          className="tab"
          aria-current={page === props.current ? 'page' : undefined}
          onClick={() => props.onOpen(page)}
        >
          {TITLES[page]}
        </button>
      ))}
    </nav>
  );
}
