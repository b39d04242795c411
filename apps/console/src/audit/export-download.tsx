import { type FormEvent, useId, useState } from 'react';
import { createApiClient, problemText } from '../api/api-client';
import { TextField } from '../common/fields';
import { ProblemAlert } from '../common/problem-alert';
import type { Session } from '../session/session';

/** Hands a downloaded file to the browser under its name, without keeping it in the page. */
function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The workspace's sealed export (docs/audit.md, Exports), downloaded with the bearer token: a plain
 * link could not send it. Verified offline with `npm run cli -- audit verify-export <file>`.
 */
export function ExportDownload({ session, workspaceId }: { session: Session; workspaceId: string }) {
  const formatId = useId();
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);

  const download = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setSaved(undefined);
    try {
      const query = {
        format,
        ...(from.trim() ? { from: from.trim() } : {}),
        ...(to.trim() ? { to: to.trim() } : {}),
      };
      const { data, error, response } = await createApiClient(session.token).GET(
        '/v1/workspaces/{workspaceId}/audit/export',
        { params: { path: { workspaceId }, query }, parseAs: 'blob' },
      );
      if (!response.ok || !(data instanceof Blob)) return setProblem(problemText(error));
      const fileName = `${workspaceId}-audit.${format}`;
      save(data, fileName);
      setSaved(
        `Saved ${fileName} (${data.size} bytes). Verify it with: npm run cli -- audit verify-export ${fileName} --public-key <pem>`,
      );
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="export" className="card">
      <h2 id="export">Export</h2>
      <form className="query-form" onSubmit={download}>
        <div className="field">
          <label htmlFor={formatId}>Format</label>
          <select id={formatId} value={format} onChange={(e) => setFormat(e.target.value as 'jsonl' | 'csv')}>
            <option value="jsonl">JSON Lines</option>
            <option value="csv">CSV</option>
          </select>
        </div>
        <TextField label="From (position or ISO instant; empty: 1)" value={from} onChange={setFrom} />
        <TextField label="To (position or ISO instant; empty: head)" value={to} onChange={setTo} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Download export
          </button>
        </div>
      </form>
      <p className="notice" role="status">
        {saved}
      </p>
      <ProblemAlert message={problem} />
    </section>
  );
}
