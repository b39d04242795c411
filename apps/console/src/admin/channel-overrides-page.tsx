import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { paths } from '@mandate/client/openapi';
import { type ApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import { BaselineConflict } from './baseline-conflict';
import type { BaselinePreview } from './baseline-page';
import { EventPreview } from './event-preview';
import { useChannels } from '../channel/use-channels';

type Change =
  paths['/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview']['post']['requestBody']['content']['application/json']['change'];
type AddChange = Extract<Change, { rule: unknown }>;

/** `GET …/channels/{ch}` has no answer schema in the OpenAPI document yet: the fields read here. */
interface Rule {
  id: string;
  connector: string;
  actions: string[];
  resources: string[];
}
interface ChannelOverrides {
  extensions: Rule[];
  restrictions: Rule[];
  forbidden: Rule[];
}

const KINDS: {
  type: AddChange['type'];
  label: string;
  remove: Change['type'];
  list: keyof ChannelOverrides;
}[] = [
  { type: 'ExtendChannel', label: 'Extend', remove: 'RemoveChannelExtension', list: 'extensions' },
  { type: 'RestrictChannel', label: 'Restrict', remove: 'RemoveChannelRestriction', list: 'restrictions' },
  { type: 'ForbidInChannel', label: 'Forbid', remove: 'RemoveChannelForbid', list: 'forbidden' },
];
const ROUTES = {
  ExtendChannel: '/v1/workspaces/{workspaceId}/channels/{channelId}/extensions',
  RestrictChannel: '/v1/workspaces/{workspaceId}/channels/{channelId}/restrictions',
  ForbidInChannel: '/v1/workspaces/{workspaceId}/channels/{channelId}/forbidden',
  RemoveChannelExtension: '/v1/workspaces/{workspaceId}/channels/{channelId}/extensions/{ruleId}',
  RemoveChannelRestriction: '/v1/workspaces/{workspaceId}/channels/{channelId}/restrictions/{ruleId}',
  RemoveChannelForbid: '/v1/workspaces/{workspaceId}/channels/{channelId}/forbidden/{ruleId}',
} as const;
const RULE_EXAMPLE =
  '{ "id": "no-prod", "connector": "github", "actions": ["write"], "resources": ["acme/prod"] }';

/** A stale `If-Match`: the API answers 409 or 412 with a problem. */
const isConflict = (status: number) => status === 409 || status === 412;

/**
 * A channel's overrides as an admin changes them, one change at a time: the same decider previews
 * the events a change would record (nothing written), and the change is saved pinned with `If-Match`
 * to the channel's revision read here, so a concurrent change shows as a conflict.
 */
export function ChannelOverridesPage({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [overrides, setOverrides] = useState<ChannelOverrides>();
  const [etag, setEtag] = useState<string>();
  const [kind, setKind] = useState<AddChange['type']>('ExtendChannel');
  const [ruleText, setRuleText] = useState('');
  const [preview, setPreview] = useState<BaselinePreview>();
  const [conflict, setConflict] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();

  const { channels, channelId, setChannelId } = useChannels(api, workspaceId, setProblem);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const load = useCallback(async () => {
    if (channelId === undefined) return;
    setConflict(undefined);
    setPreview(undefined);
    try {
      const { data, error, response } = await api.GET('/v1/workspaces/{workspaceId}/channels/{channelId}', {
        params: { path: { workspaceId, channelId } },
      });
      if (!response.ok) return setProblem(problemText(error));
      setOverrides(data as unknown as ChannelOverrides);
      setEtag(response.headers.get('etag') ?? undefined);
    } catch (error) {
      setProblem(problemText(error));
    }
  }, [api, workspaceId, channelId]);

  useEffect(() => void load(), [load]);

  /** Previews (`save: false`) or saves one change, pinned to the revision read. */
  const submit = async (change: Change, save: boolean) => {
    if (channelId === undefined) return;
    setProblem(undefined);
    setSaved(undefined);
    const header = { 'If-Match': etag ?? '' };
    try {
      const answer = save
        ? 'rule' in change
          ? await api.POST(ROUTES[change.type], {
              params: { path: { workspaceId, channelId }, header },
              body: { rule: change.rule } as never,
            })
          : await api.DELETE(ROUTES[change.type], {
              params: { path: { workspaceId, channelId, ruleId: change.ruleId }, header },
            })
        : await api.POST('/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview', {
            params: { path: { workspaceId, channelId }, header },
            body: { change },
          });
      if (isConflict(answer.response.status)) return setConflict(problemText(answer.error));
      if (!answer.response.ok) return setProblem(problemText(answer.error));
      setConflict(undefined);
      if (!save) return setPreview(answer.data as BaselinePreview);
      const written = (answer.data as { events?: string[] } | undefined)?.events ?? [];
      await load();
      if ('rule' in change) setRuleText('');
      setSaved(`Saved: ${written.length} event(s) recorded (${written.join(', ')}).`);
    } catch (error) {
      setProblem(problemText(error));
    }
  };

  /** The rule typed in the form as a change, or a problem when it is not JSON. */
  const typedChange = (): AddChange | undefined => {
    try {
      return { type: kind, rule: JSON.parse(ruleText) as AddChange['rule'] } as AddChange;
    } catch (error) {
      setProblem(`The rule is not valid JSON: ${(error as Error).message}`);
      return undefined;
    }
  };
  const send = (save: boolean) => {
    const change = typedChange();
    if (change !== undefined) void submit(change, save);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(true);
  };

  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        Channel overrides
      </h2>
      <div className="field">
        <label htmlFor={`${id}-channel`}>Channel</label>
        <select
          id={`${id}-channel`}
          value={channelId ?? ''}
          onChange={(event) => setChannelId(event.target.value)}
        >
          {channels?.map((channel) => (
            <option key={channel.channelId} value={channel.channelId}>
              #{channel.channelId}
            </option>
          ))}
        </select>
      </div>
      <p>
        Based on revision {etag?.replace(/"/g, '') ?? '…'}. Each change is previewed, then saved on its own.
      </p>
      {overrides &&
        KINDS.map(({ label, remove, list }) => (
          <section key={list} aria-label={`${label} rules`}>
            <h3>{label}</h3>
            {overrides[list].length === 0 ? (
              <p>None.</p>
            ) : (
              <ul>
                {overrides[list].map((rule) => (
                  <li key={rule.id}>
                    <code>{rule.id}</code>: {rule.connector} {rule.actions.join(', ')} on{' '}
                    {rule.resources.join(', ')}{' '}
                    <button
                      type="button"
                      className="quiet"
                      aria-label={`Remove ${label.toLowerCase()} rule ${rule.id}`}
                      onClick={() => void submit({ type: remove, ruleId: rule.id } as Change, true)}
                    >
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      <form onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Change</label>
          <select
            id={`${id}-kind`}
            value={kind}
            onChange={(event) => setKind(event.target.value as AddChange['type'])}
          >
            {KINDS.map(({ type, label }) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-rule`}>Rule (JSON)</label>
          <textarea
            id={`${id}-rule`}
            className="document-editor"
            rows={4}
            spellCheck={false}
            placeholder={RULE_EXAMPLE}
            value={ruleText}
            onChange={(event) => {
              setRuleText(event.target.value);
              setPreview(undefined);
            }}
          />
        </div>
        <div className="actions">
          <button type="button" onClick={() => send(false)}>
            Preview change
          </button>
          <button type="submit">Save change</button>
        </div>
      </form>
      <ProblemAlert message={problem} />
      {conflict !== undefined && (
        <BaselineConflict subject="channel" detail={conflict} onReload={() => void load()} />
      )}
      {saved !== undefined && (
        <p role="status" className="saved">
          {saved}
        </p>
      )}
      {preview !== undefined && <EventPreview preview={preview} />}
    </section>
  );
}
