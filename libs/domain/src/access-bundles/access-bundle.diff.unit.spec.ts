import { github } from './access-bundle.builders';
import { attachmentsOf } from './access-bundle.decider';
import { diffBundle } from './access-bundle.diff';
import { emptyBundleContent, type AccessBundleBody } from './access-bundle.state';

const withGithub = { ...emptyBundleContent, name: 'Eng', connections: [github] };

describe('diffBundle: one change event per connection, whatever of it changed', () => {
  it.each([
    ['account', { account: 'app:eng-2' }],
    ['resources', { resources: ['acme/**'] }],
    ['actions', { actions: ['read'] }],
  ])(
    'given only the %s of a connection changed, then one BundleConnectionChanged carries it whole',
    (_name, change) => {
      // when the desired bundle differs from the current one in that alone
      const events = diffBundle(withGithub, { ...withGithub, connections: [{ ...github, ...change }] });

      // then it is recorded once, as the whole connection
      expect(events).toEqual([
        { type: 'BundleConnectionChanged', data: { connection: { ...github, ...change } } },
      ]);
    },
  );
});

describe('attachmentsOf: the scopes a retired bundle is detached from', () => {
  const body: AccessBundleBody = {
    ...withGithub,
    bundleId: 'eng-tools',
    workspaceId: 'acme',
    attachedTo: { workspace: false, channels: ['eng', 'ops'] },
  };

  it('given a bundle attached to channels only, then those channels and nothing else', () => {
    expect(attachmentsOf(body)).toEqual([
      { scope: 'channel', channelId: 'eng' },
      { scope: 'channel', channelId: 'ops' },
    ]);
  });

  it('given a bundle attached to the workspace too, then the workspace first', () => {
    expect(attachmentsOf({ ...body, attachedTo: { workspace: true, channels: ['eng'] } })).toEqual([
      { scope: 'workspace' },
      { scope: 'channel', channelId: 'eng' },
    ]);
  });
});
