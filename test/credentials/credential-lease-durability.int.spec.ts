import { request } from 'undici';
import { credentialLeaseStreamId } from '@mandate/domain';
import type { TsProcess } from '@mandate/testing';
import { credentialLeaseWorkflow, credentialLeaseWorkflowId } from '@mandate/workflows';
import { type LeaseKit, startLeaseKit } from './lease-test-kit';

/** The timer fires while no worker runs; the lag is the new worker's start (bundling takes seconds). */
const REVOKE_LAG_MS = 20_000;

describe('CredentialLeaseWorkflow durability: the production worker as a process, SIGKILLed', () => {
  let kit: LeaseKit;
  let worker: TsProcess;

  beforeAll(async () => {
    kit = await startLeaseKit({ inProcessWorker: false });
    worker = await kit.startWorkerProcess();
  }, 120_000);

  afterAll(async () => {
    await kit?.close();
  }, 60_000);

  it('given a minted lease, when its worker is killed before the lease ends, then the next worker still revokes the token at the upstream and ends the lease', async () => {
    // given a lease minted by the worker process (which trusts the stand-in through NODE_EXTRA_CA_CERTS)
    const lease = kit.request({ expiresAt: new Date(Date.now() + 6_000).toISOString() });
    const issued = await kit.starter.issue(lease);
    await kit.recordIssued(lease, issued.tokenFingerprint);

    // when the worker dies between the mint and the timer, and another one starts
    worker.child.kill('SIGKILL');
    expect((await worker.closed).signal).toBe('SIGKILL');
    worker = await kit.startWorkerProcess();

    // then the lease ends on its timer and the token is revoked at the upstream
    const status = await kit.temporal.client.workflow
      .getHandle<typeof credentialLeaseWorkflow>(credentialLeaseWorkflowId('acme', lease.leaseId))
      .result();
    expect(status).toEqual({ stage: 'ended', reason: 'expired', revocationFailed: false });
    const revokedAt = kit.upstream.tokens.find((token) => token.token === issued.token)?.revokedAt ?? 0;
    expect(revokedAt).toBeGreaterThanOrEqual(Date.parse(lease.expiresAt));
    expect(revokedAt - Date.parse(lease.expiresAt)).toBeLessThan(REVOKE_LAG_MS);
    const used = await request(`${kit.upstream.baseUrl}/installation/repositories`, {
      headers: { authorization: `Bearer ${issued.token}` },
      dispatcher: kit.trusting,
    });
    expect(used.statusCode).toBe(401);
    expect(
      (await kit.events(credentialLeaseStreamId('acme', lease.leaseId))).map((event) => event.type),
    ).toEqual(['CredentialLeaseIssued', 'CredentialLeaseEnded']);
    // and the token is in nothing the worker process logged
    expect(JSON.stringify(worker.messages)).not.toContain(issued.token);
  }, 90_000);
});
