import fc from 'fast-check';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileChannel, type CompiledChannel, updateChannelRules } from './compiled-channel';
import { indexIn } from './compile-rules';

/**
 * A channel is compiled again after every change to it; the rules it already had keep what they
 * compiled to. Whatever was kept, each rule must answer as a fresh compilation answers, in the
 * channel and layer it is in now.
 */

const catalog = createConnectorCatalog();
const rule = (id: string, resource = `acme/${id}`) => ({
  id,
  connector: 'github',
  actions: ['write'],
  resources: [resource],
});
const event = (type: ChannelEvent['type'], data: object, channelId = 'eng') =>
  ({ type, data: { channelId, ...data } }) as ChannelEvent;
const created = (channelId: string) =>
  event('ChannelCreated', { workspaceId: 'acme', name: channelId, visibility: 'public' }, channelId);
const fold = (events: ChannelEvent[], from = channelDecider.initialState()) =>
  events.reduce(channelDecider.evolve, from) as Exclude<ChannelState, { status: 'absent' }>;

const answer = (channel: CompiledChannel, layer: 'extend' | 'restrict' | 'forbid', resource: string) =>
  indexIn(channel[layer], 'github', 'write')?.find(resource, Date.now());

describe('compileChannel, compiled again after a change', () => {
  it('given a channel with extensions, when one more is added, then every extension answers as in a fresh compilation', () => {
    const before = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const after = fold([event('ChannelExtensionAdded', { rule: rule('b') })], before);
    const first = compileChannel(before, catalog);

    const again = compileChannel(after, catalog);

    const fresh = compileChannel(structuredClone(after), catalog);
    for (const resource of ['acme/a', 'acme/b', 'acme/c']) {
      expect(answer(again, 'extend', resource)).toEqual(answer(fresh, 'extend', resource));
    }
    expect(answer(again, 'extend', 'acme/a')).toBe(answer(first, 'extend', 'acme/a'));
    expect(answer(again, 'extend', 'acme/b')?.provenance.rule).toBe('channel/eng/extensions/b');
    expect(answer(first, 'extend', 'acme/b')).toBeUndefined();
  });

  it('given a removed extension, when compiled again, then it no longer answers', () => {
    const before = fold([
      created('eng'),
      event('ChannelExtensionAdded', { rule: rule('a') }),
      event('ChannelExtensionAdded', { rule: rule('b') }),
    ]);
    compileChannel(before, catalog);

    const again = compileChannel(fold([event('ChannelExtensionRemoved', { ruleId: 'a' })], before), catalog);

    expect(answer(again, 'extend', 'acme/a')).toBeUndefined();
    expect(answer(again, 'extend', 'acme/b')?.allowed).toBe(true);
  });

  it('given the same rule object in another channel and layer, when compiled there, then it answers as that channel and layer', () => {
    const shared = rule('same');
    const eng = fold([created('eng'), event('ChannelExtensionAdded', { rule: shared })]);
    const ops = fold([created('ops'), event('ChannelRestrictionAdded', { rule: shared }, 'ops')]);
    compileChannel(eng, catalog);

    const compiled = compileChannel(ops, catalog);

    expect(answer(compiled, 'extend', 'acme/same')).toBeUndefined();
    expect(answer(compiled, 'restrict', 'acme/same')).toMatchObject({
      allowed: false,
      provenance: { layer: 'restrict', rule: 'channel/ops/restrictions/same' },
    });
  });

  it('given another connector catalog, when compiled again, then the rule is compiled afresh against it', () => {
    const state = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const first = compileChannel(state, catalog);

    const again = compileChannel(state, createConnectorCatalog());

    expect(answer(again, 'extend', 'acme/a')).toEqual(answer(first, 'extend', 'acme/a'));
    expect(answer(again, 'extend', 'acme/a')).not.toBe(answer(first, 'extend', 'acme/a'));
  });
});

