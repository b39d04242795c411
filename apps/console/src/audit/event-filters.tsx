import { type FormEvent, useId, useState } from 'react';
import type { AuditEventsQuery } from '../api/audit-answers';
import { InstantField, TextField } from '../common/fields';
import { instantOf } from '../common/local-instant';

/** The index's filters (docs/audit.md): all given ones must match. */
const TEXT_FILTERS = [
  ['type', 'Event type'],
  ['actor', 'Actor'],
  ['principal', 'Principal named'],
  ['channel', 'Channel'],
  ['connector', 'Connector'],
  ['resource', 'Resource'],
  ['grantId', 'Grant id'],
  ['requestId', 'Request id'],
  ['correlationId', 'Correlation id'],
] as const;

type TextFilter = (typeof TEXT_FILTERS)[number][0];

const LIMITS = [10, 50, 100, 500];

/** The search form: it hands the query (without cursor) to run from the first page. */
export function EventFilters({ onSearch }: { onSearch: (query: AuditEventsQuery) => void }) {
  const orderId = useId();
  const limitId = useId();
  const [text, setText] = useState<Partial<Record<TextFilter, string>>>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [limit, setLimit] = useState(50);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query: AuditEventsQuery = { order, limit };
    for (const [key] of TEXT_FILTERS) {
      const value = text[key]?.trim();
      if (value) query[key] = value;
    }
    const fromInstant = instantOf(from);
    const toInstant = instantOf(to);
    if (fromInstant) query.from = fromInstant;
    if (toInstant) query.to = toInstant;
    onSearch(query);
  };

  return (
    <form className="query-form" onSubmit={submit} aria-label="Event filters">
      {TEXT_FILTERS.map(([key, label]) => (
        <TextField
          key={key}
          label={label}
          value={text[key] ?? ''}
          onChange={(value) => setText((current) => ({ ...current, [key]: value }))}
        />
      ))}
      <InstantField label="From (your time zone)" value={from} onChange={setFrom} />
      <InstantField label="Before (your time zone)" value={to} onChange={setTo} />
      <div className="field">
        <label htmlFor={orderId}>Order</label>
        <select id={orderId} value={order} onChange={(e) => setOrder(e.target.value as 'newest' | 'oldest')}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={limitId}>Per page</label>
        <select id={limitId} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {LIMITS.map((count) => (
            <option key={count} value={count}>
              {count}
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}
