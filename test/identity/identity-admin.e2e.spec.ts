import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const github = {
  id: 'github-main',
  connector: 'github',
  account: 'app:mandate-bot',
  actions: ['write'],
  resources: ['acme/*'],
};

describe('identity admin API (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
  });

  afterAll(() => api.app.close());

  describe('workspace and members', () => {
    it('refuses an anonymous caller and a caller who is not a platform admin', async () => {
      const body = { workspaceId: 'acme', name: 'Acme' };

      expect(problem(await api.call('POST', '/v1/workspaces', { body }), 401).code).toBe('missing-token');
      expect(problem(await api.call('POST', '/v1/workspaces', { as: 'alice', body }), 403).code).toBe(
        'forbidden',
      );
    });

    it('creates a workspace whose creator becomes owner, answering the position written', async () => {
      const response = await api.call('POST', '/v1/workspaces', {
        as: 'root',
        body: { workspaceId: 'acme', name: 'Acme' },
      });

      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        position: await api.store.headPosition(),
        revision: 2,
        events: ['WorkspaceCreated', 'MemberRoleGranted'],
      });
      const workspace = await api.call('GET', '/v1/workspaces/acme', { as: 'root' });
      expect(workspace.json()).toMatchObject({
        name: 'Acme',
        members: [{ principalId: 'root', roles: ['owner'] }],
      });
    });

    it('refuses a duplicate workspace (409) and a malformed id naming the field (400)', async () => {
      const duplicate = await api.call('POST', '/v1/workspaces', {
        as: 'root',
        body: { workspaceId: 'acme', name: 'Again' },
      });
      const malformed = await api.call('POST', '/v1/workspaces', {
        as: 'root',
        body: { workspaceId: 'Acme Corp', name: 'Acme', colour: 'red' },
      });

      expect(problem(duplicate, 409).code).toBe('workspace-exists');
      expect(problem(malformed, 400).errors?.map((issue) => issue.path)).toEqual([
        'body.workspaceId',
        'body.colour',
      ]);
    });

    it('grants roles; each write answers a higher position, and a role already held writes nothing', async () => {
      const positions: number[] = [];
      for (const [principal, role] of [
        ['alice', 'admin'],
        ['bob', 'member'],
        ['carol', 'approver'],
        ['dave', 'auditor'],
      ]) {
        const response = await api.call('PUT', `/v1/workspaces/acme/members/${principal}/roles/${role}`, {
          as: 'root',
        });
        expect(response.statusCode).toBe(200);
        positions.push(response.json<{ position: number }>().position);
      }
      const again = await api.call('PUT', '/v1/workspaces/acme/members/bob/roles/member', { as: 'alice' });

      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(4);
      expect(again.json()).toEqual({ position: positions[3], revision: 6, events: [] });
    });

    it('lets members read and only admins change; only an owner makes owners', async () => {
      const read = await api.call('GET', '/v1/workspaces/acme', { as: 'bob' });
      const memberGrants = await api.call('PUT', '/v1/workspaces/acme/members/erin/roles/member', {
        as: 'bob',
      });
      const adminMakesOwner = await api.call('PUT', '/v1/workspaces/acme/members/alice/roles/owner', {
        as: 'alice',
      });
      const memberRenames = await api.call('PATCH', '/v1/workspaces/acme', {
        as: 'bob',
        body: { name: 'Mine' },
      });
      const adminRenames = await api.call('PATCH', '/v1/workspaces/acme', {
        as: 'alice',
        body: { name: 'Acme Inc' },
      });

      expect(read.statusCode).toBe(200);
      expect(read.json<{ members: unknown[] }>().members).toHaveLength(5);
      expect(problem(memberGrants, 403).code).toBe('forbidden');
      const ownerRefusal = problem(adminMakesOwner, 403);
      expect(ownerRefusal.code).toBe('not-workspace-owner');
      expect(ownerRefusal.errors?.[0]?.path).toBe('params.role');
      expect(problem(memberRenames, 403).code).toBe('forbidden');
      expect(adminRenames.json()).toMatchObject({ events: ['WorkspaceRenamed'] });
    });

    it('never removes the last owner (422), and writes nothing when refusing', async () => {
      const before = await api.store.headPosition();

      const response = await api.call('DELETE', '/v1/workspaces/acme/members/root/roles/owner', {
        as: 'root',
      });

      const refusal = problem(response, 422);
      expect(refusal.code).toBe('last-owner');
      expect(refusal.errors?.[0]?.path).toBe('params.principalId');
      expect(await api.store.headPosition()).toBe(before);
    });

    it('revokes a role', async () => {
      const response = await api.call('DELETE', '/v1/workspaces/acme/members/carol/roles/approver', {
        as: 'alice',
      });

      expect(response.json()).toMatchObject({ events: ['MemberRoleRevoked'] });
      const workspace = await api.call('GET', '/v1/workspaces/acme', { as: 'bob' });
      expect(
        workspace.json<{ members: { principalId: string }[] }>().members.map((m) => m.principalId),
      ).toEqual(['alice', 'bob', 'dave', 'root']);
    });
  });

  describe('agent identity baseline', () => {
    const url = '/v1/workspaces/acme/agent-identity';
    const document = {
      connections: [github],
      skills: ['code-review'],
      egress: [{ host: 'api.github.com', ports: [443] }],
      forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
      memoryNamespaces: ['handbook'],
    };

    it('starts empty at revision 0', async () => {
      const response = await api.call('GET', url, { as: 'bob' });

      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe('"0"');
      expect(response.json()).toMatchObject({ connections: [], skills: [], instructions: '' });
    });

    it('refuses a PUT without If-Match (400 naming the header)', async () => {
      const response = await api.call('PUT', url, { as: 'alice', body: document });

      const refusal = problem(response, 400);
      expect(refusal.code).toBe('if-match-required');
      expect(refusal.errors?.[0]?.path).toBe('headers.if-match');
    });

    it('turns a document into granular events and answers the new ETag', async () => {
      const response = await api.call('PUT', url, {
        as: 'alice',
        body: document,
        headers: { 'if-match': '"0"' },
      });

      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe('"5"');
      expect(response.json()).toMatchObject({
        revision: 5,
        events: [
          'ConnectionAdded',
          'SkillEnabled',
          'EgressRuleAdded',
          'ForbidRuleAdded',
          'MemoryNamespaceAdded',
        ],
      });
      const current = await api.call('GET', url, { as: 'dave' });
      expect(current.headers.etag).toBe('"5"');
      expect(current.json()).toMatchObject({ connections: [github], skills: ['code-review'] });
    });

    it('writes nothing for an unchanged document', async () => {
      const head = await api.store.headPosition();

      const response = await api.call('PUT', url, {
        as: 'alice',
        body: document,
        headers: { 'if-match': '"5"' },
      });

      expect(response.json()).toEqual({ position: head, revision: 5, events: [] });
      expect(await api.store.headPosition()).toBe(head);
    });

    it("records exactly what changed, and who changed it, under the server's correlation id, never the caller's", async () => {
      const changed = { ...document, connections: [{ ...github, actions: ['read', 'write'] }] };

      const response = await api.call('PUT', url, {
        as: 'root',
        body: changed,
        headers: { 'if-match': '5', 'x-request-id': 'chosen-by-the-caller' },
      });

      expect(response.json()).toMatchObject({ revision: 6, events: ['ConnectionActionsChanged'] });
      const [event] = await api.store.readStream('agent-identity-acme', { from: 5 });
      expect(event).toMatchObject({
        actor: { kind: 'user', id: 'root' },
        workspaceId: 'acme',
        data: { connectionId: 'github-main', added: ['read'], removed: [] },
      });
      expect(event?.metadata.correlationId).toBe(response.headers['x-request-id']);
      expect(event?.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        api
          .logLines()
          .find(
            (line) => line.msg === 'request completed' && line.requestId === event?.metadata.correlationId,
          ),
      ).toMatchObject({ clientRequestId: 'chosen-by-the-caller' });
    });

    it('refuses a stale If-Match with 409 and the current revision, changing nothing', async () => {
      const response = await api.call('PUT', url, {
        as: 'alice',
        body: { connections: [] },
        headers: { 'if-match': '"4"' },
      });

      const refusal = problem(response, 409);
      expect(refusal.code).toBe('revision-mismatch');
      expect(refusal.details).toEqual({ currentRevision: 6 });
      expect((await api.call('GET', url, { as: 'bob' })).headers.etag).toBe('"6"');
    });

    it('refuses a member (403), a shape error (400) and a semantic error (422) naming the field', async () => {
      const byMember = await api.call('PUT', url, {
        as: 'bob',
        body: document,
        headers: { 'if-match': '6' },
      });
      const shape = await api.call('PUT', url, {
        as: 'alice',
        body: { connections: [{ ...github, actions: [] }] },
        headers: { 'if-match': '6' },
      });
      const unknownConnector = await api.call('PUT', url, {
        as: 'alice',
        body: { connections: [github, { ...github, id: 'gl', connector: 'gitlab' }] },
        headers: { 'if-match': '6' },
      });

      expect(problem(byMember, 403).code).toBe('forbidden');
      expect(problem(shape, 400).errors?.[0]?.path).toBe('body.connections[0].actions');
      const refusal = problem(unknownConnector, 422);
      expect(refusal.code).toBe('unknown-connector');
      expect(refusal.errors?.[0]?.path).toBe('body.connections[1].connector');
      expect((await api.call('GET', url, { as: 'bob' })).headers.etag).toBe('"6"');
    });
  });

  describe('channels and overrides', () => {
    const channel = (id = 'eng') => `/v1/workspaces/acme/channels/${id}`;
    const rule = { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] };

    it('lets a member create a channel and makes the creator its admin', async () => {
      const response = await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'bob',
        body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
      });

      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        revision: 2,
        events: ['ChannelCreated', 'ChannelMemberAdded'],
      });
      const view = await api.call('GET', channel(), { as: 'dave' });
      expect(view.json()).toMatchObject({
        status: 'active',
        visibility: 'public',
        members: [{ principalId: 'bob', role: 'admin' }],
      });
    });

    it('names the offending field of a bad channel', async () => {
      const response = await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'bob',
        body: { channelId: 'ops', name: '', visibility: 'hidden' },
      });

      expect(problem(response, 400).errors?.map((issue) => issue.path)).toEqual([
        'body.name',
        'body.visibility',
      ]);
    });

    it('lets a channel admin restrict but not extend or forbid; a workspace admin may', async () => {
      const restrict = await api.call('POST', `${channel()}/restrictions`, { as: 'bob', body: { rule } });
      const extendByChannelAdmin = await api.call('POST', `${channel()}/extensions`, {
        as: 'bob',
        body: { rule: { ...rule, id: 'infra', actions: ['admin'] } },
      });
      const forbidByChannelAdmin = await api.call('POST', `${channel()}/forbidden`, {
        as: 'bob',
        body: { rule: { ...rule, id: 'no-secrets', resources: ['acme/secrets'] } },
      });
      const extend = await api.call('POST', `${channel()}/extensions`, {
        as: 'alice',
        body: { rule: { id: 'drive', connector: 'google-drive', actions: ['view'], resources: ['eng/**'] } },
      });
      const forbid = await api.call('POST', `${channel()}/forbidden`, {
        as: 'alice',
        body: { rule: { ...rule, id: 'no-secrets', resources: ['acme/secrets'] } },
      });

      expect(restrict.json()).toMatchObject({ events: ['ChannelRestrictionAdded'] });
      expect(problem(extendByChannelAdmin, 403).code).toBe('forbidden-widening');
      expect(problem(forbidByChannelAdmin, 403).code).toBe('not-workspace-admin');
      expect(extend.json()).toMatchObject({ events: ['ChannelExtensionAdded'] });
      expect(forbid.json()).toMatchObject({ events: ['ChannelForbidAdded'] });
    });

    it('refuses an unknown connector and a duplicate rule (422), naming the field', async () => {
      const unknown = await api.call('POST', `${channel()}/restrictions`, {
        as: 'bob',
        body: { rule: { ...rule, id: 'x', connector: 'gitlab' } },
      });
      const duplicate = await api.call('POST', `${channel()}/restrictions`, { as: 'bob', body: { rule } });

      expect(problem(unknown, 422)).toMatchObject({
        code: 'unknown-connector',
        errors: [{ path: 'body.rule.connector' }],
      });
      expect(problem(duplicate, 422)).toMatchObject({
        code: 'rule-exists',
        errors: [{ path: 'body.rule.id' }],
      });
    });

    it('sets instructions, skills, invoke policy and memory scope, each an event, each idempotent', async () => {
      const instructions = { mode: 'append', text: 'Reply in English.' };
      const writes = [
        await api.call('PUT', `${channel()}/instructions`, { as: 'bob', body: instructions }),
        await api.call('PUT', `${channel()}/skills/triage`, { as: 'bob', body: { state: 'on' } }),
        await api.call('PUT', `${channel()}/invoke-policy`, {
          as: 'bob',
          body: { roles: ['member'], channelMembers: true },
        }),
        await api.call('PUT', `${channel()}/memory-scope`, {
          as: 'bob',
          body: { sharedNamespaces: ['handbook'] },
        }),
      ];
      const repeated = await api.call('PUT', `${channel()}/instructions`, { as: 'bob', body: instructions });

      expect(writes.map((response) => response.json<{ events: string[] }>().events)).toEqual([
        ['ChannelInstructionsSet'],
        ['ChannelSkillOverrideSet'],
        ['ChannelInvokePolicyChanged'],
        ['ChannelMemoryScopeChanged'],
      ]);
      expect(repeated.json()).toMatchObject({ events: [] });
      const view = await api.call('GET', channel(), { as: 'bob' });
      expect(view.json()).toMatchObject({
        instructions,
        skills: { triage: 'on' },
        sharedNamespaces: ['handbook'],
        invokePolicy: { roles: ['member'], channelMembers: true },
        restrictions: [rule],
      });
    });

    it("never lets a channel list a private channel's namespace", async () => {
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'alice',
        body: { channelId: 'hr', name: 'HR', visibility: 'private' },
      });

      const response = await api.call('PUT', `${channel()}/memory-scope`, {
        as: 'bob',
        body: { sharedNamespaces: ['handbook', 'channel:hr', 'nowhere'] },
      });

      const refusal = problem(response, 422);
      expect(refusal.code).toBe('private-namespace-not-shareable');
      expect(refusal.errors?.map((issue) => issue.path)).toEqual([
        'body.sharedNamespaces[1]',
        'body.sharedNamespaces[2]',
      ]);
    });

    it('shows a private channel only to its members and workspace admins', async () => {
      expect((await api.call('GET', channel('hr'), { as: 'alice' })).statusCode).toBe(200);
      expect(problem(await api.call('GET', channel('hr'), { as: 'dave' }), 404).code).toBe(
        'channel-not-found',
      );
    });

    it('refuses channel changes by a non channel admin, and any change to an archived channel', async () => {
      const byAuditor = await api.call('PUT', `${channel()}/skills/triage`, {
        as: 'dave',
        body: { state: 'off' },
      });
      const archive = await api.call('POST', `${channel('hr')}/archive`, { as: 'alice' });
      const afterArchive = await api.call('PUT', `${channel('hr')}/skills/triage`, {
        as: 'alice',
        body: { state: 'on' },
      });

      expect(problem(byAuditor, 403).code).toBe('not-channel-admin');
      expect(archive.json()).toMatchObject({ events: ['ChannelArchived'] });
      expect(problem(afterArchive, 409).code).toBe('channel-archived');
    });

    it('answers 404 for an unknown channel and an unknown rule', async () => {
      expect(problem(await api.call('GET', channel('nope'), { as: 'bob' }), 404).code).toBe(
        'channel-not-found',
      );
      expect(
        problem(await api.call('DELETE', `${channel()}/restrictions/nope`, { as: 'bob' }), 404).errors?.[0]
          ?.path,
      ).toBe('params.ruleId');
    });
  });

  describe('connector catalog', () => {
    const url = '/v1/workspaces/umbrella/connectors';
    const pagerduty = {
      id: 'pagerduty',
      displayName: 'PagerDuty',
      actions: ['read', 'acknowledge'],
      implies: { acknowledge: ['read'] },
      resource: { description: 'service/incident', example: 'payments/P123', segment: '^[A-Za-z0-9_-]+$' },
    };

    beforeAll(async () => {
      await api.call('POST', '/v1/workspaces', {
        as: 'root',
        body: { workspaceId: 'umbrella', name: 'Umbrella' },
      });
      await api.call('PUT', '/v1/workspaces/umbrella/members/ursula/roles/admin', { as: 'root' });
      await api.call('PUT', '/v1/workspaces/umbrella/members/mark/roles/member', { as: 'root' });
    });

    it('lists the built-in connectors to a member, with their actions and implications', async () => {
      const response = await api.call('GET', url, { as: 'mark' });

      expect(response.statusCode).toBe(200);
      const { connectors } = response.json<{ connectors: { id: string; builtin: boolean }[] }>();
      expect(connectors.map((connector) => connector.id)).toEqual([
        'github',
        'google-drive',
        'slack',
        'jira',
        'linear',
        'notion',
      ]);
      expect(connectors.every((connector) => connector.builtin)).toBe(true);
      expect(connectors[0]).toMatchObject({ implies: { admin: ['write'], write: ['read'] } });
    });

    it('lets an admin register a connector that connections then use, its implications included', async () => {
      const registered = await api.call('POST', url, { as: 'ursula', body: { connector: pagerduty } });
      const baseline = await api.call('PUT', '/v1/workspaces/umbrella/agent-identity', {
        as: 'ursula',
        body: {
          connections: [
            {
              id: 'pd',
              connector: 'pagerduty',
              account: 'app:mandate-bot',
              actions: ['acknowledge'],
              resources: ['payments/*'],
            },
          ],
        },
        headers: { 'if-match': '"0"' },
      });
      await api.call('POST', '/v1/workspaces/umbrella/channels', {
        as: 'ursula',
        body: { channelId: 'oncall', name: 'On call', visibility: 'public' },
      });
      await api.call('PUT', '/v1/workspaces/umbrella/services/gateway', { as: 'ursula' });
      const check = await api.call('POST', '/v1/check', {
        as: 'gateway',
        scopes: ['permissions:check'],
        body: {
          workspaceId: 'umbrella',
          channelId: 'oncall',
          connector: 'pagerduty',
          action: 'read',
          resource: 'payments/P123',
          minPosition: await api.store.headPosition(),
        },
      });
      const listed = await api.call('GET', url, { as: 'mark' });

      expect(registered.statusCode).toBe(201);
      expect(registered.json()).toMatchObject({ events: ['ConnectorRegistered'] });
      expect(baseline.statusCode).toBe(200);
      expect(check.json()).toMatchObject({
        allowed: true,
        provenance: { layer: 'baseline', rule: 'workspace/connections/pd' },
      });
      expect(listed.json().connectors.at(-1)).toEqual({
        ...pagerduty,
        resource: { ...pagerduty.resource, caseInsensitive: false },
        builtin: false,
      });
    });

    it('refuses a member (403), a shape error (400) and a clash with a known connector (422), writing nothing', async () => {
      const head = await api.store.headPosition();

      const byMember = await api.call('POST', url, {
        as: 'mark',
        body: { connector: { ...pagerduty, id: 'x' } },
      });
      const shape = await api.call('POST', url, {
        as: 'ursula',
        body: { connector: { ...pagerduty, id: 'opsgenie', actions: [] } },
      });
      const clash = await api.call('POST', url, {
        as: 'ursula',
        body: { connector: { ...pagerduty, id: 'github' } },
      });
      const again = await api.call('POST', url, { as: 'ursula', body: { connector: pagerduty } });

      expect(problem(byMember, 403).code).toBe('forbidden');
      expect(problem(shape, 400).errors?.map((error) => error.path)).toEqual(['body.connector.actions']);
      expect(problem(clash, 422).errors).toEqual([
        { path: 'body.connector.id', message: 'Connector "github" already exists' },
      ]);
      expect(problem(again, 422).errors?.[0]).toMatchObject({ path: 'body.connector.id' });
      expect(await api.store.headPosition()).toBe(head);
    });
  });

  describe('tenants', () => {
    beforeAll(async () => {
      await api.call('POST', '/v1/workspaces', {
        as: 'root',
        body: { workspaceId: 'globex', name: 'Globex' },
      });
      await api.call('PUT', '/v1/workspaces/globex/members/gina/roles/admin', { as: 'root' });
      await api.call('POST', '/v1/workspaces/globex/channels', {
        as: 'gina',
        body: { channelId: 'secret', name: 'Secret', visibility: 'public' },
      });
    });

    it("answers 404 for another workspace's channel id, and the id stays free here", async () => {
      const foreign = await api.call('GET', '/v1/workspaces/acme/channels/secret', { as: 'alice' });
      const create = await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'alice',
        body: { channelId: 'secret', name: 'Ours', visibility: 'public' },
      });

      expect(problem(foreign, 404).code).toBe('channel-not-found');
      expect(create.statusCode).toBe(201);
    });

    it("answers 404 to an outsider for another tenant's workspace, exactly as for a missing one", async () => {
      const existing = await api.call('GET', '/v1/workspaces/globex/channels/secret', { as: 'alice' });
      const missing = await api.call('GET', '/v1/workspaces/initech/channels/secret', { as: 'alice' });

      expect(problem(existing, 404).code).toBe('workspace-not-found');
      expect(existing.body.replace(/"requestId":"[^"]*"|"instance":"[^"]*"/g, '')).toBe(
        missing.body.replace(/"requestId":"[^"]*"|"instance":"[^"]*"/g, ''),
      );
    });
  });
});

