import type { LightMyRequestResponse } from 'fastify';
import type { GithubStandIn } from '@mandate/testing';
import { InvokerRightsResolver } from '../../apps/api/src/overlays/invoker-rights.resolver';
import {
  type GithubLeaseScene,
  ok,
  payrollOverlayIdentity,
  startGithubLeaseScene,
  ws,
} from '../credentials/github-lease.scene';
import { type IdentityApi, problem } from './identity-test-kit';

const runtime = { as: 'agent-runtime', scopes: ['agent-actions:record', 'permissions:check'] };
const payroll = { channelId: 'eng', connector: 'github', action: 'read', resource: 'acme/payroll' };

describe('identity-aware overlays (real API, SQLite file, a GitHub stand-in over TLS)', () => {
  let scene: GithubLeaseScene;
  let upstream: GithubStandIn;
  let api: IdentityApi;
  /** After the configuration, before any invoker right was observed. */
  let configuredAt: string;

  const reach = (response: LightMyRequestResponse) => scene.reach(response);
  const act = (idempotencyKey: string, invokedBy: string) =>
    api.call('POST', `${ws}/agent-actions`, { ...runtime, body: { ...payroll, invokedBy, idempotencyKey } });
  const check = (body: Record<string, unknown>) =>
    api.call('POST', '/v1/check', { ...runtime, body: { workspaceId: 'acme', ...payroll, ...body } });

  beforeAll(async () => {
    // Given workspace acme: alice its admin, carol the admin of #eng, dave and erin members, and
    // the agent runtime bound to it; a baseline that reads every acme repository, with an overlay
    // on acme/payroll: the agent reads it only for an invoker who could read it themselves; and
    // the App's key for the connection, pointed at the stand-in
    scene = await startGithubLeaseScene({
      name: 'overlays-e2e',
      worker: false,
      repositories: ['api', 'payroll'],
      members: { alice: 'admin', carol: 'member', dave: 'member', erin: 'member' },
      channelCreator: 'carol',
      identity: payrollOverlayIdentity(['github-main']),
    });
    ({ api } = scene);
    upstream = scene.github.upstream;
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

  afterAll(() => scene?.close(), 60_000);

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
