import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WithStartWorkflowOperation, WorkflowIdConflictPolicy } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { LeaseTokenStore, type UpstreamLeaseRequest } from '@mandate/credentials';
import { credentialLeaseStreamId, credentialRevocationStreamId } from '@mandate/domain';
import {
  credentialLeaseWorkflow,
  credentialLeaseWorkflowId,
  type CredentialLeaseStatus,
  leaseMintedUpdate,
} from '@mandate/workflows';
import { type LeaseKit, startLeaseKit } from './lease-test-kit';

const HISTORIES = join(__dirname, 'histories');

describe('CredentialLeaseWorkflow on the real Temporal server, minting at a GitHub stand-in', () => {
  let kit: LeaseKit;

  beforeAll(async () => {
    kit = await startLeaseKit();
  }, 60_000);

  afterAll(async () => {
    await kit?.close();
  });

  const handleOf = (lease: UpstreamLeaseRequest) =>
    kit.temporal.client.workflow.getHandle<typeof credentialLeaseWorkflow>(
      credentialLeaseWorkflowId(lease.workspaceId, lease.leaseId),
    );
  const use = async (token: string) =>
    (
      await request(`${kit.upstream.baseUrl}/installation/repositories`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher: kit.trusting,
      })
    ).statusCode;
  const typesOf = async (streamId: string) => (await kit.events(streamId)).map((event) => event.type);
  /** Every byte of the workflow's history, payloads included, as the server keeps it. */
  const historyBytes = async (lease: UpstreamLeaseRequest) =>
    Buffer.from(temporal.api.history.v1.History.encode(await handleOf(lease).fetchHistory()).finish());
  /**
   * With RECORD_LEASE_HISTORIES=1, keeps the finished workflow's history as a fixture the replay
   * spec runs against the current workflow code (a change that would break running leases fails it).
   */
  const record = async (lease: UpstreamLeaseRequest, name: string) => {
    await handleOf(lease)
      .result()
      .catch(() => undefined);
    if (process.env.RECORD_LEASE_HISTORIES !== '1') return;
    mkdirSync(HISTORIES, { recursive: true });
    writeFileSync(join(HISTORIES, `${name}.binpb`), await historyBytes(lease));
  };

  it('given a lease, when it reaches its end, then the token is revoked at the upstream within 2 s and the lease ends', async () => {
    // given a lease minted through the API's starter (update-with-start) and recorded as the API does
    const lease = kit.request({ expiresAt: new Date(Date.now() + 3_000).toISOString() });
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);
    expect(await use(issued.token)).toBe(200);
    expect(kit.upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'write' },
    });

    // when the lease's end passes
    const status = await handleOf(lease).result();

    // then the upstream revoked the token within 2 s of the end, and the lease ended once
    const revokedAt = kit.upstream.tokens.find((token) => token.token === issued.token)?.revokedAt ?? 0;
    const lag = revokedAt - Date.parse(lease.expiresAt);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(2_000);
    expect(await use(issued.token)).toBe(401);
    expect(status).toEqual({ stage: 'ended', reason: 'expired', revocationFailed: false });
    expect(await typesOf(credentialLeaseStreamId('acme', lease.leaseId))).toEqual([
      'CredentialLeaseIssued',
      'CredentialLeaseEnded',
    ]);
    // the token is shredded from the vault once revoked
    expect(await new LeaseTokenStore(kit.vault).get('acme', lease.leaseId)).toBeUndefined();

    // and the token never was in a Temporal payload: its fingerprint is, the token is not
    const history = await historyBytes(lease);
    expect(history.includes(issued.tokenFingerprint)).toBe(true);
    expect(history.includes(issued.token)).toBe(false);
    expect(history.includes(issued.token.slice(4, 24))).toBe(false);
    await record(lease, 'expiry');
  });

  it('given an upstream failing revocation 3 times, then the lease is still revoked, with one CredentialRevocationFailed and no duplicate events', async () => {
    // given
    const lease = kit.request({ expiresAt: new Date(Date.now() + 2_000).toISOString() });
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);
    const attemptsBefore = kit.upstream.revocationAttempts.length;
    kit.upstream.failRevocations(3);

    // when
    const status = await handleOf(lease).result();

    // then three failures, then the revocation that worked
    expect(kit.upstream.revocationAttempts.slice(attemptsBefore).map((attempt) => attempt.status)).toEqual([
      502, 502, 502, 204,
    ]);
    expect(await use(issued.token)).toBe(401);
    expect(status).toEqual({ stage: 'ended', reason: 'expired', revocationFailed: true });
    const failures = await kit.events(credentialRevocationStreamId('acme', lease.leaseId));
    expect(failures.map((event) => [event.type, event.data])).toEqual([
      [
        'CredentialRevocationFailed',
        {
          workspaceId: 'acme',
          leaseId: lease.leaseId,
          connectionId: 'github-main',
          attempts: 3,
          reason: 'expired',
        },
      ],
    ]);
    expect(await typesOf(credentialLeaseStreamId('acme', lease.leaseId))).toEqual([
      'CredentialLeaseIssued',
      'CredentialLeaseEnded',
    ]);
    expect((await historyBytes(lease)).includes(issued.token)).toBe(false);
    await record(lease, 'revocation-failing-then-revoked');
  });

  it('given GitHub refusing revocation with 403 (its secondary rate limit), then revocation is retried all the same until the token is revoked', async () => {
    // given
    const lease = kit.request({ expiresAt: new Date(Date.now() + 1_000).toISOString() });
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);
    const attemptsBefore = kit.upstream.revocationAttempts.length;
    kit.upstream.failRevocations(4, 403);

    // when
    const status = await handleOf(lease).result();

    // then a refusal of the revocation is not taken as final: the token ends revoked
    expect(kit.upstream.revocationAttempts.slice(attemptsBefore).map((attempt) => attempt.status)).toEqual([
      403, 403, 403, 403, 204,
    ]);
    expect(await use(issued.token)).toBe(401);
    expect(status).toEqual({ stage: 'ended', reason: 'expired', revocationFailed: true });
  });

  it('given a live lease, when the API ends it early, then the token is revoked at once with the reason given', async () => {
    const lease = kit.request({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);

    // when
    const asked = Date.now();
    await kit.starter.end('acme', lease.leaseId, 'grant-revoked');
    const status: CredentialLeaseStatus = await handleOf(lease).result();

    // then
    expect(status).toMatchObject({ stage: 'ended', reason: 'grant-revoked' });
    const revokedAt = kit.upstream.tokens.find((token) => token.token === issued.token)?.revokedAt ?? 0;
    expect(revokedAt - asked).toBeLessThan(2_000);
    const ended = await kit.events(credentialLeaseStreamId('acme', lease.leaseId));
    expect(ended.at(-1)).toMatchObject({ type: 'CredentialLeaseEnded', data: { reason: 'grant-revoked' } });
    // ending again is a no-op
    await expect(kit.starter.end('acme', lease.leaseId, 'grant-revoked')).resolves.toBeUndefined();
    await record(lease, 'ended-early');
  });

  it('given a lease derived from a grant whose workflow is gone, then it ends at once and its token is revoked', async () => {
    // given a grant that has no running workflow any more (ended, or never there)
    const lease = kit.request({
      grantId: 'req-ended-long-ago',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });

    // when
    const issued = await kit.starter.issue(lease);

    // then
    expect(await handleOf(lease).result()).toEqual({
      stage: 'ended',
      reason: 'grant-ended',
      revocationFailed: false,
    });
    expect(await use(issued.token)).toBe(401);
  });

  it('given the same lease issued twice, then the same token comes back and the upstream minted once', async () => {
    const lease = kit.request({ expiresAt: new Date(Date.now() + 30_000).toISOString() });
    const minted = kit.upstream.tokens.length;

    const [first, second] = await Promise.all([kit.starter.issue(lease), kit.starter.issue(lease)]);

    expect(second.token).toBe(first.token);
    expect(kit.upstream.tokens.length).toBe(minted + 1);
    await kit.starter.end('acme', lease.leaseId, 'test-done');
    await record(lease, 'issued-twice');
  });

  it('refuses a pattern before anything is minted: malformed-lease-request (lease-resource-not-concrete)', async () => {
    const lease = kit.request({ resources: ['acme/*'] });
    const minted = kit.upstream.tokens.length;

    await expect(kit.starter.issue(lease)).rejects.toMatchObject({
      name: 'UpstreamLeaseRefused',
      code: 'malformed-lease-request',
      message: expect.stringMatching(/^lease-resource-not-concrete/),
    });
    expect(kit.upstream.tokens.length).toBe(minted);
    await record(lease, 'refused-pattern');
  });

  it('refuses a lease started by someone without the API’s signature: Temporal traffic is not an authority', async () => {
    // given a Temporal client that starts the workflow itself, for a repository of its choosing
    const lease = kit.request({ resources: ['acme/web'], actions: ['admin'] });
    const minted = kit.upstream.tokens.length;
    const startWorkflowOperation = new WithStartWorkflowOperation(credentialLeaseWorkflow, {
      workflowId: credentialLeaseWorkflowId(lease.workspaceId, lease.leaseId),
      taskQueue: kit.config.TEMPORAL_TASK_QUEUE,
      args: [{ request: lease, signature: `v1.${'A'.repeat(43)}` }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });

    // when / then
    await expect(
      kit.temporal.client.workflow.executeUpdateWithStart(leaseMintedUpdate, { startWorkflowOperation }),
    ).rejects.toMatchObject({ cause: { type: 'DomainRefusal', details: [{ code: 'unsigned-command' }] } });
    expect(kit.upstream.tokens.length).toBe(minted);
    await record(lease, 'unsigned');
  });
});
