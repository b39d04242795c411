import { GithubAppMinter, parseCredential } from '@mandate/credentials';
import {
  type GithubLeaseScene,
  ok,
  payrollOverlayIdentity,
  startGithubLeaseScene,
  ws,
} from '../credentials/github-lease.scene';
import { type RunningGateway, startGatewayProcess } from './gateway-test-kit';

/**
 * An `invokerCan` overlay at the connector endpoint: the gateway asks the workspace's GitHub App
 * (the stand-in, over TLS) whether the session's invoker could read the repository themselves,
 * records the observation as the API does, and decides with it.
 */
describe('connector endpoint: an overlay requiring the invoker’s own right (gateway process, GitHub stand-in)', () => {
  let scene: GithubLeaseScene;
  let gateway: RunningGateway;
  const sessions: Record<string, string> = {};

  const call = async (invoker: string, path: string, connection = 'code') => {
    const response = await fetch(`${gateway.url}/connectors/${connection}${path}`, {
      headers: { 'proxy-authorization': `Bearer ${sessions[invoker]}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const events = async (type: string) =>
    (await scene.api.store.readAll()).filter((event) => event.type === type);

  beforeAll(async () => {
    // Given workspace acme (alice its admin, dave and erin members, the agent runtime bound, #eng),
    // a baseline reading every acme repository through the App's connection `github-main` and
    // through `code`, and an overlay on acme/payroll: the agent reads it only for an invoker who
    // could read it themselves
    scene = await startGithubLeaseScene({
      name: 'gateway-overlays',
      repositories: ['api', 'payroll'],
      members: { alice: 'admin', dave: 'member', erin: 'member' },
      identity: payrollOverlayIdentity(['github-main', 'code']),
    });
    const { api, github } = scene;
    // and `code` holding a static token the stand-in accepts for acme/payroll, bound to its host
    const parsed = parseCredential(github.app.credential(github.upstream.baseUrl));
    if (!parsed.ok || parsed.credential.kind !== 'github-app') throw new Error('the App credential');
    const { token } = await new GithubAppMinter({ dispatcher: github.trusting }).mint(parsed.credential, {
      owner: 'acme',
      repositories: ['payroll'],
      permissions: { metadata: 'read' },
    });
    ok(
      await api.call('PUT', `${ws}/connections/code/credential`, {
        as: 'alice',
        body: {
          kind: 'static',
          secret: token,
          hosts: ['127.0.0.1'],
          header: 'Authorization: Bearer {secret}',
        },
      }),
    );
    // and dave and erin linked to their GitHub logins, where only erin may read acme/payroll
    for (const [who, login] of [
      ['dave', 'dave-gh'],
      ['erin', 'erin-gh'],
    ]) {
      ok(
        await api.call('PUT', `${ws}/members/${who}/external-accounts/github`, {
          as: 'alice',
          body: { login },
        }),
      );
    }
    github.upstream.setCollaborator('acme/payroll', 'erin-gh', 'read');
    // and the gateway process, trusting the stand-in's CA, GitHub's API at the stand-in
    gateway = await startGatewayProcess({
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      GATEWAY_GITHUB_API_URL: github.upstream.baseUrl,
      NODE_EXTRA_CA_CERTS: github.ca.caCertPath,
      TEMPORAL_ADDRESS: api.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: api.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: api.config.TEMPORAL_TASK_QUEUE,
    });
    // and a gateway session of the runtime in #eng for each invoker
    for (const invokedBy of ['dave', 'erin']) {
      sessions[invokedBy] = ok<{ token: string }>(
        await api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
          as: 'agent-runtime',
          scopes: ['gateway:session'],
          body: { invokedBy, runId: `run-${invokedBy}` },
        }),
        201,
      ).token;
    }
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await scene?.close();
  }, 60_000);

  it('erin, who can read acme/payroll, gets it through the gateway; dave, who cannot, is refused 403 naming the overlay', async () => {
    // When the agent reads acme/payroll through the gateway for erin
    const forErin = await call('erin', '/repos/acme/payroll');
    // Then the stand-in answers it
    expect(forErin).toEqual({ status: 200, body: { full_name: 'acme/payroll', private: true } });

    // When the agent reads it for dave
    const forDave = await call('dave', '/repos/acme/payroll');
    // Then the gateway refuses, naming the overlay and the condition dave failed, and sends nothing
    expect(forDave).toMatchObject({
      status: 403,
      body: {
        code: 'agent-action-denied',
        provenance: {
          layer: 'overlay',
          rule: 'workspace/overlays/payroll-own-right',
          pattern: 'acme/payroll',
          condition: 'invoker-can',
        },
      },
    });
    const upstream = scene.github.upstream;
    expect(upstream.calls.filter((seen) => seen.path === '/repos/acme/payroll')).toHaveLength(1);

    // And GitHub was asked once for each login, through the App, for that repository
    expect(upstream.permissionLookups).toEqual(['acme/payroll:erin-gh', 'acme/payroll:dave-gh']);
    // And each observation is recorded as the API records one, by the gateway
    expect((await events('InvokerRightObserved')).map(({ data, actor }) => ({ data, actor }))).toEqual([
      {
        data: expect.objectContaining({ principalId: 'erin', login: 'erin-gh', permission: 'read' }),
        actor: { kind: 'system', id: 'mandate-gateway' },
      },
      {
        data: expect.objectContaining({ principalId: 'dave', login: 'dave-gh', permission: 'none' }),
        actor: { kind: 'system', id: 'mandate-gateway' },
      },
    ]);
    // And both calls are recorded with who asked
    const decided = (await events('AgentActionAuthorized'))
      .concat(await events('AgentActionDenied'))
      .map(({ type, data }) => ({ type, data }));
    expect(decided).toEqual([
      {
        type: 'AgentActionAuthorized',
        data: expect.objectContaining({
          request: expect.objectContaining({ resource: 'acme/payroll', invokedBy: 'erin' }),
        }),
      },
      {
        type: 'AgentActionDenied',
        data: expect.objectContaining({
          request: expect.objectContaining({ resource: 'acme/payroll', invokedBy: 'dave' }),
          decision: expect.objectContaining({
            provenance: expect.objectContaining({ condition: 'invoker-can' }),
          }),
        }),
      },
    ]);
  });

  it('a repository no overlay covers is decided without asking GitHub; a fresh observation is reused', async () => {
    const upstream = scene.github.upstream;
    const lookups = upstream.permissionLookups.length;
    // Dave's read of acme/api meets no overlay (the stand-in answers 404: the token is payroll's)
    expect((await call('dave', '/repos/acme/api')).status).toBe(404);
    // Erin's second read of acme/payroll reuses the observation
    expect((await call('erin', '/repos/acme/payroll')).status).toBe(200);
    expect(upstream.permissionLookups).toHaveLength(lookups);
  });

  it('through the App’s connection, erin’s call is injected with a lease for acme/payroll that stands on her observed right', async () => {
    const { api, github } = scene;
    // When the agent reads acme/payroll for erin through github-main (a GitHub App: a lease per call)
    const first = await call('erin', '/repos/acme/payroll', 'github-main');
    // Then the worker minted a token for exactly that repository and the stand-in answered
    expect(first).toEqual({ status: 200, body: { full_name: 'acme/payroll', private: true } });
    const leases = (await events('CredentialLeaseIssued')).map(({ data }) => data as { leaseId: string });
    expect(leases).toEqual([
      expect.objectContaining({
        connectionId: 'github-main',
        resources: ['acme/payroll'],
        invokedBy: 'erin',
      }),
    ]);
    // When something unrelated changes in the workspace, and the lease-allowance sweeper has looked
    ok(
      await api.call('PUT', `${ws}/members/alice/external-accounts/github`, {
        as: 'alice',
        body: { login: 'alice-gh' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Then the lease was not ended as if erin's right had never been observed, and it is reused
    expect(await events('CredentialLeaseEnded')).toEqual([]);
    const minted = github.upstream.tokens.length;
    expect((await call('erin', '/repos/acme/payroll', 'github-main')).status).toBe(200);
    expect(github.upstream.tokens).toHaveLength(minted);
  });
});
