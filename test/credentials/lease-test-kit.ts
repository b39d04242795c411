import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Agent } from 'undici';
import { type AppConfig, loadConfig } from '@mandate/config';
import { type CredentialVault, openCredentialVault, type UpstreamLeaseRequest } from '@mandate/credentials';
import {
  type Actor,
  credentialDecider,
  credentialLeaseDecider,
  credentialLeaseStreamId,
  credentialStreamId,
  type DomainEvent,
} from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { connectTemporalClient, type TemporalClientHandle } from '@mandate/temporal';
import {
  createTempDir,
  createTestCertificateAuthority,
  type GithubStandIn,
  standInGithubApp,
  startGithubStandIn,
  startTsProcess,
  type TempDir,
  type TestCertificateAuthority,
  type TsProcess,
} from '@mandate/testing';
import { TemporalUpstreamLeaseStarter } from '../../apps/api/src/credential-leases/temporal-upstream-lease.starter';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { IdentityLog, openTestStore } from '../../libs/projections/test/identity-log';

const admin: Actor = { kind: 'user', id: 'bob' };
export const CONNECTION = 'github-main';

export interface LeaseKit {
  config: AppConfig;
  /** The run's CA and a server certificate it signed for 127.0.0.1 (for other upstreams too). */
  ca: TestCertificateAuthority;
  /** Writes the identity log as the API does (another connector, another baseline). */
  log: IdentityLog;
  /** Stores a connection's credential as the API does: the vault, then CredentialStored. */
  storeCredential(connectionId: string, secret: Record<string, unknown>): Promise<void>;
  store: EventStore;
  vault: CredentialVault;
  upstream: GithubStandIn;
  temporal: TemporalClientHandle;
  /** The API's side of the port, as the API binds it. */
  starter: TemporalUpstreamLeaseStarter;
  /** Trusts the stand-in's CA: how a test uses a minted token. */
  trusting: Agent;
  request(overrides?: Partial<UpstreamLeaseRequest>): UpstreamLeaseRequest;
  /** Records the lease as the API does once `issue` answered. */
  recordIssued(request: UpstreamLeaseRequest, tokenFingerprint: string): Promise<void>;
  events(streamId: string): Promise<RecordedEvent[]>;
  /** With `inProcessWorker: false`: the production worker as a process, trusting the stand-in's CA the Node way. */
  startWorkerProcess(): Promise<TsProcess>;
  close(): Promise<void>;
}

const WORKER_MAIN = join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.ts');

const silent = { warn: () => undefined } as unknown as Logger;

/**
 * Workspace `acme` whose baseline has a `github-main` connection (github, `acme/**`) with a
 * github-app credential in the embedded vault, pointed at a GitHub stand-in over TLS with a CA of
 * its own; a worker in this process on a task queue of its own, trusting that CA.
 */
