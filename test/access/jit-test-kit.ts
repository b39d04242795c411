import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WithStartWorkflowOperation, WorkflowIdConflictPolicy } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type AppConfig, loadConfig } from '@mandate/config';
import type { UpdateDefinition } from '@temporalio/common';
import {
  accessRequestDecider,
  type AccessRequestStatus,
  type ApprovalPolicy,
  approvalPolicyDecider,
  approvalPolicyStreamId,
  defaultApprovalPolicy,
  eventSchemas,
  latestRound,
  type WorkspaceRole,
  accessRequestStreamId,
} from '@mandate/domain';
import {
  EventSchemaRegistry,
  type EventStore,
  foldStream,
  handleCommand,
  SqliteEventStore,
  type RecordedEvent,
} from '@mandate/event-store';
import {
  connectTemporalClient,
  loadJitCommandKey,
  signJitCommand,
  type TemporalClientHandle,
} from '@mandate/temporal';
import {
  type Caller,
  jitGrantWorkflow,
  type JitStepResult,
  jitUpdateCommands,
  jitWorkflowId,
  type RequestAccessCommand,
  statusQuery,
  submittedUpdate,
} from '@mandate/workflows';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { IdentityLog } from '../../libs/projections/test/identity-log';

export interface JitKit {
  config: AppConfig;
  store: EventStore;
  /** The key the API signs JIT commands with; the kit signs what it sends, as the API does. */
  commandKey: Buffer;
  temporal: TemporalClientHandle;
  storePath: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Workspace `acme`'s members: the roles the activity reads from the log. */
export const MEMBERS: Record<string, WorkspaceRole> = {
  alice: 'approver',
  bob: 'admin',
  rita: 'member',
  ivan: 'member',
  mallory: 'member',
  ...Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`approver-${index}`, 'approver'])),
};

/**
 * A task queue of its own, a fresh SQLite file the test reads too, with workspace `acme` and its
 * `MEMBERS`; an in-process worker unless the test runs workers as processes
 * (`inProcessWorker: false`). The kit plays the API: it signs what it sends through Temporal.
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
    DATA_DIR: dir,
    JIT_COMMAND_KEY_PATH: join(dir, 'keys', 'jit-command.key'),
    TEMPORAL_TASK_QUEUE: `jit-${randomUUID()}`,
    LOG_LEVEL: 'warn',
  });
  const store = new SqliteEventStore({ path: storePath, schemas: new EventSchemaRegistry(eventSchemas) });
  const log = new IdentityLog(store);
  await log.workspace('acme', 'root', {
    type: 'CreateWorkspace',
    workspaceId: 'acme',
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  for (const [principalId, role] of Object.entries(MEMBERS)) {
    await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId, role });
  }
  let worker: INestApplicationContext | undefined;
  const kit: JitKit = {
    config,
    store,
    commandKey: loadJitCommandKey({
      path: config.JIT_COMMAND_KEY_PATH,
      dataDir: config.DATA_DIR,
      production: false,
      warn: () => undefined,
    }),
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

/** As an admin would: the workspace's stored policy, which the activity records requests under. */
async function setPolicy(kit: JitKit, workspaceId: string, policy: ApprovalPolicy): Promise<void> {
  await handleCommand(
    kit.store,
    approvalPolicyDecider,
    approvalPolicyStreamId(workspaceId),
    {
      type: 'SetApprovalPolicy',
      workspaceId,
      policy,
      actor: { kind: 'user', id: 'root' },
      callerRoles: ['owner'],
      now: new Date().toISOString(),
    },
    {
      toEnvelope: (events) =>
        events.map((event) => ({
          id: randomUUID(),
          type: event.type,
          data: event.data,
          occurredAt: new Date().toISOString(),
          workspaceId,
          actor: { kind: 'user', id: 'root' },
          metadata: { correlationId: randomUUID(), causationId: null },
        })),
    },
  );
}

/**
 * Starts the workflow as the API does (the command's policy becomes the workspace's, then the
 * command is signed); a second start of the same request is a no-op. Waits until it is recorded.
 */
export async function submit(kit: JitKit, command: RequestAccessCommand): Promise<JitStepResult> {
  await setPolicy(kit, command.workspaceId, command.policy);
  const { workspaceId, requestId } = command;
  const signature = signJitCommand(kit.commandKey, { workspaceId, requestId, round: 0, command });
  const startWorkflowOperation = new WithStartWorkflowOperation(jitGrantWorkflow, {
    workflowId: jitWorkflowId(command.workspaceId, command.requestId),
    taskQueue: kit.config.TEMPORAL_TASK_QUEUE,
    args: [{ command, signature }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return kit.temporal.client.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation });
}

type UpdateName = keyof typeof jitUpdateCommands;

/**
 * The workflow's handle, whose updates the kit signs as the API would: for the caller, the
 * command and the round the stored request is in.
 */
export const handleOf = (kit: JitKit, requestId: string, workspaceId = 'acme') => {
  const handle = kit.temporal.client.workflow.getHandle<typeof jitGrantWorkflow>(
    jitWorkflowId(workspaceId, requestId),
  );
  const executeUpdate = async <Args extends Caller>(
    update: UpdateDefinition<JitStepResult, [Args]>,
    options: { args: [Args] },
  ): Promise<JitStepResult> => {
    const [args] = options.args;
    const state = await foldStream(
      kit.store,
      accessRequestDecider,
      accessRequestStreamId(workspaceId, requestId),
    );
    if (state.status === 'absent') throw new Error(`request ${requestId} is not recorded`);
    const command = { ...jitUpdateCommands[update.name as UpdateName](args as never), actor: args.actor };
    const signature = signJitCommand(kit.commandKey, {
      workspaceId: state.request.workspaceId,
      requestId,
      round: latestRound(state),
      command,
    });
    return handle.executeUpdate(update, { args: [{ ...args, signature }] });
  };
  return { ...handle, executeUpdate };
};

export async function storedEvents(
  kit: JitKit,
  requestId: string,
  workspaceId = 'acme',
): Promise<RecordedEvent[]> {
  return kit.store.readStream(accessRequestStreamId(workspaceId, requestId));
}

export async function storedTypes(kit: JitKit, requestId: string, workspaceId = 'acme'): Promise<string[]> {
  return (await storedEvents(kit, requestId, workspaceId)).map((event) => event.type);
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
