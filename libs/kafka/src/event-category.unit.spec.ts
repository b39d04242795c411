import { categoryOf, relayTopics, topicFor } from './event-category';

describe('event categories', () => {
  it.each([
    ['workspace-acme', 'identity'],
    ['agent-identity-acme', 'identity'],
    ['channel-acme.general', 'identity'],
    ['access-request-01J', 'access'],
    ['approval-policy-acme', 'access'],
    ['agent-action-acme-2026-11', 'agent-actions'],
    ['memory-update-acme.run-1:mem-1', 'agent-actions'],
    ['external-accounts-acme', 'identity'],
    ['invoker-right-acme.2026-11-30.0123abcd', 'agent-actions'],
    ['credential-acme', 'other'],
    ['workspaces', 'other'],
  ])('given stream %s, then its category is %s', (streamId, category) => {
    expect(categoryOf(streamId)).toBe(category);
  });

  it('given a prefix, then topics are <prefix>.<category>, one per category', () => {
    expect(topicFor('mandate', 'access')).toBe('mandate.access');
    expect(relayTopics('acme')).toEqual(['acme.identity', 'acme.access', 'acme.agent-actions', 'acme.other']);
  });
});
