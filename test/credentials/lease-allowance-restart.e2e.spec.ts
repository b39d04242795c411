import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { channelStreamId, credentialLeaseStreamId } from '@mandate/domain';
import { appendWhileNoApiRuns, type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

const leases = '/v1/workspaces/acme/credential-leases';

const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect({ status: response.statusCode, body: response.body }).toEqual({ status, body: expect.any(String) });
  return response.json<T>();
};

/**
 * A permission taken away while no API ran (another node, the CLI, a restore) must still end the
 * leases that relied on it once an API runs again: the sweeper starts from the oldest event that
 * could concern a live lease, not from the head it finds at boot.
 */
describe('lease allowance across a restart (real app, SQLite file, mandate-jwt)', () => {
  let first: IdentityApi | undefined;
  let second: IdentityApi | undefined;

  afterAll(async () => {
    await Promise.all([first?.app.close(), second?.app.close()]);
  });

  it('given a live lease and a forbid recorded while no API ran, when an API starts on the log, then it ends the lease as no longer allowed', async () => {
    // given: a lease on acme/api issued by a first API
    const api1 = await startIdentityApi();
    first = api1;
    ok(
      await api1.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api1.call('PUT', '/v1/workspaces/acme/members/alice/roles/admin', { as: 'root' }));
    for (const service of ['agent-runtime', 'tool']) {
      ok(await api1.call('PUT', `/v1/workspaces/acme/services/${service}`, { as: 'root' }));
    }
    ok(
      await api1.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'app:bot',
              actions: ['read'],
              resources: ['acme/*'],
            },
          ],
        },
      }),
    );
    ok(
      await api1.call('POST', '/v1/workspaces/acme/channels', {
        as: 'alice',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    ok(
      await api1.call('PUT', '/v1/workspaces/acme/connections/github-main/credential', {
        as: 'alice',
        body: { kind: 'mandate-jwt' },
      }),
    );
    const lease = ok<{ leaseId: string; token: string }>(
      await api1.call('POST', leases, {
        as: 'agent-runtime',
        scopes: ['credentials:issue'],
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/api'],
          idempotencyKey: 'r-1',
          invokedBy: 'alice',
        },
      }),
    );
    const { config } = api1;
    await api1.app.close();
    first = undefined;

    // and: a forbid on acme/* in #eng, written to the log while no API runs
    await appendWhileNoApiRuns(config, channelStreamId('acme', 'eng'), {
      type: 'ChannelForbidAdded',
      data: {
        channelId: 'eng',
        rule: { id: 'no-acme', connector: 'github', actions: ['read'], resources: ['acme/*'] },
      },
      workspaceId: 'acme',
      actor: { kind: 'user', id: 'alice' },
    });

    // when: an API starts again on the same data
    second = await startIdentityApi({
      DATA_DIR: config.DATA_DIR,
      AUTH_DEV_KEY_PATH: config.AUTH_DEV_KEY_PATH ?? '',
    });
    const api = second;
    const leaseView = async () =>
      ok<{ status: string }>(await api.call('GET', `${leases}/${lease.leaseId}`, { as: 'alice' }));
    for (let tries = 0; (await leaseView()).status === 'active' && tries < 50; tries++) await sleep(100);

    // then
    expect(await leaseView()).toMatchObject({ status: 'ended' });
    const ended = (await api.store.readStream(credentialLeaseStreamId('acme', lease.leaseId))).map(
      (event) => [event.type, (event.data as { reason?: string }).reason],
    );
    expect(ended).toContainEqual(['CredentialLeaseEnded', 'no-longer-allowed']);
  }, 60_000);
});
