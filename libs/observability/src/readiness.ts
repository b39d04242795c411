export type DependencyState = 'up' | 'down' | 'degraded';

export interface ReadinessResult {
  state: DependencyState;
  detail?: string;
}

/** One dependency the API needs to serve traffic. Modules owning a dependency register one. */
export interface ReadinessCheck {
  /** Stable name shown in `/readyz` (e.g. `event-store`, `temporal`, `kafka`). */
  name: string;
  check(): Promise<ReadinessResult>;
  /** Releases connections held between probes. */
  close?(): Promise<void>;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, ReadinessResult & { durationMs: number }>;
}

/**
 * Holds the registered checks and runs them in parallel, each bounded by a timeout: a hung
 * dependency makes the API not ready, it never makes the probe hang. `degraded` still serves.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs: number) {}

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (check) => {
        const started = performance.now();
        const result = await this.runBounded(check);
        return [check.name, { ...result, durationMs: Math.round(performance.now() - started) }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.state !== 'down');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  async close(): Promise<void> {
    await Promise.all([...this.checks.values()].map((check) => check.close?.().catch(() => undefined)));
  }

  private async runBounded(check: ReadinessCheck): Promise<ReadinessResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadinessResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ state: 'down', detail: `no answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([check.check(), timeout]);
    } catch (error) {
      return { state: 'down', detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