export async function startLeaseKit(options: { inProcessWorker?: boolean } = {}): Promise<LeaseKit> {
  const dir: TempDir = createTempDir('mandate-lease-');
  const ca = createTestCertificateAuthority(dir.path);
  const app = standInGithubApp();
  const upstream = await startGithubStandIn({
    cert: ca.cert,
    key: ca.key,
    installations: [app.installation],
  });
  const config = loadConfig({
    ...process.env,
    SQLITE_PATH: join(dir.path, 'events.sqlite'),
    DATA_DIR: dir.path,
    VAULT_BACKEND: 'embedded',
    TEMPORAL_TASK_QUEUE: `lease-${randomUUID()}`,
    LOG_LEVEL: 'warn',
  });
  const store = openTestStore({ path: config.SQLITE_PATH });
  const log = new IdentityLog(store);
  await log.workspace('acme', 'root', {
    type: 'CreateWorkspace',
    workspaceId: 'acme',
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId: admin.id, role: 'admin' });
  await log.baseline('acme', admin.id, {
    connections: [
      {
        id: CONNECTION,
        connector: 'github',
        account: 'mandate-bot',
        actions: ['write'],
        resources: ['acme/**'],
      },
    ],
  });
  const vault = openCredentialVault(config, () => undefined);
  const storeCredential = async (connectionId: string, credential: Record<string, unknown>) => {
    const stored = await vault.put({ workspaceId: 'acme', connectionId }, JSON.stringify(credential));
    await handleCommand(
      store,
      credentialDecider,
      credentialStreamId('acme', connectionId),
      {
        type: 'StoreCredential',
        workspaceId: 'acme',
        connectionId,
        kind: credential.kind as 'github-app' | 'oauth2-client',
        connectionExists: true,
        vaultVersion: stored.version,
        fingerprint: stored.fingerprint,
        callerRoles: ['admin'],
        actor: admin,
        now: new Date().toISOString(),
      },
      { toEnvelope: envelopes(admin) },
    );
  };
  await storeCredential(CONNECTION, app.credential(upstream.baseUrl));

  const trusting = new Agent({ connect: { ca: ca.caCert } });
  let worker: INestApplicationContext | undefined;
  if (options.inProcessWorker !== false) {
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig(config, undefined, undefined, { upstream: { dispatcher: trusting } }),
      { logger: false },
    );
    await worker.init();
  }
  const processes: TsProcess[] = [];
  const temporal = await connectTemporalClient(config);
  const starter = new TemporalUpstreamLeaseStarter(temporal.client, vault, config, silent);

  return {
    config,
    ca,
    log,
    storeCredential,
    store,
    vault,
    upstream,
    temporal,
    starter,
    trusting,
    request: (overrides = {}) => ({
      workspaceId: 'acme',
      leaseId: randomUUID(),
      connectionId: CONNECTION,
      connector: 'github',
      credentialKind: 'github-app',
      actions: ['write'],
      resources: ['acme/api'],
      expiresAt: new Date(Date.now() + 3_000).toISOString(),
      ...overrides,
    }),
    async recordIssued(request, tokenFingerprint) {
      const now = new Date().toISOString();
      const service: Actor = { kind: 'service', id: 'agent-runtime' };
      await handleCommand(
        store,
        credentialLeaseDecider,
        credentialLeaseStreamId(request.workspaceId, request.leaseId),
        {
          type: 'IssueCredentialLease',
          actor: service,
          now,
          lease: {
            workspaceId: request.workspaceId,
            leaseId: request.leaseId,
            idempotencyKey: `key-${request.leaseId}`,
            channelId: 'eng',
            connector: request.connector,
            connectionId: request.connectionId,
            credentialKind: request.credentialKind,
            actions: request.actions,
            resources: request.resources,
            invokedBy: 'alice',
            requestedBy: service,
            grantId: null,
            issuedAt: now,
            expiresAt: request.expiresAt,
            tokenFingerprint,
          },
        },
        { toEnvelope: envelopes(service) },
      );
    },
    events: (streamId) => store.readStream(streamId),
    async startWorkerProcess() {
      const child = startTsProcess(WORKER_MAIN, [], {
        NODE_EXTRA_CA_CERTS: ca.caCertPath,
        TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
        SQLITE_PATH: config.SQLITE_PATH as string,
        DATA_DIR: config.DATA_DIR,
        VAULT_BACKEND: 'embedded',
        LOG_LEVEL: 'info',
      });
      processes.push(child);
      await child.waitFor((message) => /polling task queue/.test(String((message as { msg?: string }).msg)));
      return child;
    },
    async close() {
      for (const child of processes) {
        child.child.kill('SIGKILL');
        await child.closed;
      }
      await worker?.close();
      await temporal.close();
      await trusting.close();
      await upstream.close();
      await vault.close();
      await store.close();
      dir.remove();
    },
  };
}

const envelopes =
  (actor: Actor) =>
  (events: DomainEvent[]): Parameters<EventStore['append']>[1] =>
    events.map((event) => ({
      id: uuidv7(),
      type: event.type,
      data: event.data,
      occurredAt: new Date().toISOString(),
      workspaceId: 'acme',
      actor,
      metadata: { correlationId: uuidv7(), causationId: null },
    }));
