import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '@mandate/config';
import { accessRequestStreamId } from '@mandate/domain';
import type { EventStore, NewEvent } from '@mandate/event-store';
import { notificationsDeadLetterTopic, type ApproverNotification } from '@mandate/kafka';
import { createLogger } from '@mandate/observability';
import { createTempDir, type TempDir } from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import { testKafka, uniquePrefix } from './kafka-test-kit';

interface Hook {
  text: string;
  blocks: unknown[];
}

/** A Slack-like receiver: fails requests mentioning "flaky" twice with 503, refuses "refuse-me" with 400. */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  received: Hook[];
  answered: Array<[string, number]>;
}> {
  const received: Hook[] = [];
  const answered: Array<[string, number]> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const hook = JSON.parse(body) as Hook;
      const flakyAttempts = answered.filter(([text]) => text === hook.text).length;
      const status = hook.text.includes('refuse-me')
        ? 400
        : hook.text.includes('flaky') && flakyAttempts < 2
          ? 503
          : 200;
      answered.push([hook.text, status]);
      if (status === 200) received.push(hook);
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
        received,
        answered,
      }),
    ),
  );
}

const at = '2026-11-29T21:00:00.000Z';
const envelope = (type: string, data: unknown): NewEvent => ({
  id: uuidv7(),
  type,
  data,
  occurredAt: at,
  workspaceId: 'acme',
  actor: { kind: 'user', id: 'alice' },
  metadata: { correlationId: uuidv7(), causationId: null },
});
const requested = (requestId: string, mode: string, reason: string) =>
  envelope('AccessRequested', {
    requestId,
    workspaceId: 'acme',
    channelId: 'deploys',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/api'],
    durationSeconds: 3600,
    reason,
    ticket: null,
    requestedBy: 'alice',
    invokedBy: null,
    mode,
    policy: {
      approvers: [{ roles: ['approver'], principals: [] }],
      quorum: 1,
      maxDurationSeconds: 28800,
      approvalTimeoutSeconds: 86400,
      autoApproveUpToSeconds: null,
    },
    approvalDeadline: '2026-11-30T21:00:00.000Z',
  });

async function until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Approver notifications (API with relay and notifier, real broker, local webhook)', () => {
  let dir: TempDir;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let app: NestFastifyApplication;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    dir = createTempDir('mandate-notify-');
    receiver = await startReceiver();
    const config = loadConfig({
      DATA_DIR: dir.file('data'),
      AUTH_DEV_KEY_PATH: dir.file('dev-key.json'),
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_CLIENT_ID: prefix,
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_MAX_ATTEMPTS: '4',
    });
    app = await createApiApp(config, { logger: createLogger({ level: 'silent' }) });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    receiver?.server.close();
    dir?.remove();
  }, 60_000);

  it('given JIT requests pending, approved, denied and expired, then the webhook gets one Slack message each, retried when it fails, and a refused one lands in the dead-letter topic', async () => {
    // given a dead-letter reader
    const kafka = testKafka();
    const deadLetters: Array<{ notification: ApproverNotification; error: string; permanent: boolean }> = [];
    const reader = kafka.consumer({ groupId: `${prefix}-dead-letters` });
    await reader.connect();

    // when access events are appended to the store (the relay carries them out)
    const store = app.get<EventStore>(EVENT_STORE);
    const append = (requestId: string, event: NewEvent) =>
      store.append(accessRequestStreamId('acme', requestId), [event], { expectedRevision: 'any' });
    await append('r1', requested('r1', 'approval', 'hotfix'));
    await append('r1', envelope('AccessApproved', { requestId: 'r1', round: 0, approvers: ['bob'] }));
    await append('r2', requested('r2', 'approval', 'flaky deploy'));
    await append('r2', envelope('AccessDenied', { requestId: 'r2', deniedBy: 'bob', comment: 'refuse-me' }));
    await append('r3', requested('r3', 'auto-approve', 'read docs'));
    await append('r1', envelope('AccessExpired', { grantId: 'r1', requestId: 'r1', expiresAt: at }));

    // then the webhook received the pending request, its approval, the flaky one (after two 503s) and the expiry
    await until(
      () => receiver.received.length >= 4,
      60_000,
      () => JSON.stringify(receiver.answered),
    );
    await reader.subscribe({ topics: [notificationsDeadLetterTopic(prefix)], fromBeginning: true });
    void reader.run({
      eachMessage: async ({ message }) => void deadLetters.push(JSON.parse(String(message.value))),
    });
    await until(
      () => deadLetters.length >= 1,
      30_000,
      () => 'no dead letter',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await reader.disconnect();

    const texts = receiver.received.map((hook) => hook.text);
    expect(texts).toHaveLength(4);
    // in order per request (one partition per request's stream)
    expect(texts.filter((text) => text.includes('`r1`')).map((text) => text.slice(0, 40))).toEqual([
      '*Access request `r1` needs approval* (1 ',
      'Access request `r1` approved by bob.',
      'Access `r1` expired at 2026-11-29T21:00:',
    ]);
    expect(texts.some((text) => text.includes('`r2` needs approval'))).toBe(true);
    expect(texts.some((text) => text.includes('r3'))).toBe(false);
    for (const hook of receiver.received) {
      expect(hook.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: hook.text } }]);
    }
    const flaky = receiver.answered.filter(([text]) => text.includes('flaky')).map(([, status]) => status);
    expect(flaky).toEqual([503, 503, 200]);
    // and the refused denial was tried once and dead-lettered with its reason
    expect(
      receiver.answered.filter(([text]) => text.includes('refuse-me')).map(([, status]) => status),
    ).toEqual([400]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      notification: { kind: 'access-denied', requestId: 'r2', workspaceId: 'acme' },
      error: 'HTTP 400',
      permanent: true,
    });
  }, 120_000);
});