describe('identity admin API under concurrent writes', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('POST', '/v1/workspaces/acme/channels', {
      as: 'root',
      body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
    });
  });

  afterAll(() => api.app.close());

  it('lets exactly one of two PUTs based on the same revision win; the other is told, not lost', async () => {
    const put = (skill: string) =>
      api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'root',
        headers: { 'if-match': '"0"' },
        body: { skills: [skill] },
      });

    const responses = await Promise.all([put('first'), put('second')]);

    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = responses.find((response) => response.statusCode === 200);
    const loser = responses.find((response) => response.statusCode === 409);
    expect(['revision-mismatch', 'wrong-expected-version']).toContain(loser?.json<{ code: string }>().code);
    const current = await api.call('GET', '/v1/workspaces/acme/agent-identity', { as: 'root' });
    expect(current.headers.etag).toBe(winner?.headers.etag);
    expect(current.json<{ skills: string[] }>().skills).toHaveLength(1);
  });

  it('re-decides granular changes racing on one channel, so every one of them is recorded', async () => {
    const skills = ['a1', 'b2', 'c3', 'd4', 'e5'];

    const responses = await Promise.all(
      skills.map((skill) =>
        api.call('PUT', `/v1/workspaces/acme/channels/eng/skills/${skill}`, {
          as: 'root',
          body: { state: 'on' },
        }),
      ),
    );

    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const view = await api.call('GET', '/v1/workspaces/acme/channels/eng', { as: 'root' });
    expect(view.json()).toMatchObject({ skills: Object.fromEntries(skills.map((skill) => [skill, 'on'])) });
    expect(view.json<{ revision: number }>().revision).toBe(2 + skills.length);
  });
});
