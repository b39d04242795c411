/**
 * The `If-Match` refusal in plain words: someone saved the baseline after it was read here, so
 * this save was refused rather than silently overwriting theirs; reload, then apply the edit again.
 */
export function BaselineConflict({ detail, onReload }: { detail: string; onReload: () => void }) {
  return (
    <div className="problem" role="alert">
      <h3>Someone else changed the baseline</h3>
      <p>
        The baseline was saved by someone else after you loaded it, so your change was not saved (nothing was
        overwritten). Reload to see their version, then apply your edit again.
      </p>
      <p className="detail">{detail}</p>
      <button type="button" onClick={onReload}>
        Reload the baseline
      </button>
    </div>
  );
}
