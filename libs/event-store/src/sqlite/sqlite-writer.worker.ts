import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventWriter } from './sqlite-event-writer';
import {
  type AppendMessage,
  type Outcome,
  refusalOf,
  type WriterThreadSettings,
} from './sqlite-writer-messages';

/**
 * The writer thread (sqlite-writer-thread.ts): the store's one group-committing writer on a
 * connection of its own. Appends posted while a commit is in its `fsync` wait in this thread's
 * queue and go into the next commit together; the outcomes of a commit are posted back once it
 * has returned, so an acknowledged append is durable, exactly as on the calling thread.
 */
const settings = workerData as WriterThreadSettings;
const port = parentPort!;
const db = new Database(settings.path, { timeout: settings.busyTimeoutMs });
db.pragma(`synchronous = ${settings.synchronous}`);

let outbox: Outcome[] = [];
let head: number | null = null;
const writer = new SqliteEventWriter(
  db,
  () => new Date(),
  (position) => (head = position),
);

// A flush settles its appends' promises one after the other in the same turn, so their reactions
// run back to back: the first queues the post after the others, and one message carries them all.
function settled(outcome: Outcome): void {
  if (outbox.length === 0) queueMicrotask(post);
  outbox.push(outcome);
}

function post(): void {
  port.postMessage({ outcomes: outbox, head });
  outbox = [];
  head = null;
}

port.on('message', (message: AppendMessage[] | 'close') => {
  if (message === 'close') {
    void writer.drained().then(() => {
      db.close();
      port.close();
    });
    return;
  }
  for (const { id, streamId, events, expected } of message) {
    writer.append(streamId, events, expected).then(
      (result) => settled({ id, result }),
      (error: unknown) => settled({ id, refusal: refusalOf(error) }),
    );
  }
});
