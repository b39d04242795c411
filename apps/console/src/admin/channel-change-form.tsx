import { type FormEvent, useId, useState } from 'react';
import { parseJson } from '../common/json-text';
import type { ChannelChange } from './channel-change-routes';
import type { ChannelOverrides } from './channel-override-lists';

type Kind = Exclude<ChannelChange['type'], `Remove${string}`>;
type RuleKind = Extract<ChannelChange, { rule: unknown }>;

const ROLES = ['owner', 'admin', 'approver', 'auditor', 'member'] as const;
type Role = (typeof ROLES)[number];
const KINDS: { type: Kind; label: string }[] = [
  { type: 'ExtendChannel', label: 'Extend' },
  { type: 'RestrictChannel', label: 'Restrict' },
  { type: 'ForbidInChannel', label: 'Forbid' },
  { type: 'SetChannelInstructions', label: 'Instructions' },
  { type: 'SetChannelSkill', label: 'Skill' },
  { type: 'SetChannelMemoryScope', label: 'Memory scope' },
  { type: 'SetChannelInvokePolicy', label: 'Invoke policy' },
];
const RULE_EXAMPLE =
  '{ "id": "no-prod", "connector": "github", "actions": ["write"], "resources": ["acme/prod"] }';

/** `a, b c` → `['a', 'b', 'c']`: lists of names are typed separated by commas or spaces. */
const names = (text: string) => text.split(/[\s,]+/).filter((name) => name !== '');

/**
 * One override change, typed by an admin: a rule (as JSON) to extend, restrict or forbid; the
 * instructions (append, replace, or back to the baseline's); a skill on, off or inherited; the shared
 * memory namespaces; who may invoke the agent here (or the workspace's policy again). Every field is
 * labelled; the channel's current values fill the form when its kind is chosen.
 */
