import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const ws = '/v1/workspaces/acme';
/** Exponential for a backtracking engine on `(a+)+`: 2^27 paths before giving up. */
const EVIL_INPUT = `${'a'.repeat(27)}!`;

/**
 * Regular expressions admins supply (ticket patterns, connector segment syntax) run in a
 * linear-time engine: a catastrophic pattern costs a member's request microseconds, not the event
 * loop; one the engine cannot run is refused when it is set.
 */
describe('admin-supplied patterns (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };
  const policyWith = async (rule: Record<string, unknown>) => {
    const current = await api.call('GET', `${ws}/approval-policy`, { as: 'alice' });
    const { policy } = current.json<{ policy: { default: Record<string, unknown> } }>();
    return { ...policy, default: { ...policy.default, ...rule } };
  };
  const pagerduty = (segment: string) => ({
    connector: {
      id: `pd-${segment.length}`,
      displayName: 'PagerDuty',
      actions: ['read'],
      implies: {},
      resource: { description: 'service', example: 'aaa', segment, caseInsensitive: false },
    },
  });

  beforeAll(async () => {
    api = await startIdentityApi();
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('PUT', `${ws}/members/alice/roles/admin`, { as: 'root' });
    await api.call('PUT', `${ws}/members/rita/roles/member`, { as: 'root' });
    const channel = await api.call('POST', `${ws}/channels`, {
      as: 'alice',
      body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
    });
    expect(channel.statusCode).toBe(201);
  }, 60_000);

  afterAll(() => api.app.close());

  it('given a ticket pattern (a+)+, when a member asks with a ticket built to backtrack, then it is refused in milliseconds', async () => {
    const set = await api.call('PUT', `${ws}/approval-policy`, {
      as: 'alice',
      body: await policyWith({ ticketPattern: '(a+)+' }),
    });
    expect(set.statusCode).toBe(200);

    const { result, ms } = await timed(() =>
      api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/api'],
          durationSeconds: 3600,
          reason: 'hotfix',
          ticket: EVIL_INPUT,
        },
      }),
    );

    expect(problem(result, 422)).toMatchObject({
      code: 'ticket-required',
      errors: [{ path: 'body.ticket' }],
    });
    expect(ms).toBeLessThan(1_000);
  });

  it.each([
    ['a backreference', '(a)\\1'],
    ['a lookahead', 'OPS-(?=[0-9])[0-9]+'],
    ['an unbalanced group', 'OPS-(['],
  ])(
    'given %s as ticket pattern, when an admin sets it, then 422 malformed-pattern naming the field',
    async (_name, pattern) => {
      const response = await api.call('PUT', `${ws}/approval-policy`, {
        as: 'alice',
        body: await policyWith({ ticketPattern: pattern }),
      });

      expect(problem(response, 422)).toMatchObject({
        code: 'malformed-pattern',
        errors: [{ path: 'body.default.ticketPattern', message: expect.stringContaining('RE2') }],
      });
    },
  );

  it('given a connector segment ^(a+)+$, when a member asks for a resource built to backtrack, then it is refused in milliseconds', async () => {
    const registered = await api.call('POST', `${ws}/connectors`, {
      as: 'alice',
      body: pagerduty('^(a+)+$'),
    });
    expect(registered.statusCode).toBe(201);

    const { result, ms } = await timed(() =>
      api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'pd-7',
          actions: ['read'],
          resources: [EVIL_INPUT],
          durationSeconds: 3600,
          reason: 'incident',
        },
      }),
    );

    expect(problem(result, 422)).toMatchObject({
      code: 'malformed-pattern',
      errors: [{ path: 'body.resources[0]' }],
    });
    expect(ms).toBeLessThan(1_000);
  });

  it('given a segment syntax the linear-time engine cannot run, when an admin registers it, then 422 malformed-pattern', async () => {
    const response = await api.call('POST', `${ws}/connectors`, {
      as: 'alice',
      body: pagerduty('^(?!admin)[a-z]+$'),
    });

    expect(problem(response, 422)).toMatchObject({
      code: 'malformed-pattern',
      errors: [{ path: 'body.connector.resource.segment', message: expect.stringContaining('RE2') }],
    });
  });
});
