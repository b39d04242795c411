import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileChannel, type CompiledChannel } from './compiled-channel';
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
