import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MAX_DURATION_SECONDS } from '@mandate/domain';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const ws = '/v1/workspaces/acme';
const HUGE = Number.MAX_SAFE_INTEGER;

const rule = (overrides: Record<string, unknown> = {}) => ({
  approvers: { roles: ['approver'], principals: [] },
  quorum: 1,
  maxDurationSeconds: 3600,
  approvalTimeoutSeconds: 3600,
  reasonRequired: false,
  ticketPattern: null,
  autoApprove: [{ actions: ['read'], maxDurationSeconds: 3600 }],
  breakGlass: null,
  ...overrides,
});

describe('durations are bounded (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `durations-${randomUUID()}` });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given a workspace with a member and a public channel
    expect(
      (await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }))
        .statusCode,
    ).toBe(201);
    expect((await api.call('PUT', `${ws}/members/rita/roles/member`, { as: 'root' })).statusCode).toBe(200);
    expect(
      (
        await api.call('POST', `${ws}/channels`, {
          as: 'root',
          body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
        })
      ).statusCode,
    ).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it.each([
    ['default.maxDurationSeconds', { default: rule({ maxDurationSeconds: HUGE }) }],
    ['default.approvalTimeoutSeconds', { default: rule({ approvalTimeoutSeconds: HUGE }) }],
    [
      'default.autoApprove[0].maxDurationSeconds',
      { default: rule({ autoApprove: [{ actions: ['read'], maxDurationSeconds: HUGE }] }) },
    ],
    [
      'default.breakGlass.maxDurationSeconds',
      { default: rule({ breakGlass: { roles: ['admin'], principals: [], maxDurationSeconds: HUGE } }) },
    ],
    [
      'overrides[0].rule.maxDurationSeconds',
      { default: rule(), overrides: [{ connector: 'github', rule: { maxDurationSeconds: HUGE } }] },
    ],
  ])('a policy whose %s is beyond the cap is a 400 naming the field', async (field, policy) => {
    // when an owner sets a policy with an unbounded duration
    const response = await api.call('PUT', `${ws}/approval-policy`, { as: 'root', body: policy });

    // then it is refused at the edge, naming the field, and nothing is written
    const refused = problem(response, 400);
    expect(refused.code).toBe('validation-failed');
    expect(refused.errors).toContainEqual({
      path: `body.${field}`,
      message: expect.stringContaining(String(MAX_DURATION_SECONDS)),
    });
  });

  it('a policy at the cap is accepted, and a request for longer than the cap is a 400, not a 500', async () => {
    // given a policy that allows the longest duration there is, auto-approved for reads
    const set = await api.call('PUT', `${ws}/approval-policy`, {
      as: 'root',
      body: {
        default: rule({
          maxDurationSeconds: MAX_DURATION_SECONDS,
          approvalTimeoutSeconds: MAX_DURATION_SECONDS,
          autoApprove: [{ actions: ['read'], maxDurationSeconds: MAX_DURATION_SECONDS }],
        }),
      },
    });
    expect(set.statusCode).toBe(200);
    const request = (durationSeconds: number) =>
      api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/api'],
          durationSeconds,
        },
      });

    // when rita asks for more than the cap, then for exactly the cap
    const tooLong = await request(HUGE);
    const longest = await request(MAX_DURATION_SECONDS);

    // then the first is refused at the edge, the second granted
    expect(problem(tooLong, 400).errors).toContainEqual({
      path: 'body.durationSeconds',
      message: expect.stringContaining(String(MAX_DURATION_SECONDS)),
    });
    expect({ status: longest.statusCode, body: longest.json() }).toMatchObject({
      status: 201,
      body: { status: 'active' },
    });

    // and extending it by more than the cap is refused the same way
    const { requestId } = longest.json<{ requestId: string }>();
    const extend = await api.call('POST', `${ws}/access-requests/${requestId}/extend`, {
      as: 'rita',
      body: { durationSeconds: HUGE },
    });
    expect(problem(extend, 400).errors).toContainEqual({
      path: 'body.durationSeconds',
      message: expect.stringContaining(String(MAX_DURATION_SECONDS)),
    });
  });
});
