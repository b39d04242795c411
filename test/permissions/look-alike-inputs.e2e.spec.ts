import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const gateway = { as: 'tool-gateway', scopes: ['permissions:check'] };
const egressCheck = '/v1/workspaces/acme/channels/eng/egress-check';

/**
 * Inputs that look like something a rule names but are not in its grammar: they are refused with a
 * stable `malformed-…` code, never compared to a rule.
 */
describe('look-alike inputs (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;
  let baselineEtag: string;

  beforeAll(async () => {
    api = await startIdentityApi();
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('PUT', '/v1/workspaces/acme/members/alice/roles/admin', { as: 'root' });
    for (const service of ['tool-gateway', 'agent-runtime']) {
      await api.call('PUT', `/v1/workspaces/acme/services/${service}`, { as: 'root' });
    }
    await api.call('PUT', '/v1/workspaces/acme/members/rita/roles/member', { as: 'root' });
    const baseline = await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: {
        connections: [
          { id: 'gh', connector: 'github', account: 'app:bot', actions: ['read'], resources: ['acme/*'] },
        ],
        forbidden: [
          { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
        ],
        egress: [
          { host: '*.example.com', ports: [443] },
          { host: 'api.github.com', ports: [443] },
        ],
      },
    });
    const channel = await api.call('POST', '/v1/workspaces/acme/channels', {
      as: 'alice',
      body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
    });
    expect([baseline.statusCode, channel.statusCode]).toEqual([200, 201]);
    baselineEtag = String(baseline.headers.etag);
  }, 60_000);

  afterAll(() => api.app.close());

  describe('resources', () => {
    const check = (resource: string) => ({
      workspaceId: 'acme',
      channelId: 'eng',
      connector: 'github',
      action: 'read',
      resource,
    });
    const lookAlikes: [string, string][] = [
      ['a trailing space', 'acme/secrets '],
      ['a trailing tab', 'acme/secrets\t'],
      ['a trailing newline', 'acme/secrets\n'],
      ['a trailing NUL', 'acme/secrets\u0000'],
      ['a trailing zero-width space', 'acme/secrets\u200b'],
      ['a leading no-break space', 'acme/\u00a0secrets'],
      ['a bidi override', 'acme/\u202esecrets'],
      ['a percent escape', 'acme/%73ecrets'],
      ['a Cyrillic look-alike letter', 'acme/\u0455ecrets'],
      ['a fullwidth letter', 'acme/\uff53ecrets'],
    ];

    it.each(lookAlikes)(
      'given a forbid on acme/secrets and acme/* allowed, when checking it with %s, then it is denied as malformed',
      async (_name, resource) => {
        const response = await api.call('POST', '/v1/check', { ...gateway, body: check(resource) });

        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({
          allowed: false,
          provenance: { layer: 'default', rule: 'malformed-resource' },
        });
      },
    );

    it.each([
      ['the .git alias', 'acme/secrets.git'],
      ['another case', 'ACME/Secrets'],
      ['another case and the .git alias', 'Acme/SECRETS.GIT'],
    ])(
      'given a forbid on acme/secrets, when checking it spelled with %s, then the forbid denies it',
      async (_name, resource) => {
        const response = await api.call('POST', '/v1/check', { ...gateway, body: check(resource) });

        expect(response.json()).toMatchObject({
          allowed: false,
          provenance: { layer: 'forbid', rule: 'workspace/forbidden/no-secrets' },
        });
      },
    );

    it('given the same spellings in a batch, when checking, then every one is denied and a plain name is allowed', async () => {
      const spellings = [...lookAlikes.map(([, resource]) => resource), 'acme/secrets.git', 'acme/api'];
      const response = await api.call('POST', '/v1/check/batch', {
        ...gateway,
        body: { checks: spellings.map(check) },
      });

      const results = response.json<{ results: { allowed: boolean }[] }>().results;
      expect(results.map((result) => result.allowed)).toEqual([...lookAlikes.map(() => false), false, true]);
    });

    it('given an agent runtime, when the agent acts on a look-alike of a forbidden resource, then the action is denied and recorded so', async () => {
      const response = await api.call('POST', '/v1/workspaces/acme/agent-actions', {
        as: 'agent-runtime',
        scopes: ['agent-actions:record'],
        body: {
          channelId: 'eng',
          connector: 'github',
          action: 'read',
          resource: 'acme/secrets\u200b',
          invokedBy: 'rita',
          idempotencyKey: 'run-1:step-1',
        },
      });

      expect(response.json()).toMatchObject({
        allowed: false,
        provenance: { rule: 'malformed-resource' },
      });
    });

    it.each([
      ['a look-alike resource', 'malformed-pattern', 'acme/secrets\u200b', 'body.resources[0]'],
      ['a percent escape', 'malformed-pattern', 'acme/%73ecrets', 'body.resources[0]'],
      [
        'the .git alias of a forbidden resource',
        'forbidden-by-guardrail',
        'acme/secrets.git',
        'body.resources[0]',
      ],
    ])(
      'given a member, when asking for JIT access to %s, then 422 %s',
      async (_name, code, resource, path) => {
        const response = await api.call('POST', '/v1/workspaces/acme/access-requests', {
          as: 'rita',
          body: {
            channelId: 'eng',
            connector: 'github',
            actions: ['read'],
            resources: [resource],
            durationSeconds: 3600,
            reason: 'look',
          },
        });

        expect(problem(response, 422)).toMatchObject({
          code,
          errors: expect.arrayContaining([{ path, message: expect.any(String) }]),
        });
      },
    );

    it('given an admin, when forbidding a look-alike pattern in a channel, then 422 malformed-pattern', async () => {
      const response = await api.call('POST', '/v1/workspaces/acme/channels/eng/forbidden', {
        as: 'alice',
        body: {
          rule: { id: 'no-x', connector: 'github', actions: ['read'], resources: ['acme/x\u200b/**'] },
        },
      });

      expect(problem(response, 422)).toMatchObject({
        code: 'malformed-pattern',
        errors: [{ path: 'body.rule.resources[0]' }],
      });
    });
  });

  describe('egress hosts', () => {
    it.each([
      ['a path', 'evil.com/.example.com'],
      ['a fragment', 'evil.com#.example.com'],
      ['a query', 'evil.com?.example.com'],
      ['a backslash', 'evil.com\\.example.com'],
      ['a NUL', 'evil.com\u0000.example.com'],
      ['a space', 'evil.com .example.com'],
      ['userinfo', 'evil.com@x.example.com'],
      ['a port', 'evil.com:443.example.com'],
      ['an empty label', 'evil..example.com'],
      ['a label ending in a hyphen', 'evil-.example.com'],
      ['an underscore', 'evil_host.example.com'],
      ['a label over 63 characters', `${'a'.repeat(64)}.example.com`],
      ['two root dots', 'www.example.com..'],
      ['a numeric top-level label', 'www.example.123'],
      ['an octal-looking IPv4 address', '0177.0.0.1'],
      ['an IPv6 zone', '[fe80::1%eth0]'],
    ])(
      'given *.example.com allowed, when checking a host with %s, then 400 malformed-host',
      async (_name, host) => {
        const response = await api.call('POST', egressCheck, { ...gateway, body: { host, port: 443 } });

        const refused = problem(response, 400);
        expect(refused).toMatchObject({ code: 'malformed-host', errors: [{ path: 'body.host' }] });
      },
    );

    it.each([
      ['a subdomain', 'www.example.com', true],
      ['its upper-case spelling with a root dot', 'WWW.Example.COM.', true],
      ['an internationalised subdomain (IDNA → punycode)', 'bücher.example.com', true],
      ['the apex of the wildcard', 'example.com', false],
      ['a look-alike registrable domain', 'evilexample.com', false],
      ['an IPv4 literal', '93.184.216.34', false],
      ['an IPv6 literal', '[2001:db8::1]', false],
    ])(
      'given *.example.com allowed, when checking %s, then it is answered on its canonical form',
      async (_name, host, allowed) => {
        const response = await api.call('POST', egressCheck, { ...gateway, body: { host, port: 443 } });

        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ allowed });
      },
    );

    it('given an admin, when setting an allowlist entry outside the host grammar, then 422 malformed-pattern naming it', async () => {
      const response = await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'alice',
        headers: { 'if-match': baselineEtag },
        body: { egress: [{ host: 'evil.com/.example.com', ports: [443] }] },
      });

      expect(problem(response, 422)).toMatchObject({
        code: 'malformed-pattern',
        errors: [{ path: 'body.egress[0].host' }],
      });
    });

    it('given a denied host, when checking, then the EgressDenied event records its canonical form', async () => {
      const response = await api.call('POST', egressCheck, {
        ...gateway,
        body: { host: 'Bücher.Example.', port: 443 },
      });

      expect(response.json()).toMatchObject({ allowed: false });
      const [last] = await api.store.readAll({ fromPosition: await api.store.headPosition() });
      expect(last).toMatchObject({ type: 'EgressDenied', data: { host: 'xn--bcher-kva.example' } });
    });
  });
});
