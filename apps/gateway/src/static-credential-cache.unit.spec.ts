import { inspect } from 'node:util';
import type { RecordedEvent } from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';
import { STATIC_CREDENTIAL_TTL_MS, StaticCredentialCache } from './static-credential-cache';

const SECRET = 'ghp_canary0123456789';
const ref = { workspaceId: 'acme', connectionId: 'code' };
const staticCredential = (secret: string) =>
  JSON.stringify({
    kind: 'static',
    secret,
    hosts: ['api.github.com'],
    header: 'Authorization: Bearer {secret}',
  });

function given() {
  let now = Date.parse('2026-11-30T12:00:00.000Z');
  const stored = new Map([['acme/code', staticCredential(SECRET)]]);
  const reads: string[] = [];
  const vault = {
    get: async ({ workspaceId, connectionId }: typeof ref) => {
      reads.push(`${workspaceId}/${connectionId}`);
      return stored.get(`${workspaceId}/${connectionId}`);
    },
  };
  const cache = new StaticCredentialCache(vault, () => now);
  const applied: RecordedEvent[] = [];
  const model: ReadModel = {
    position: 7,
    applyPage: (events) => void applied.push(...events),
    snapshot: () => ({ position: 7, lastHash: null }),
  };
  return {
    cache,
    stored,
    reads,
    applied,
    model,
    later: (ms: number) => void (now += ms),
  };
}

/** As recorded: a workspace's credential events carry its id as the envelope's tenant too. */
const event = (
  type: string,
  data: { workspaceId: string; [field: string]: unknown },
  tenant = data.workspaceId,
) => ({ type, data, workspaceId: tenant }) as unknown as RecordedEvent;

describe('the static credential cache', () => {
  it('given a credential read once, when read again within its time, then the vault is not read again', async () => {
    const { cache, reads, later } = given();

    const first = await cache.get(ref);
    later(STATIC_CREDENTIAL_TTL_MS - 1);
    const second = await cache.get(ref);

    expect(second).toEqual(first);
    expect(first).toMatchObject({ kind: 'static', secret: SECRET });
    expect(reads).toEqual(['acme/code']);
  });

  it('given a credential read once, when its time has passed, then the vault is read again', async () => {
    const { cache, reads, later } = given();
    await cache.get(ref);

    later(STATIC_CREDENTIAL_TTL_MS);
    await cache.get(ref);

    expect(reads).toHaveLength(2);
  });

  it.each(['CredentialRotated', 'CredentialStored', 'CredentialDestroyed'])(
    'given a kept credential, when the projection passes %s for it, then the next call reads the vault',
    async (type) => {
      const { cache, stored, reads, applied, model } = given();
      await cache.get(ref);
      stored.set('acme/code', staticCredential('ghp_rotated'));
      const followed = cache.following(model);

      followed.applyPage([event(type, { ...ref, version: 2 })]);

      expect(applied).toHaveLength(1);
      await expect(cache.get(ref)).resolves.toMatchObject({ secret: 'ghp_rotated' });
      expect(reads).toHaveLength(2);
    },
  );

  it('given a kept credential, when another connection’s credential changes, then it is kept', async () => {
    const { cache, reads, model } = given();
    await cache.get(ref);

    cache
      .following(model)
      .applyPage([event('CredentialRotated', { workspaceId: 'acme', connectionId: 'other' })]);
    await cache.get(ref);

    expect(reads).toHaveLength(1);
  });

  it('given an organization’s kept credential, when its organization-tenant event passes, then it is read again, and a workspace of the same id is not touched', async () => {
    const { cache, stored, reads, model } = given();
    const organizationRef = { workspaceId: 'organization:acme', connectionId: 'code' };
    stored.set('organization:acme/code', staticCredential('ghp_organization'));
    await cache.get(ref);
    await cache.get(organizationRef);

    cache
      .following(model)
      .applyPage([event('CredentialRotated', { ...ref, version: 2 }, 'organization:acme')]);
    await cache.get(ref);
    await cache.get(organizationRef);

    expect(reads).toEqual(['acme/code', 'organization:acme/code', 'organization:acme/code']);
  });

  it('given a destroyed credential, when read, then there is none and none is kept', async () => {
    const { cache, stored, reads } = given();
    stored.clear();

    await expect(cache.get(ref)).resolves.toBeUndefined();
    stored.set('acme/code', staticCredential(SECRET));
    await expect(cache.get(ref)).resolves.toMatchObject({ secret: SECRET });
    expect(reads).toHaveLength(2);
  });

  it('given a vault read that a change overtakes, when it returns, then its value is not kept', async () => {
    const { cache, reads } = given();
    const reading = cache.get(ref);
    cache.forget(ref);
    await reading;

    await cache.get(ref);

    expect(reads).toHaveLength(2);
  });

  it('given the followed model, then the runner sees its position and snapshots through the wrapper', () => {
    const { cache, model } = given();

    const followed = cache.following(model);

    expect(followed.position).toBe(7);
    expect(followed.snapshot?.()).toEqual({ position: 7, lastHash: null });
    expect(followed.restore).toBeUndefined();
  });

  it('given a kept credential, when the cache is inspected or serialized, then the secret does not appear', async () => {
    const { cache } = given();
    await cache.get(ref);

    expect(inspect(cache, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify({ cache })).not.toContain(SECRET);
  });
});
