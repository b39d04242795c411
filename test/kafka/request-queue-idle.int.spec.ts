import { setTimeout as sleep } from 'node:timers/promises';
import { testKafka } from './kafka-test-kit';

/** kafkajs's per-connection request queue (not part of its typed API), from Jest's module registry. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prototype: requestQueue } = require('kafkajs/src/network/requestQueue') as {
  prototype: { checkPendingRequests(): void };
};

describe('a kafkajs connection at rest (real broker)', () => {
  it('given an admin client whose request was answered, when nothing is pending for half a second, then no connection checks its queue on a timer', async () => {
    // given a connection that has answered a request
    const admin = testKafka().admin();
    await admin.connect();
    await admin.listTopics();

    // when it idles
    const checks = jest.spyOn(requestQueue, 'checkPendingRequests');
    let checked: number;
    try {
      await sleep(500);
      checked = checks.mock.calls.length;
    } finally {
      checks.mockRestore();
      await admin.disconnect();
    }

    // then its queue was not polled: kafkajs 2.2.4 re-armed a 1 ms timer forever once a request was
    // answered (hundreds of checks here), and on Node 24 warned TimeoutNegativeWarning when it began
    expect(checked).toBeLessThan(5);
  });
});