export function ChannelChangeForm(props: {
  current: ChannelOverrides;
  onSend: (change: ChannelChange, save: boolean) => void;
  onEdit: () => void;
  onInvalid: (problem: string) => void;
}) {
  const id = useId();
  const [kind, setKind] = useState<Kind>('ExtendChannel');
  const [ruleText, setRuleText] = useState('');
  const [mode, setMode] = useState<'append' | 'replace' | 'baseline'>('append');
  const [text, setText] = useState('');
  const [skill, setSkill] = useState('');
  const [skillState, setSkillState] = useState<'on' | 'off' | 'inherit'>('off');
  const [namespaces, setNamespaces] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [channelMembers, setChannelMembers] = useState(false);
  const [groups, setGroups] = useState('');
  const [principals, setPrincipals] = useState('');
  const [workspacePolicy, setWorkspacePolicy] = useState(false);

  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      props.onEdit();
    };

  /** Choosing a kind starts from what the channel holds now. */
  const choose = (next: Kind) => {
    const { instructions, sharedNamespaces, invokePolicy } = props.current;
    setKind(next);
    setMode(instructions?.mode ?? 'append');
    setText(instructions?.text ?? '');
    setNamespaces(sharedNamespaces.join(', '));
    setWorkspacePolicy(invokePolicy === null);
    setRoles(invokePolicy?.roles ?? ['member']);
    setChannelMembers(invokePolicy?.channelMembers ?? false);
    setGroups(invokePolicy?.groups.join(', ') ?? '');
    setPrincipals(invokePolicy?.principals.join(', ') ?? '');
    props.onEdit();
  };

  const change = (): ChannelChange | undefined => {
    switch (kind) {
      case 'ExtendChannel':
      case 'RestrictChannel':
      case 'ForbidInChannel': {
        const parsed = parseJson<RuleKind['rule']>(ruleText, 'rule');
        if ('invalid' in parsed) return void props.onInvalid(parsed.invalid);
        return { type: kind, rule: parsed.value } as RuleKind;
      }
      case 'SetChannelInstructions':
        return { type: kind, instructions: mode === 'baseline' ? null : { mode, text } };
      case 'SetChannelSkill':
        return { type: kind, skill: skill.trim(), state: skillState };
      case 'SetChannelMemoryScope':
        return { type: kind, sharedNamespaces: names(namespaces) };
      case 'SetChannelInvokePolicy':
        return {
          type: kind,
          policy: workspacePolicy
            ? null
            : { roles, channelMembers, groups: names(groups), principals: names(principals) },
        };
    }
  };
  const send = (save: boolean) => {
    const typed = change();
    if (typed !== undefined) props.onSend(typed, save);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(true);
  };

  return (
    <form onSubmit={onSubmit} aria-label="Edit an override">
      <div className="field">
        <label htmlFor={`${id}-kind`}>Change</label>
        <select id={`${id}-kind`} value={kind} onChange={(event) => choose(event.target.value as Kind)}>
          {KINDS.map(({ type, label }) => (
            <option key={type} value={type}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {(kind === 'ExtendChannel' || kind === 'RestrictChannel' || kind === 'ForbidInChannel') && (
        <div className="field">
          <label htmlFor={`${id}-rule`}>Rule (JSON)</label>
          <textarea
            id={`${id}-rule`}
            className="document-editor"
            rows={4}
            spellCheck={false}
            placeholder={RULE_EXAMPLE}
            value={ruleText}
            onChange={(event) => edited(setRuleText)(event.target.value)}
          />
        </div>
      )}
      {kind === 'SetChannelInstructions' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-mode`}>Instructions mode</label>
            <select
              id={`${id}-mode`}
              value={mode}
              onChange={(event) => edited(setMode)(event.target.value as typeof mode)}
            >
              <option value="append">Append to the baseline&apos;s</option>
              <option value="replace">Replace the baseline&apos;s</option>
              <option value="baseline">None here: the baseline&apos;s apply</option>
            </select>
          </div>
          {mode !== 'baseline' && (
            <div className="field">
              <label htmlFor={`${id}-text`}>Instructions</label>
              <textarea
                id={`${id}-text`}
                rows={4}
                value={text}
                onChange={(event) => edited(setText)(event.target.value)}
              />
            </div>
          )}
        </>
      )}
      {kind === 'SetChannelSkill' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-skill`}>Skill</label>
            <input
              id={`${id}-skill`}
              value={skill}
              onChange={(event) => edited(setSkill)(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-skill-state`}>Skill here</label>
            <select
              id={`${id}-skill-state`}
              value={skillState}
              onChange={(event) => edited(setSkillState)(event.target.value as typeof skillState)}
            >
              <option value="on">On</option>
              <option value="off">Off</option>
              <option value="inherit">As the baseline says</option>
            </select>
          </div>
        </>
      )}
      {kind === 'SetChannelMemoryScope' && (
        <div className="field">
          <label htmlFor={`${id}-namespaces`}>Shared namespaces it may read (comma separated)</label>
          <input
            id={`${id}-namespaces`}
            value={namespaces}
            onChange={(event) => edited(setNamespaces)(event.target.value)}
          />
        </div>
      )}
      {kind === 'SetChannelInvokePolicy' && (
        <fieldset>
          <legend>Who may invoke the agent here</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={workspacePolicy}
              onChange={(event) => edited(setWorkspacePolicy)(event.target.checked)}
            />{' '}
            The workspace&apos;s policy (no policy of its own)
          </label>
          {!workspacePolicy && (
            <>
              {ROLES.map((role) => (
                <label key={role} className="check">
                  <input
                    type="checkbox"
                    checked={roles.includes(role)}
                    onChange={(event) =>
                      edited(setRoles)(
                        event.target.checked ? [...roles, role] : roles.filter((held) => held !== role),
                      )
                    }
                  />{' '}
                  Role {role}
                </label>
              ))}
              <label className="check">
                <input
                  type="checkbox"
                  checked={channelMembers}
                  onChange={(event) => edited(setChannelMembers)(event.target.checked)}
                />{' '}
                Members of this channel
              </label>
              <div className="field">
                <label htmlFor={`${id}-groups`}>Groups (comma separated)</label>
                <input
                  id={`${id}-groups`}
                  value={groups}
                  onChange={(event) => edited(setGroups)(event.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-principals`}>People (comma separated)</label>
                <input
                  id={`${id}-principals`}
                  value={principals}
                  onChange={(event) => edited(setPrincipals)(event.target.value)}
                />
              </div>
            </>
          )}
        </fieldset>
      )}
      <div className="actions">
        <button type="button" onClick={() => send(false)}>
          Preview change
        </button>
        <button type="submit">Save change</button>
      </div>
    </form>
  );
}
