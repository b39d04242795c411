/**
 * The `If-Match` refusal in plain words: someone saved the baseline (the channel, the policy) after it was
 * read here, so this save was refused rather than silently overwriting theirs; reload, then apply
 * the edit again.
 */
export function BaselineConflict({
  detail,
  onReload,
  subject = 'baseline',
}: {
  detail: string;
  onReload: () => void;
  subject?: 'baseline' | 'channel' | 'approval policy';
}) {
  return (
    <div className="problem" role="alert">
      <h3>Someone else changed the {subject}</h3>
      <p>
        The {subject} was saved by someone else after you loaded it, so your change was not saved (nothing was
        overwritten). Reload to see their version, then apply your edit again.
      </p>
      <p className="detail">{detail}</p>
      <button type="button" onClick={onReload}>
        Reload the {subject}
      </button>
    </div>
  );
}
