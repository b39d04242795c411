import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, ManagedProcess } from '@mandate/infra';
import { DIR, ROOT } from './check.fixtures';
import { channelOf, type PeerCheck, type PeersShape, relationOf, repositoryOf } from './peers.fixtures';

/**
 * SpiceDB, the system a user would otherwise pick, run beside Mandate: built from the Go module
 * proxy into `.mandate/go-bin` (once), served with its in-memory datastore on loopback, loaded with
 * the same model. `ghz` (also from the Go module proxy) drives its native gRPC API.
 */
const run = promisify(execFile);
export const GO_BIN = join(ROOT, '.mandate', 'go-bin');
export const SPICEDB_MODULE = 'github.com/authzed/spicedb/cmd/spicedb@v1.56.2';
export const GHZ_MODULE = 'github.com/bojand/ghz/cmd/ghz@v0.120.0';
const KEY = 'bench-preshared-key';

/** `write` implies `read`, as in Mandate's github connector. */
export const SCHEMA = `
definition channel {}
definition repository {
  relation reader: channel
  relation writer: channel
  permission write = writer
  permission read = reader + writer
}`;

async function goAvailable(): Promise<boolean> {
  try {
    await run('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * The binary at `.mandate/go-bin/<name>`, built with `go install` when missing and `build` allows
 * it; `undefined` when it is missing and cannot be built (no Go, or not allowed), so the suite can
 * say why and skip.
 */
export async function goTool(
  name: string,
  module: string,
  options: { build: boolean; log: (line: string) => void },
): Promise<string | undefined> {
  const path = join(GO_BIN, name);
  if (existsSync(path)) return path;
  if (!options.build || !(await goAvailable())) return undefined;
  options.log(`building ${module} into ${GO_BIN} (once; a few minutes)`);
  await run('go', ['install', module], {
    env: { ...process.env, GOBIN: GO_BIN },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  return path;
}

export interface SpiceDb {
  httpUrl: string;
  grpcAddress: string;
  headers: Record<string, string>;
  /** POST a JSON body to the HTTP API; throws on a non-2xx answer. */
  post<T>(path: string, body: unknown): Promise<T>;
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startSpiceDb(binary: string): Promise<SpiceDb> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const process_ = ManagedProcess.start({
    name: 'spicedb',
    command: binary,
    args: [
      'serve',
      '--datastore-engine=memory',
      `--grpc-addr=127.0.0.1:${grpcPort}`,
      '--http-enabled',
      `--http-addr=127.0.0.1:${httpPort}`,
      '--metrics-enabled=false',
      '--dispatch-cluster-enabled=false',
      '--skip-release-check',
      '--log-level=warn',
    ],
    // The key by environment, not flag: flags are visible in the process list.
    env: { ...process.env, SPICEDB_GRPC_PRESHARED_KEY: KEY },
    logFile: join(DIR, 'spicedb.log'),
    stopGraceMs: 5_000,
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${httpUrl}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`SpiceDB ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  await process_.waitUntilReady(async () => {
    await post('/v1/schema/read', {}).catch((error: Error) => {
      // Before a schema is written, reading it answers 404: the server is up.
      if (!/answered 404/.test(error.message)) throw error;
    });
    return true;
  });
  return {
    httpUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    headers,
    post,
    pid: process_.pid,
    stop: () => process_.stop(),
  };
}

const object = (objectType: string, objectId: string) => ({ objectType, objectId });

/** The same relationships Mandate holds as channel extensions, 1,000 updates per request. */
export async function loadModel(spicedb: SpiceDb, shape: PeersShape): Promise<void> {
  await spicedb.post('/v1/schema/write', { schema: SCHEMA });
  const updates = [];
  for (let c = 0; c < shape.channels; c++)
    for (let r = 0; r < shape.repositories; r++)
      updates.push(relationshipUpdate(channelOf(c), repositoryOf(r), relationOf(c, r)));
  for (let from = 0; from < updates.length; from += 1_000)
    await spicedb.post('/v1/relationships/write', { updates: updates.slice(from, from + 1_000) });
  // `minimizeLatency` reads a quantized revision (5 s by default): wait until it includes the model.
  const last = { channel: channelOf(shape.channels - 1), repository: repositoryOf(shape.repositories - 1) };
  for (let attempt = 0; ; attempt++) {
    const answer = await spicedb
      .post<{ permissionship: string }>('/v1/permissions/check', spiceCheck({ ...last, permission: 'read' }))
      .catch(() => ({ permissionship: 'not yet' }));
    if (answer.permissionship === HAS_PERMISSION) return;
    if (attempt > 60) throw new Error('SpiceDB never answered from the loaded model');
    await sleep(250);
  }
}

export const relationshipUpdate = (channel: string, repository: string, relation: 'read' | 'write') => ({
  operation: 'OPERATION_TOUCH',
  relationship: {
    resource: object('repository', repository),
    relation: relation === 'read' ? 'reader' : 'writer',
    subject: { object: object('channel', channel) },
  },
});

/** `CheckPermission`'s request, as the HTTP gateway and gRPC (JSON via ghz) both take it. */
export const spiceCheck = (check: PeerCheck, consistency: object = { minimizeLatency: true }) => ({
  resource: object('repository', check.repository),
  permission: check.permission,
  subject: { object: object('channel', check.channel) },
  consistency,
});

export const spiceBulk = (checks: PeerCheck[]) => ({
  items: checks.map((check) => {
    const { consistency: _, ...item } = spiceCheck(check);
    return item;
  }),
  consistency: { minimizeLatency: true },
});

export const HAS_PERMISSION = 'PERMISSIONSHIP_HAS_PERMISSION';

export interface GhzResult {
  rps: number;
  p99Ms: number;
  requests: number;
  failures: number;
}

/** One ghz run against SpiceDB's gRPC API: `connections` connections, as many concurrent calls. */
export async function ghz(
  binary: string,
  spicedb: SpiceDb,
  call: string,
  body: unknown,
  seconds: number,
  connections: number,
): Promise<GhzResult> {
  const { stdout } = await run(
    binary,
    [
      '--insecure',
      `--call=${call}`,
      `--data=${JSON.stringify(body)}`,
      `--metadata=${JSON.stringify({ authorization: `Bearer ${KEY}` })}`,
      `--concurrency=${connections}`,
      `--connections=${connections}`,
      `--duration=${seconds}s`,
      '--format=json',
      spicedb.grpcAddress,
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: (seconds + 60) * 1000 },
  );
  const report = JSON.parse(stdout) as {
    rps: number;
    count: number;
    latencyDistribution: Array<{ percentage: number; latency: number }> | null;
    statusCodeDistribution: Record<string, number>;
  };
  const p99 = report.latencyDistribution?.find((entry) => entry.percentage === 99)?.latency ?? 0;
  const ok = report.statusCodeDistribution.OK ?? 0;
  // A duration run cuts the calls still in flight when it ends (Canceled, or Unavailable as the
  // connections close): at most one per connection is not a failure of the server.
  if (report.count - ok > connections)
    throw new Error(`ghz ${call}: ${JSON.stringify(report.statusCodeDistribution)}`);
  return { rps: (report.rps * ok) / report.count, p99Ms: p99 / 1e6, requests: ok, failures: 0 };
}
