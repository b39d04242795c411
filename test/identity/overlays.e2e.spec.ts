import { Global, Module } from '@nestjs/common';
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
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { INVOKER_RIGHT_UPSTREAM } from '../../apps/api/src/overlays/invoker-right.source';
import { InvokerRightsResolver } from '../../apps/api/src/overlays/invoker-rights.resolver';
import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';
const runtime = { as: 'agent-runtime', scopes: ['agent-actions:record', 'permissions:check'] };
const payroll = { channelId: 'eng', connector: 'github', action: 'read', resource: 'acme/payroll' };

describe('identity-aware overlays (real API, SQLite file, a GitHub stand-in over TLS)', () => {
  const app = standInGithubApp({ repositories: ['api', 'payroll'] });
  let dir: TempDir;
  let upstream: GithubStandIn;
  let trusting: Agent;
  let api: IdentityApi;
  /** After the configuration, before any invoker right was observed. */
  let configuredAt: string;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const reach = async (response: LightMyRequestResponse) =>
    api.app
      .get(ProjectionService)
      .runner.waitForPosition(response.json<{ position: number }>().position, 5_000);
  const act = (idempotencyKey: string, invokedBy: string) =>
    api.call('POST', `${ws}/agent-actions`, { ...runtime, body: { ...payroll, invokedBy, idempotencyKey } });
  const check = (body: Record<string, unknown>) =>
    api.call('POST', '/v1/check', { ...runtime, body: { workspaceId: 'acme', ...payroll, ...body } });

  beforeAll(async () => {
    dir = createTempDir('mandate-overlays-e2e-');
    const ca = createTestCertificateAuthority(dir.path);
    upstream = await startGithubStandIn({ cert: ca.cert, key: ca.key, installations: [app.installation] });
    trusting = new Agent({ connect: { ca: ca.caCert } });
    @Global()
    @Module({
      providers: [{ provide: INVOKER_RIGHT_UPSTREAM, useValue: { dispatcher: trusting } }],
      exports: [INVOKER_RIGHT_UPSTREAM],
    })
    class TrustTheStandIn {}
    api = await startIdentityApi({}, { imports: [TrustTheStandIn] });

    // Given workspace acme: alice its admin, carol the admin of #eng, dave and erin members,
    // and the agent runtime bound to it
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    for (const [who, role] of [
      ['alice', 'admin'],
      ['carol', 'member'],
      ['dave', 'member'],
      ['erin', 'member'],
    ]) {
      ok(await api.call('PUT', `${ws}/members/${who}/roles/${role}`, { as: 'root' }));
    }
    ok(await api.call('PUT', `${ws}/services/agent-runtime`, { as: 'root' }));
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'carol',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    // and a baseline that reads every acme repository, with an overlay on acme/payroll: the agent
    // reads it only for an invoker who could read it themselves
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'app:4242',
              actions: ['read'],
              resources: ['acme/*'],
            },
          ],
          overlays: [
            {
              id: 'payroll-own-right',
              connector: 'github',
              actions: ['read'],
              resources: ['acme/payroll'],
              invoker: { invokerCan: true },
            },
          ],
        },
      }),
    );
    // and the App's key for the connection, pointed at the stand-in
    ok(
      await api.call('PUT', `${ws}/connections/github-main/credential`, {
        as: 'alice',
        body: app.credential(upstream.baseUrl),
      }),
    );
    // and dave and erin linked to their GitHub logins, where only erin may read acme/payroll
    ok(
      await api.call('PUT', `${ws}/members/dave/external-accounts/github`, {
        as: 'alice',
        body: { login: 'Dave-GH' },
      }),
    );
    await reach(
      await api.call('PUT', `${ws}/members/erin/external-accounts/github`, {
        as: 'alice',
        body: { login: 'erin-gh' },
      }),
    );
    upstream.setCollaborator('acme/payroll', 'erin-gh', 'read');
    configuredAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }, 120_000);

  afterAll(async () => {
    await api?.app.close();
    await trusting?.close();
    await upstream?.close();
    dir?.remove();
  }, 60_000);

  it('Dave, who cannot read acme/payroll, asks the agent in #eng to read it: denied by the overlay; Erin, who can, gets it done; both recorded with who asked', async () => {
    // When the runtime records the read Dave asked for
    const forDave = ok<{ allowed: boolean; provenance: Record<string, string> }>(await act('dave-1', 'dave'));
    // Then the overlay denies it, naming the rule and the condition Dave failed
    expect(forDave).toMatchObject({
      allowed: false,
      provenance: {
        layer: 'overlay',
        rule: 'workspace/overlays/payroll-own-right',
        pattern: 'acme/payroll',
        condition: 'invoker-can',
      },
    });

    // When the runtime records the same read for Erin
    const forErin = ok<{ allowed: boolean; provenance: Record<string, string> }>(await act('erin-1', 'erin'));
    // Then the baseline allows it
    expect(forErin).toMatchObject({
      allowed: true,
      provenance: { layer: 'baseline', rule: 'workspace/connections/github-main' },
    });

    // And both are recorded as agent actions with who asked
    const dave = await api.store.readStream('agent-action-acme.dave-1');
    const erin = await api.store.readStream('agent-action-acme.erin-1');
    expect(dave[0]).toMatchObject({
      type: 'AgentActionDenied',
      data: {
        request: { invokedBy: 'dave' },
        decision: { provenance: { layer: 'overlay', condition: 'invoker-can' } },
      },
    });
    expect(erin[0]).toMatchObject({
      type: 'AgentActionAuthorized',
      data: { request: { invokedBy: 'erin' } },
    });
    // And GitHub was asked about each login once, through the App, for that repository
    expect(upstream.permissionLookups).toEqual(['acme/payroll:dave-gh', 'acme/payroll:erin-gh']);
    // And each observation is in the log
    const observed = (await api.store.readAll()).filter((event) => event.type === 'InvokerRightObserved');
    expect(observed.map(({ data }) => data)).toEqual([
      expect.objectContaining({
        principalId: 'dave',
        login: 'dave-gh',
        permission: 'none',
        resource: 'acme/payroll',
      }),
      expect.objectContaining({
        principalId: 'erin',
        login: 'erin-gh',
        permission: 'read',
        resource: 'acme/payroll',
      }),
    ]);
  });

  it('checks name the invoker: the observation is reused while fresh, and work nobody invoked is denied', async () => {
    const lookups = upstream.permissionLookups.length;
    expect(ok(await check({ invokedBy: 'erin' }))).toMatchObject({ allowed: true });
    expect(ok(await check({ invokedBy: 'dave' }))).toMatchObject({
      allowed: false,
      provenance: { condition: 'invoker-can' },
    });
    expect(upstream.permissionLookups.length).toBe(lookups);
    expect(ok(await check({}))).toMatchObject({
      allowed: false,
      provenance: { layer: 'overlay', condition: 'no-invoker' },
    });
    // An invoker without a linked account holds nothing, and nothing is asked of GitHub for them
    expect(ok(await check({ invokedBy: 'carol' }))).toMatchObject({
      allowed: false,
      provenance: { condition: 'invoker-can' },
    });
    expect(upstream.permissionLookups.length).toBe(lookups);
    // Resources no overlay covers are not asked about
    expect(ok(await check({ invokedBy: 'dave', resource: 'acme/api' }))).toMatchObject({ allowed: true });
    expect(upstream.permissionLookups.length).toBe(lookups);
  });

  it('an answer as of a past instant replays the recorded observation and never asks GitHub', async () => {
    const at = new Date().toISOString();
    const resolver = api.app.get(InvokerRightsResolver);
    const questions = resolver.questions;
    // Erin loses access upstream afterwards; the past answer still says what held then
    upstream.setCollaborator('acme/payroll', 'erin-gh', 'none');
    expect(ok(await check({ invokedBy: 'erin', at }))).toMatchObject({
      allowed: true,
      provenance: { layer: 'baseline' },
    });
    expect(ok(await check({ invokedBy: 'dave', at }))).toMatchObject({
      allowed: false,
      provenance: { condition: 'invoker-can' },
    });
    // Before any observation the right was never observed: the overlay denied, and says so
    const never = ok<{ reason: string }>(await check({ invokedBy: 'erin', at: configuredAt }));
    expect(never).toMatchObject({
      allowed: false,
      provenance: { layer: 'overlay', condition: 'invoker-can' },
    });
    expect(never.reason).toContain('never observed');
    expect(resolver.questions).toBe(questions);
  });

  it('a channel admin adds an overlay to #eng by PUT; removing it needs a workspace admin', async () => {
    const overlays = [
      {
        id: 'api-listed',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        invoker: { principals: ['erin'] },
      },
    ];
    const added = await api.call('PUT', `${ws}/channels/eng/overlays`, { as: 'carol', body: { overlays } });
    expect(ok<{ events: string[] }>(added).events).toEqual(['ChannelOverlayAdded']);
    await reach(added);
    expect(ok(await check({ invokedBy: 'dave', resource: 'acme/api' }))).toMatchObject({
      allowed: false,
      provenance: { layer: 'overlay', rule: 'channel/eng/overlays/api-listed', condition: 'principals' },
    });
    expect(ok(await check({ invokedBy: 'erin', resource: 'acme/api' }))).toMatchObject({ allowed: true });
    // and the channel's effective identity lists both overlays, each with the rule checks name
    const identity = ok<{ overlays: { source: string; rule: string; invoker: unknown }[] }>(
      await api.call('GET', `${ws}/channels/eng/effective-identity`, { as: 'carol' }),
    );
    expect(identity.overlays).toEqual([
      expect.objectContaining({
        source: 'workspace',
        rule: 'workspace/overlays/payroll-own-right',
        invoker: { invokerCan: true },
      }),
      expect.objectContaining({
        source: 'channel',
        rule: 'channel/eng/overlays/api-listed',
        invoker: { principals: ['erin'] },
      }),
    ]);
    expect(
      problem(
        await api.call('PUT', `${ws}/channels/eng/overlays`, { as: 'carol', body: { overlays: [] } }),
        403,
      ).code,
    ).toBe('forbidden-widening');
    const removed = await api.call('PUT', `${ws}/channels/eng/overlays`, {
      as: 'alice',
      body: { overlays: [] },
    });
    expect(ok<{ events: string[] }>(removed).events).toEqual(['ChannelOverlayRemoved']);
    await reach(removed);
    expect(ok(await check({ invokedBy: 'dave', resource: 'acme/api' }))).toMatchObject({ allowed: true });
  });

  it('linking accounts is for workspace admins; a login outside GitHub’s grammar and a connector that cannot tell are refused', async () => {
    const link = (as: string, connector: string, login: string) =>
      api.call('PUT', `${ws}/members/dave/external-accounts/${connector}`, { as, body: { login } });
    expect(problem(await link('carol', 'github', 'dave-gh'), 403).code).toBe('forbidden');
    expect(problem(await link('alice', 'github', '-bad'), 400).errors?.[0]?.path).toBe('body.login');
    expect(problem(await link('alice', 'jira', 'dave'), 400).errors?.[0]?.path).toBe('params.connector');
    expect(ok<unknown[]>(await api.call('GET', `${ws}/external-accounts`, { as: 'alice' }))).toEqual(
      expect.arrayContaining([{ principalId: 'dave', connector: 'github', login: 'dave-gh' }]),
    );
    // Unlinked, Dave holds nothing there: the overlay denies him without asking GitHub
    await reach(await api.call('DELETE', `${ws}/members/dave/external-accounts/github`, { as: 'alice' }));
    expect(ok<unknown[]>(await api.call('GET', `${ws}/external-accounts`, { as: 'alice' }))).toEqual([
      { principalId: 'erin', connector: 'github', login: 'erin-gh' },
    ]);
  });
});