describe('updateChannelRules: a channel brought up to its next state in place', () => {
  const restriction = (id: string) => ({ ...rule(id), actions: ['read'] });
  const layers = ['extend', 'restrict', 'forbid'] as const;
  const resources = ['acme/a', 'acme/b', 'acme/c', 'acme/shared'];
  /** Every layer's answer on every resource, as a fresh compilation of `state` gives it. */
  const answers = (channel: CompiledChannel) =>
    layers.flatMap((layer) =>
      resources.map((resource) => {
        const found = answer(channel, layer, resource);
        return found && { layer, resource, rule: found.provenance.rule, allowed: found.allowed };
      }),
    );

  it('given extensions added and removed one event at a time, when updated in place, then every answer is the fresh compilation’s, the first of two rules on one resource included', () => {
    let state = fold([created('eng')]);
    const channel = compileChannel(state, catalog);
    const events = [
      event('ChannelExtensionAdded', { rule: rule('a') }),
      event('ChannelExtensionAdded', { rule: rule('first', 'acme/shared') }),
      event('ChannelForbidAdded', { rule: rule('f', 'acme/c') }),
      event('ChannelExtensionAdded', { rule: rule('second', 'acme/shared') }),
      event('ChannelRestrictionAdded', { rule: restriction('r') }),
      event('ChannelExtensionRemoved', { ruleId: 'first' }),
      event('ChannelExtensionAdded', { rule: rule('first', 'acme/shared') }),
      event('ChannelForbidRemoved', { ruleId: 'f' }),
    ];
    for (const next of events) {
      const after = fold([next], state);

      const updated = updateChannelRules(channel, state, after, catalog, true);

      expect(updated).toBe(true);
      expect(answers(channel)).toEqual(answers(compileChannel(structuredClone(after), catalog)));
      state = after;
    }
    expect(answer(channel, 'extend', 'acme/shared')?.provenance.rule).toBe('channel/eng/extensions/second');
  });

  it('given a change to anything but the rule lists, when updated, then it refuses and leaves the channel as it was', () => {
    const before = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const channel = compileChannel(before, catalog);
    const after = fold(
      [
        event('ChannelMemberAdded', { principalId: 'olivia', role: 'admin' }),
        event('ChannelExtensionAdded', { rule: rule('b') }),
      ],
      before,
    );

    expect(updateChannelRules(channel, before, after, catalog, true)).toBe(false);
    expect(answer(channel, 'extend', 'acme/b')).toBeUndefined();
  });

  it('given bundle placements after the channel’s own extensions, when an extension is added, then it refuses (the new rule would answer after them)', () => {
    const before = fold([created('eng')]);
    const channel = compileChannel(before, catalog);

    const updated = updateChannelRules(
      channel,
      before,
      fold([event('ChannelExtensionAdded', { rule: rule('a') })], before),
      catalog,
      false,
    );

    expect(updated).toBe(false);
    expect(answer(channel, 'extend', 'acme/a')).toBeUndefined();
  });

  it('given the next state of another channel, when updated, then it refuses and leaves the channel as it was', () => {
    const before = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const channel = compileChannel(before, catalog);
    const other = fold([created('ops'), event('ChannelExtensionAdded', { rule: rule('a') }, 'ops')]);
    const after = fold([event('ChannelExtensionAdded', { rule: rule('b') }, 'ops')], other);

    expect(updateChannelRules(channel, before, after, catalog, true)).toBe(false);
    expect(answer(channel, 'extend', 'acme/b')).toBeUndefined();
    expect(answer(channel, 'extend', 'acme/a')?.provenance.rule).toBe('channel/eng/extensions/a');
  });

  it('given a rule moved to the end of its list, when updated, then it refuses (its place among the others changed) and a fresh compilation answers with the new order', () => {
    const first = rule('first', 'acme/shared');
    const second = rule('second', 'acme/shared');
    const before = fold([
      created('eng'),
      event('ChannelExtensionAdded', { rule: first }),
      event('ChannelExtensionAdded', { rule: second }),
    ]);
    const channel = compileChannel(before, catalog);
    const after = { ...before, extensions: [second, first] };

    expect(updateChannelRules(channel, before, after, catalog, true)).toBe(false);
    expect(answer(channel, 'extend', 'acme/shared')?.provenance.rule).toBe('channel/eng/extensions/first');
    expect(answer(compileChannel(after, catalog), 'extend', 'acme/shared')?.provenance.rule).toBe(
      'channel/eng/extensions/second',
    );
  });

  it('given a rule list rewritten at once (one rule out, another in), when updated, then both take effect in place', () => {
    const before = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const channel = compileChannel(before, catalog);
    const after = { ...before, extensions: [rule('b')] };

    expect(updateChannelRules(channel, before, after, catalog, true)).toBe(true);
    expect(answer(channel, 'extend', 'acme/a')).toBeUndefined();
    expect(answer(channel, 'extend', 'acme/b')?.provenance.rule).toBe('channel/eng/extensions/b');
  });

  it('given a rule last compiled under another connector catalog, when it is removed, then it refuses rather than leave its placements behind', () => {
    const before = fold([created('eng'), event('ChannelExtensionAdded', { rule: rule('a') })]);
    const channel = compileChannel(before, catalog);
    compileChannel(before, createConnectorCatalog());

    const updated = updateChannelRules(
      channel,
      before,
      fold([event('ChannelExtensionRemoved', { ruleId: 'a' })], before),
      catalog,
      true,
    );

    expect(updated).toBe(false);
    expect(answer(channel, 'extend', 'acme/a')?.allowed).toBe(true);
  });
});

