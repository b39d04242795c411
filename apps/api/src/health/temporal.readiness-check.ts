import { Connection } from '@temporalio/client';
import type { ReadinessCheck, ReadinessResult } from '@mandate/observability';
import type { TemporalConnectionOptions } from '@mandate/temporal';

/**
 * Temporal is reachable when its frontend answers GetSystemInfo. The connection is kept between
 * probes and dropped on failure, so a recovered server is picked up by the next probe.
 */
export class TemporalReadinessCheck implements ReadinessCheck {
  readonly name = 'temporal';
  private connection: Promise<Connection> | undefined;

  constructor(
    private readonly options: TemporalConnectionOptions,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<ReadinessResult> {
    try {
      this.connection ??= Connection.connect({
        ...this.options,
        connectTimeout: this.timeoutMs * 0.75,
      });
      const connection = await this.connection;
      await connection.withDeadline(Date.now() + this.timeoutMs * 0.75, () =>
        connection.workflowService.getSystemInfo({}),
      );
      return { state: 'up', detail: this.options.address };
    } catch (error) {
      await this.close();
      return {
        state: 'down',
        detail: `${this.options.address}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    await pending?.then((connection) => connection.close()).catch(() => undefined);
  }
}
