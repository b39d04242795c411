import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { type ReplayResult, Worker } from '@temporalio/worker';
import { workflowsPath } from '@mandate/temporal';

// Recorded by the lease workflow's integration tests (RECORD_LEASE_HISTORIES=1), one per path.
const historiesDir = join(__dirname, 'histories');

describe('credential lease workflow determinism', () => {
  it('replays the recorded history of every path with the current workflow code', async () => {
    // given the histories of leases that ran to their end under earlier code
    const files = readdirSync(historiesDir).filter((file) => file.endsWith('.binpb'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const histories = files.map((file) => ({
      workflowId: file,
      history: temporal.api.history.v1.History.decode(readFileSync(join(historiesDir, file))),
    }));

    // when the current code replays them
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath }, histories)) results.push(result);

    // then every one replays without a nondeterminism error
    expect(results).toHaveLength(files.length);
    expect(
      results
        .filter((result) => result.error !== undefined)
        .map((result) => [result.workflowId, String(result.error)]),
    ).toEqual([]);
  }, 120_000);
});
