import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { mintDevToken, type PrincipalKind } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { freePort } from '@mandate/infra';

const ROOT = join(__dirname, '..', '..');
const ENTRY = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' } as const;

export type NodeKind = keyof typeof ENTRY;

interface LogLine {
  msg?: string;
  url?: string;
  [field: string]: unknown;
}

/** One API or worker process, started through the same entry point as `npm run start:api|worker`. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Its JSON log lines (at the level the node runs with). */
  readonly lines: LogLine[] = [];
  url = '';

  constructor(
    readonly name: string,
    readonly kind: NodeKind,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the process; resolves once it listens and is ready (API) or its worker runs (worker).
   * `ignoring` names readiness checks not waited for (a bench without Temporal).
   */
  async start(timeoutMs = 90_000, ignoring: string[] = []): Promise<void> {
    // A port of its own, new at each start: a restarted node may not get its old one back at once.
    const port = this.kind === 'api' ? await freePort() : 0;
    this.url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['-r', './scripts/register.js', ENTRY[this.kind]], {
      cwd: ROOT,
      env: { ...this.env, API_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const started = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        this.lines.push(line);
        if (line.msg === 'worker started') resolve();
      });
      if (this.kind === 'api') this.ready(timeoutMs, ignoring).then(resolve, reject);
      child.once('close', (code, signal) =>
        reject(new Error(`${this.name} exited (${code ?? signal}) before it started: ${stderr}`)),
      );
    });
    const cancel = new AbortController();
    const timer = sleep(timeoutMs, undefined, { signal: cancel.signal }).then(() => {
      throw new Error(`${this.name} did not start within ${timeoutMs} ms`);
    });
    timer.catch(() => undefined);
    try {
      await Promise.race([started, timer]);
    } finally {
      cancel.abort();
    }
  }

  /** Until `/readyz` reports no check down but those ignored (read models caught up, Temporal reachable). */
  async ready(timeoutMs: number, ignoring: string[] = []): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await fetch(`${this.url}/readyz`).then(
        async (response) => (await response.json()) as { checks?: Record<string, { state: string }> },
        () => undefined,
      );
      const checks = Object.entries(report?.checks ?? {});
      if (
        checks.length > 0 &&
        checks.every(([name, check]) => check.state !== 'down' || ignoring.includes(name))
      )
        return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms`);
      const child = this.child;
      if (child && (child.exitCode !== null || child.signalCode !== null))
        throw new Error(`${this.name} exited`);
      await sleep(100);
    }
  }

  /** SIGKILL: no shutdown hook runs, as when a machine dies. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const late = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(late);
  }

  logged(msg: string): boolean {
    return this.lines.some((line) => line.msg === msg);
  }
}

export interface ClusterOptions {
  /** An existing PostgreSQL server; the cluster gets a database of its own on it. */
  serverUrl: string;
  /** Unset: the nodes' default (no Temporal needed for identity writes and checks). */
  temporalAddress?: string;
  /** Unset: no Kafka, so no relay and no notifier. */
  kafkaBrokers?: string;
  /** Extra settings for every node. */
  env?: Record<string, string>;
}

/**
 * API and worker processes on one PostgreSQL database (created for the cluster, dropped at the
 * end), one Temporal task queue and one Kafka topic prefix of their own, sharing the keys a
 * deployment shares (dev-token key, JIT command key, gateway session key, lease and checkpoint
 * signing keys), each with a data directory of its own.
 */
export class NodeCluster {
  readonly id = `nodes_${randomBytes(5).toString('hex')}`;
  readonly dir = join(tmpdir(), `mandate-${this.id}`);
  readonly databaseUrl: string;
  readonly topicPrefix = `mandate-${this.id}`;
  readonly nodes: NodeProcess[] = [];
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: ClusterOptions) {
    const url = new URL(options.serverUrl);
    url.pathname = `/${this.id}`;
    this.databaseUrl = url.toString();
  }

  private get keys() {
    const keys = join(this.dir, 'keys');
    return {
      AUTH_DEV_KEY_PATH: join(keys, 'dev-key.json'),
      JIT_COMMAND_KEY_PATH: join(keys, 'jit-command.key'),
      GATEWAY_SESSION_KEY_PATH: join(keys, 'gateway-session.key'),
      LEASE_SIGNING_KEYS_PATH: join(keys, 'lease-signing-keys.json'),
      CHECKPOINT_SIGNING_KEY_PATH: join(keys, 'checkpoint-signing.key'),
      VAULT_KEK_PATH: join(keys, 'vault-kek.key'),
    };
  }

  async createDatabase(): Promise<void> {
    mkdirSync(join(this.dir, 'keys'), { recursive: true });
    await this.admin(`CREATE DATABASE ${this.id}`);
  }

  /** A node that is not started yet; `start()` it (the first one alone: it writes the shared keys). */
  add(kind: NodeKind, env: Record<string, string> = {}): NodeProcess {
    const name = `${kind}-${this.nodes.filter((node) => node.kind === kind).length + 1}`;
    const { KAFKA_BROKERS: _brokers, TEMPORAL_ADDRESS: _temporal, ...inherited } = process.env;
    const node = new NodeProcess(name, kind, {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      API_HOST: '127.0.0.1',
      DATA_DIR: join(this.dir, name),
      EVENT_STORE: 'postgres',
      DATABASE_URL: this.databaseUrl,
      ...(this.options.temporalAddress ? { TEMPORAL_ADDRESS: this.options.temporalAddress } : {}),
      TEMPORAL_TASK_QUEUE: this.id,
      ...(this.options.kafkaBrokers ? { KAFKA_BROKERS: this.options.kafkaBrokers } : {}),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      KAFKA_CLIENT_ID: this.id,
      KAFKA_TOPIC_PARTITIONS: '3',
      PLATFORM_ADMINS: 'root',
      ...this.keys,
      ...this.options.env,
      ...env,
    });
    this.nodes.push(node);
    return node;
  }

  apis(): NodeProcess[] {
    return this.nodes.filter((node) => node.kind === 'api');
  }

  /** A dev token any API node accepts (they share the key). */
  async token(sub: string, kind: PrincipalKind = 'user', scopes: string[] = []): Promise<string> {
    const key = `${kind}:${sub}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const config = loadConfig({ NODE_ENV: 'test', AUTH_DEV_KEY_PATH: this.keys.AUTH_DEV_KEY_PATH });
    const token = await mintDevToken({ sub, kind, scopes, ttl: '1h' }, config);
    this.tokens.set(key, token);
    return token;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    await this.admin(`DROP DATABASE IF EXISTS ${this.id} WITH (FORCE)`).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.options.serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
