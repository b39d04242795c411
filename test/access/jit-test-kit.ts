import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WithStartWorkflowOperation, WorkflowIdConflictPolicy } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type AppConfig, loadConfig } from '@mandate/config';
import {
  type AccessRequestStatus,
  type ApprovalPolicy,
  defaultApprovalPolicy,
  eventSchemas,
  type WorkspaceRole,
  accessRequestStreamId,
} from '@mandate/domain';
import {
  EventSchemaRegistry,
  type EventStore,
  SqliteEventStore,
  type RecordedEvent,
} from '@mandate/event-store';
import { connectTemporalClient, type TemporalClientHandle } from '@mandate/temporal';
import {
  type Caller,
  jitGrantWorkflow,
  jitWorkflowId,
  type JitStepResult,
  type RequestAccessCommand,
  statusQuery,
  submittedUpdate,
} from '@mandate/workflows';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface JitKit {
  config: AppConfig;
  store: EventStore;
  temporal: TemporalClientHandle;
  storePath: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A task queue of its own and a fresh SQLite file the test reads too; an in-process worker unless
 * the test runs workers as processes (`inProcessWorker: false`).
 */
export async function startJitKit(
  options: { inProcessWorker?: boolean; env?: Record<string, string> } = {},
): Promise<JitKit> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-jit-'));
  const storePath = join(dir, 'events.sqlite');
  const config = loadConfig({
    ...process.env,
    ...options.env,
    SQLITE_PATH: storePath,
    TEMPORAL_TASK_QUEUE: `jit-${randomUUID()}`,
    LOG_LEVEL: 'warn',
  });
  const store = new SqliteEventStore({ path: storePath, schemas: new EventSchemaRegistry(eventSchemas) });
  let worker: INestApplicationContext | undefined;
  const kit: JitKit = {
    config,
    store,
    storePath,
    temporal: await connectTemporalClient(config),
    async startWorker() {
      worker = await NestFactory.createApplicationContext(WorkerModule.forConfig(config), { logger: false });
      await worker.init();
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      await kit.stopWorker();
      await kit.temporal.close();
      await store.close();
    },
  };
  if (options.inProcessWorker !== false) await kit.startWorker();
  return kit;
}

export const as = (id: string, callerRoles: WorkspaceRole[] = ['member']): Caller => ({
  actor: { kind: 'user', id },
  callerRoles,
});

export const policyWith = (
  rule: Partial<ApprovalPolicy['default']> = {},
  overrides: ApprovalPolicy['overrides'] = [],
): ApprovalPolicy => ({
  default: { ...defaultApprovalPolicy.default, ...rule },
  overrides,
});

export function requestCommand(overrides: Partial<RequestAccessCommand> = {}): RequestAccessCommand {
  return {
    type: 'RequestAccess',
    requestId: `req-${randomUUID()}`,
    workspaceId: 'acme',
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/api'],
    durationSeconds: 3600,
    reason: 'hotfix',
    ticket: null,
    invokedBy: 'ivan',
    breakGlass: false,
    policy: defaultApprovalPolicy,
    ...as('rita'),
    now: new Date().toISOString(),
    ...overrides,
  };
}

/** Starts the workflow (a second start of the same request is a no-op) and waits until the request is recorded. */
export async function submit(kit: JitKit, command: RequestAccessCommand): Promise<JitStepResult> {
  const startWorkflowOperation = new WithStartWorkflowOperation(jitGrantWorkflow, {
    workflowId: jitWorkflowId(command.requestId),
    taskQueue: kit.config.TEMPORAL_TASK_QUEUE,
    args: [{ command }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return kit.temporal.client.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation });
}

export const handleOf = (kit: JitKit, requestId: string) =>
  kit.temporal.client.workflow.getHandle<typeof jitGrantWorkflow>(jitWorkflowId(requestId));

export async function storedEvents(kit: JitKit, requestId: string): Promise<RecordedEvent[]> {
  return kit.store.readStream(accessRequestStreamId(requestId));
}

export async function storedTypes(kit: JitKit, requestId: string): Promise<string[]> {
  return (await storedEvents(kit, requestId)).map((event) => event.type);
}

export async function statusOf(kit: JitKit, requestId: string): Promise<AccessRequestStatus> {
  return (await handleOf(kit, requestId).query(statusQuery)).state.status as AccessRequestStatus;
}

export const historiesDir = join(__dirname, 'histories');

/**
 * With RECORD_JIT_HISTORIES=1, saves the finished workflow's history as a fixture that the replay
 * test runs against the current workflow code (a change that breaks running workflows fails it).
 */
export async function recordHistory(kit: JitKit, requestId: string, name: string): Promise<void> {
  const handle = handleOf(kit, requestId);
  await handle.result();
  if (process.env.RECORD_JIT_HISTORIES !== '1') return;
  mkdirSync(historiesDir, { recursive: true });
  // Binary protobuf: the SDK's JSON conversion does not load under jest's module registry.
  const history = await handle.fetchHistory();
  writeFileSync(
    join(historiesDir, `${name}.binpb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}