describe('updateChannelRules, on any sequence of rule changes', () => {
  const lists = [
    { added: 'ChannelExtensionAdded', removed: 'ChannelExtensionRemoved', layer: 'extend' },
    { added: 'ChannelRestrictionAdded', removed: 'ChannelRestrictionRemoved', layer: 'restrict' },
    { added: 'ChannelForbidAdded', removed: 'ChannelForbidRemoved', layer: 'forbid' },
  ] as const;
  const patterns = ['acme/a', 'acme/b', 'acme/*', 'acme/**', 'other/a', 'acme/a*'];
  const queried = ['acme/a', 'acme/b', 'acme/ab', 'acme/x/y', 'other/a', 'other/b'];
  const actions = [['read'], ['write'], ['read', 'write']];
  const step = fc.record({
    list: fc.integer({ min: 0, max: 2 }),
    id: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
    resources: fc.uniqueArray(fc.constantFrom(...patterns), { minLength: 1, maxLength: 2 }),
    actions: fc.constantFrom(...actions),
  });
  /** Every layer's answer to every action on every resource: rule, pattern and verdict. */
  const everyAnswer = (channel: CompiledChannel) =>
    lists.flatMap(({ layer }) =>
      ['read', 'write'].flatMap((action) =>
        queried.map((resource) => {
          const found = indexIn(channel[layer], 'github', action)?.find(resource, Date.now());
          return found && { table: layer, action, resource, ...found.provenance, allowed: found.allowed };
        }),
      ),
    );

  it('given random additions and removals in the three lists, when each is applied in place (or compiled again where refused), then every answer is a fresh compilation’s', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        let state = fold([created('eng')]);
        let channel = compileChannel(state, catalog);
        const held = lists.map(() => new Set<string>());
        for (const { list, id, resources, actions: granted } of steps) {
          // A rule id present in the list is removed, an absent one added: every event is one the decider could record.
          const next = held[list].has(id)
            ? event(lists[list].removed, { ruleId: id })
            : event(lists[list].added, { rule: { id, connector: 'github', actions: granted, resources } });
          if (held[list].has(id)) held[list].delete(id);
          else held[list].add(id);
          const after = fold([next], state);

          if (!updateChannelRules(channel, state, after, catalog, true))
            channel = compileChannel(after, catalog);

          expect(everyAnswer(channel)).toEqual(everyAnswer(compileChannel(structuredClone(after), catalog)));
          state = after;
        }
      }),
      { numRuns: 300 },
    );
  });
});
