import type { ReactNode } from 'react';
import { ProblemAlert } from '../common/problem-alert';
import { BaselineConflict } from './baseline-conflict';
import { EventPreview } from './event-preview';
import type { PinnedChange } from './use-pinned-change';

/** What an admin edit answered: the refusal, the conflict with its reload, the save, the preview. */
export function PinnedChangeFeedback(props: {
  change: PinnedChange;
  subject: 'baseline' | 'channel' | 'approval policy';
  onReload: () => void;
  /** Shown inside the preview, before its events (e.g. the changes it makes field by field). */
  children?: ReactNode;
}) {
  const { problem, conflict, saved, preview } = props.change;
  return (
    <>
      <ProblemAlert message={problem} />
      {conflict !== undefined && (
        <BaselineConflict subject={props.subject} detail={conflict} onReload={props.onReload} />
      )}
      {saved !== undefined && (
        <p role="status" className="saved">
          {saved}
        </p>
      )}
      {preview !== undefined && <EventPreview preview={preview}>{props.children}</EventPreview>}
    </>
  );
}
