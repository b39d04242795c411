import { createAccessRequestBody } from '../../apps/api/src/access/access.schemas';
import { type AuthzenScene, evaluation, PUBLIC_URL, startAuthzenScene, WS } from './authzen-test-kit';

/**
 * The AuthZEN access request profile over Mandate's JIT flow: "The PDP returns decision: false and
 * a structured access_request object in the Decision Context when the denial is eligible for an
 * approval workflow"; the PEP files the request, and "When the task is approved, the PEP performs a
 * new AuthZEN evaluation; the PDP remains authoritative at enforcement time."
 */
describe('AuthZEN requestable denials (real app, SQLite file)', () => {
  let scene: AuthzenScene;
  const evaluate = async (payload: unknown, token = scene.tokens.service) =>
    (await scene.post('/access/v1/evaluation', token, payload)).json();
  const route = `${PUBLIC_URL}/v1/workspaces/${WS}`;

  /** An instant after the scene's rules were recorded: what an answer about the past may name. */
  let setUpAt: string;

  beforeAll(async () => {
    scene = await startAuthzenScene();
    setUpAt = new Date().toISOString();
  }, 60_000);

  afterAll(() => scene.api.app.close());

  it('given a resource the channel restricts, when evaluated, then the denial stands and says which policy rule applies, who approves, for how long at most, and where to file it', async () => {
    const answer = await evaluate(evaluation('acme/infra'));

    expect(answer.decision).toBe(false);
    expect(answer.context.provenance).toMatchObject({ layer: 'restrict' });
    expect(answer.context.access_request).toEqual({
      requestable: true,
      endpoint: `${route}/access-requests`,
      template: 'default',
      reason: 'restrict',
      approval: {
        approvers: [{ roles: ['approver'], principals: [] }],
        quorum: 1,
        maxDurationSeconds: 8 * 3600,
        approvalTimeoutSeconds: 24 * 3600,
        autoApproveUpToSeconds: null,
        reasonRequired: true,
      },
      request: { channelId: 'eng', connector: 'github', actions: ['write'], resources: ['acme/infra'] },
      status: { request: `${route}/access-requests/{requestId}`, updates: `${route}/access-request-updates` },
    });
  });

  it('given the hint of a denial no rule covers, when the PEP adds a duration and a reason, then it is a body the access-request route accepts, naming the invoker', async () => {
    const answer = await evaluate({
      ...evaluation('elsewhere/repo'),
      subject: { type: 'agent', id: `${WS}/eng`, properties: { invokedBy: 'alice' } },
    });

    expect(answer.context.access_request).toMatchObject({
      reason: 'default',
      request: { invokedBy: 'alice' },
    });
    const filed = createAccessRequestBody.safeParse({
      ...answer.context.access_request.request,
      durationSeconds: 3600,
      reason: 'deploy the hotfix',
    });
    expect(filed.success).toBe(true);
  });

  it('given denials no JIT grant can lift (a forbid, a malformed resource, an unknown connector) or an answer about the past, then no access_request', async () => {
    // Not "a second ago": on a loaded machine that can be before the restriction was recorded.
    const pastInstant = setUpAt;
    const answers = [
      await evaluate(evaluation('acme/secrets')),
      await evaluate(evaluation('acme/../infra')),
      await evaluate({
        ...evaluation('x'),
        action: { name: 'nosuch:write' },
        resource: { type: 'nosuch', id: 'x' },
      }),
      await evaluate(evaluation('acme/infra', { context: { at: pastInstant } })),
    ];

    for (const answer of answers) {
      expect(answer.decision).toBe(false);
      expect(answer.context.access_request).toBeUndefined();
    }
  });

  it('given the check service of another workspace, when its denial is answered, then it carries no hint of the workspace it may not see', async () => {
    const answer = await evaluate(evaluation('acme/infra'), scene.tokens.otherService);

    expect(answer).toMatchObject({ decision: false, context: { provenance: { rule: 'unknown-workspace' } } });
    expect(answer.context.access_request).toBeUndefined();
  });

  it('given an approval policy with a connector override, when it is set, then the next hints name that rule and its limits', async () => {
    const owner = await scene.api.token('olivia');
    const rule = {
      approvers: { roles: ['admin'], principals: [] },
      quorum: 1,
      maxDurationSeconds: 28_800,
      approvalTimeoutSeconds: 86_400,
      reasonRequired: true,
      ticketPattern: null,
      autoApprove: [],
      breakGlass: null,
    };
    const set = await scene.api.app.inject({
      method: 'PUT',
      url: `/v1/workspaces/${WS}/approval-policy`,
      payload: {
        default: rule,
        overrides: [
          {
            connector: 'github',
            rule: { maxDurationSeconds: 3600, approvers: { roles: [], principals: ['olivia'] } },
          },
        ],
      },
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(set.statusCode).toBe(200);

    const answer = await evaluate(
      evaluation('acme/infra', { context: { minPosition: set.json().position } }),
    );

    expect(answer.context.access_request).toMatchObject({
      template: 'github',
      approval: { approvers: [{ roles: [], principals: ['olivia'] }], maxDurationSeconds: 3600 },
    });
  });

  it('given the request approved (its grant recorded), when the PEP evaluates again with the grant position, then the PDP allows it by the grant', async () => {
    const { position } = await scene.log.grant(WS, {
      grantId: 'g-infra',
      channelId: 'eng',
      connector: 'github',
      actions: ['write'],
      resources: ['acme/infra'],
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });

    const answer = await evaluate(evaluation('acme/infra', { context: { minPosition: position } }));

    expect(answer.decision).toBe(true);
    expect(answer.context.provenance).toMatchObject({ layer: 'jit', grantId: 'g-infra' });
    expect(answer.context.position).toBeGreaterThanOrEqual(position);
    expect(answer.context.access_request).toBeUndefined();
  });

  it('given an evaluations request, when an item is requestable, then that item carries its own hint and the others none', async () => {
    const response = await scene.post('/access/v1/evaluations', scene.tokens.service, {
      subject: { type: 'agent', id: `${WS}/eng` },
      action: { name: 'github:write' },
      evaluations: [
        { resource: { type: 'github', id: 'acme/api' } },
        { resource: { type: 'github', id: 'other/repo' } },
      ],
    });

    const [allowed, requestable] = response.json().evaluations;
    expect(allowed.context.access_request).toBeUndefined();
    expect(requestable.context.access_request).toMatchObject({
      requestable: true,
      request: { resources: ['other/repo'] },
    });
  });
});
