import { channelVisibleTo } from './channel-visibility';

describe('channelVisibleTo', () => {
  const privateChannel = { visibility: 'private' as const, members: { dave: 'member' as const } };

  it('shows a public channel to every workspace member', () => {
    expect(channelVisibleTo({ visibility: 'public', members: {} }, 'frank', ['member'])).toBe(true);
  });

  it('shows a private channel to its members and to workspace admins (owners included), to nobody else', () => {
    expect(channelVisibleTo(privateChannel, 'dave', ['member'])).toBe(true);
    expect(channelVisibleTo(privateChannel, 'adam', ['admin'])).toBe(true);
    expect(channelVisibleTo(privateChannel, 'olga', ['owner'])).toBe(true);
    expect(channelVisibleTo(privateChannel, 'frank', ['member'])).toBe(false);
    expect(channelVisibleTo(privateChannel, 'bob', ['approver'])).toBe(false);
    expect(channelVisibleTo(privateChannel, 'erin', ['auditor'])).toBe(false);
  });

  it('treats an id such as __proto__ or constructor as a principal like any other', () => {
    expect(channelVisibleTo(privateChannel, '__proto__', ['member'])).toBe(false);
    expect(channelVisibleTo(privateChannel, 'constructor', ['member'])).toBe(false);
  });
});
