import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { Agent } from 'undici';
import {
  createTempDir,
  createTestCertificateAuthority,
  type GithubStandIn,
  standInGithubApp,
  startGithubStandIn,
  type TempDir,
} from '@mandate/testing';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import { type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const ws = '/v1/workspaces/acme';
const BOGUS = 'Bearer bogus-agent-token';

/**
 * A GitHub App connection through the connector endpoint: the gateway mints a lease for exactly
 * the call (the lease workflow on the real Temporal server, the worker in this process, a GitHub
 * stand-in over TLS), injects its down-scoped installation token, reuses it, and loses it with the
 * permission behind it.
 */
/**
 * An organization bundle's GitHub App connection through a member's connector endpoint: the
 * gateway reads the organization's credential (stored once by its owner) and mints the call's
 * lease from it; the member's own vault key of that id is never read.
 */
describe('connector endpoint: an organization’s connection injected for a member workspace', () => {
  const app = standInGithubApp({ repositories: ['api', 'web', 'infra'] });
  const org = '/v1/organizations/holding';
  let dir: TempDir;
  let upstream: GithubStandIn;
  let trusting: Agent;
  let api: IdentityApi;
  let worker: INestApplicationContext;
  let gateway: RunningGateway;
  let session: string;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const as = (method: 'PUT' | 'POST', url: string, body?: unknown, headers = {}) =>
    api.call(method, url, { as: 'root', body, headers });

  beforeAll(async () => {
    dir = createTempDir('mandate-gateway-org-lease-');
    const ca = createTestCertificateAuthority(dir.path);
    upstream = await startGithubStandIn({ cert: ca.cert, key: ca.key, installations: [app.installation] });
    trusting = new Agent({ connect: { ca: ca.caCert } });
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: `gateway-org-lease-${randomUUID()}`,
      SQLITE_POLL_INTERVAL_MS: '20',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }, undefined, undefined, {
        upstream: { dispatcher: trusting },
      }),
      { logger: false },
    );
    await worker.init();

    // given workspace acme (member rita, the agent runtime, channel eng) with no connection of its own
    ok(await as('POST', '/v1/workspaces', { workspaceId: 'acme', name: 'Acme' }), 201);
    ok(await as('PUT', `${ws}/members/rita/roles/member`));
    ok(await as('PUT', `${ws}/services/agent-runtime`));
    ok(await as('POST', `${ws}/channels`, { channelId: 'eng', name: 'Eng', visibility: 'public' }), 201);
    // and organization holding whose bundle reads acme/* through gh-org, attached, acme a member,
    // the App's key stored by the organization's owner
    ok(await as('POST', '/v1/organizations', { organizationId: 'holding', name: 'Holding' }), 201);
    const connection = {
      id: 'gh-org',
      connector: 'github',
      account: 'app:4242',
      actions: ['read'],
      resources: ['acme/*'],
    };
    ok(
      await as(
        'PUT',
        `${org}/bundles/org-tools`,
        { name: 'Org tools', connections: [connection] },
        { 'if-match': '"0"' },
      ),
    );
    ok(await as('PUT', `${org}/bundles/org-tools/organization`));
    ok(await as('PUT', `${org}/invitations/acme`));
    ok(await as('PUT', `${ws}/organization/holding`));
    ok(await as('PUT', `${org}/connections/gh-org/credential`, app.credential(upstream.baseUrl)));
    gateway = await startGatewayProcess({
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      LOG_LEVEL: 'debug',
      GATEWAY_GITHUB_API_URL: upstream.baseUrl,
      NODE_EXTRA_CA_CERTS: ca.caCertPath,
      TEMPORAL_ADDRESS: api.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: api.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: api.config.TEMPORAL_TASK_QUEUE,
    });
    session = ok<{ token: string }>(
      await api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
        as: 'agent-runtime',
        scopes: ['gateway:session'],
        body: { invokedBy: 'rita', runId: 'run-org-lease' },
      }),
      201,
    ).token;
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await worker?.close();
    await api?.app.close();
    await trusting?.close();
    await upstream?.close();
    dir?.remove();
  }, 60_000);

  it('given a read the organization’s bundle allows, when the agent calls, then GitHub sees a token minted from the organization’s App key for that repository', async () => {
    let response = await fetch(`${gateway.url}/connectors/gh-org/repos/acme/infra`, {
      headers: { 'proxy-authorization': `Bearer ${session}`, authorization: BOGUS },
    });
    const deadline = Date.now() + 5_000;
    while (response.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await fetch(`${gateway.url}/connectors/gh-org/repos/acme/infra`, {
        headers: { 'proxy-authorization': `Bearer ${session}`, authorization: BOGUS },
      });
    }

    expect({ status: response.status, body: await response.text() }).toMatchObject({ status: 200 });
    const seen = upstream.calls.at(-1)!;
    const minted = upstream.tokens.find((token) => `Bearer ${token.token}` === seen.authorization);
    expect(minted).toMatchObject({
      repositories: ['infra'],
      permissions: expect.objectContaining({ contents: 'read' }),
    });
    const leases = (await api.store.readAll()).filter((event) => event.type === 'CredentialLeaseIssued');
    expect(leases.map((event) => event.data)).toEqual([
      expect.objectContaining({ connectionId: 'gh-org', channelId: 'eng', credentialKind: 'github-app' }),
    ]);
  }, 60_000);
});
