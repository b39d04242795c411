import { CloudEvent, Kafka } from 'cloudevents';
import type { RecordedEvent } from '@mandate/event-store';
import {
  cloudEventAttributes,
  fromKafkaMessage,
  toKafkaMessage,
  toRecordedEvent,
} from './cloud-event.mapping';

const recorded = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  type: 'AccessRequested',
  streamId: 'access-request-r1',
  streamVersion: 0,
  globalPosition: 42,
  occurredAt: '2026-11-29T21:00:00.000Z',
  recordedAt: '2026-11-29T21:00:00.012Z',
  workspaceId: 'acme',
  actor: { kind: 'user', id: 'alice' },
  data: { reason: 'deploy hotfix', actions: ['write'] },
  metadata: { correlationId: 'corr-1', causationId: null, schemaVersion: 1 },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  ...overrides,
});

describe('CloudEvents mapping', () => {
  it('given a recorded event, when mapped, then the message is a structured CloudEvent keyed by stream id', () => {
    const message = toKafkaMessage(recorded());

    expect(message.key).toBe('access-request-r1');
    expect(message.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(JSON.parse(message.value)).toMatchObject({
      specversion: '1.0',
      id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      source: '/mandate/workspaces/acme',
      type: 'mandate.AccessRequested',
      subject: 'access-request-r1',
      time: '2026-11-29T21:00:00.000Z',
      data: { reason: 'deploy hotfix', actions: ['write'] },
      prevhash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
      globalposition: 42,
    });
  });

  it.each([
    ['an event without a cause', recorded(), undefined],
    [
      'an event with a cause and a trace context',
      recorded({ metadata: { correlationId: 'c', causationId: 'cause-1', schemaVersion: 2 } }),
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ],
  ])(
    'given %s, when mapped, then the message is what the CloudEvents library serialises for the same attributes, with its validation on',
    (_case, event, traceparent) => {
      const message = toKafkaMessage(event, traceparent);
      const byLibrary = Kafka.structured(new CloudEvent(cloudEventAttributes(event, traceparent)));

      expect(JSON.parse(message.value)).toEqual(JSON.parse(byLibrary.value as string));
      expect(message.headers).toEqual(byLibrary.headers);
      expect(message.key).toBe(byLibrary.key);
    },
  );

  it('given a published message, when parsed back, then it is a valid CloudEvent carrying the recorded event unchanged', () => {
    const event = recorded({ metadata: { correlationId: 'c', causationId: 'cause-1', schemaVersion: 2 } });

    const parsed = fromKafkaMessage({
      ...toKafkaMessage(event),
      value: Buffer.from(toKafkaMessage(event).value),
    });

    expect(parsed).toBeInstanceOf(CloudEvent);
    expect(parsed.validate()).toBe(true);
    expect(toRecordedEvent(parsed)).toEqual(event);
  });

  it('given a publish span context, when mapped and parsed back, then it travels as the distributed-tracing extension and not into the recorded event', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = recorded({ traceparent: '00-11111111111111111111111111111111-2222222222222222-01' });

    const message = toKafkaMessage(event, traceparent);
    const parsed = fromKafkaMessage({ ...message, value: Buffer.from(message.value) });

    expect(JSON.parse(message.value)).toMatchObject({ traceparent });
    expect(parsed.validate()).toBe(true);
    expect(parsed.traceparent).toBe(traceparent);
    const { traceparent: _stored, ...rebuilt } = event;
    expect(toRecordedEvent(parsed)).toEqual(rebuilt);
  });

  it('given no trace context, when mapped, then the CloudEvent has no traceparent', () => {
    expect(JSON.parse(toKafkaMessage(recorded()).value)).not.toHaveProperty('traceparent');
  });

  it('given a message without CloudEvents headers, when parsed, then it is refused', () => {
    expect(() => fromKafkaMessage({ key: 'k', value: '{"id":"x"}', headers: {} })).toThrow(/CloudEvent/);
  });
});
