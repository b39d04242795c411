import type { BaselinePreview } from './baseline-page';

/** The events a save would record, in order, each with its data as the log would hold it. */
export function EventPreview({ preview }: { preview: BaselinePreview }) {
  return (
    <section className="preview" aria-labelledby="baseline-preview-title" aria-live="polite">
      <h3 id="baseline-preview-title">Preview: what saving would record</h3>
      {preview.events.length === 0 ? (
        <p>No change: saving this document would record no event.</p>
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
