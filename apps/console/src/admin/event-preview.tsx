import type { ReactNode } from 'react';
import type { paths } from '@mandate/client/openapi';

/** Every dry run (baseline, channel override, approval policy) answers this shape. */
export type ChangePreview =
  paths['/v1/workspaces/{workspaceId}/agent-identity/preview']['post']['responses'][200]['content']['application/json'];

/** The events a save would record, in order, each with its data as the log would hold it. */
export function EventPreview({ preview, children }: { preview: ChangePreview; children?: ReactNode }) {
  return (
    <section className="preview" aria-labelledby="baseline-preview-title" aria-live="polite">
      <h3 id="baseline-preview-title">Preview: what saving would record</h3>
      {children}
      {preview.events.length === 0 ? (
        <p>No change: saving this would record no event.</p>
      ) : (
        <ol>
          {preview.events.map((event, index) => (
            <li key={index}>
              <strong>{event.type}</strong>
              <pre>{JSON.stringify(event.data, null, 2)}</pre>
            </li>
          ))}
        </ol>
      )}
      <p>Decided against revision {preview.revision}; nothing has been written yet.</p>
    </section>
  );
}
