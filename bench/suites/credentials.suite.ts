import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mandate/config';
import { MandateJwtSigner, openCredentialVault } from '@mandate/credentials';
import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';
import {
  describePair,
  idleCpuPerSecond,
  interleave,
  limitMetrics,
  measure,
  settledTurn,
  type Paired,
  type Throughput,
} from '../limit-baseline';
import { bareDecrypter, bareLeaseRoute } from './credentials.limit';
import { measureUpstream } from './credentials.upstream';
import { CANARY, type CredentialsStack, leases, startCredentialsStack, ws } from './credentials.stack';

interface IssuedLease {
  token: string;
}

let keyCounter = 0;

const leaseBody = () => ({
  channelId: 'eng',
  connector: 'github',
  actions: ['read'],
  resources: [`bench/repo-${keyCounter % 50}`],
  invokedBy: 'mike',
  idempotencyKey: `bench-${process.pid}-${keyCounter++}`,
});

/** One lease through the whole path: auth, evaluation, signing, CredentialLeaseIssued, the answer. */
async function issue(stack: CredentialsStack): Promise<IssuedLease> {
  const reply = await stack.call<IssuedLease>('POST', leases, 'agent-runtime', leaseBody());
  if (reply.status !== 200 && reply.status !== 201) throw new Error(`lease: ${reply.status} ${reply.raw}`);
  return reply.body;
}

const sinceUs = (start: number) => (performance.now() - start) * 1000;

async function timeIssues(stack: CredentialsStack, count: number, tokens: string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    tokens.push((await issue(stack)).token);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

const CALLERS = 16;

/** `total` requests from 16 callers at once, each made by `one`; how many were made. */
async function fromCallers(total: number, one: () => Promise<void>): Promise<number> {
  let remaining = total;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (remaining-- > 0) await one();
    }),
  );
  return total;
}

/** Leases in each turn of the API and of its floor: a few hundred ms of the API's from 16 callers. */
const LEASE_TURN = 400;

/**
 * Concurrent lease issues in `turns` turns of LEASE_TURN beside as many of their floor (the same
 * request to a bare Fastify route that signs an Ed25519 JWT with node:crypto and appends the same
 * event, from as many callers), the order alternating: leases/s and CPU per lease of each, per
 * turn. A neighbour's burst then falls on turns of both sides alike, where one block per side let
 * it fall on one.
 */
async function issuesBesideLimit(
  stack: CredentialsStack,
  turns: number,
  perTurn: number,
  tokens: string[],
): Promise<Paired[]> {
  const issued = (await stack.allEvents()).filter((event) => event.type === 'CredentialLeaseIssued');
  const floor = await bareLeaseRoute(issued.slice(-50), {
    path: leases,
    synchronous: stack.config.SQLITE_SYNCHRONOUS,
  });
  const headers = await stack.headersOf('agent-runtime');
  const floorIssues = (count: number) =>
    fromCallers(count, async () => {
      const status = await floor.post(leaseBody(), headers);
      if (status !== 201) throw new Error(`the floor answered ${status}`);
    });
  const apiIssues = (count: number) =>
    fromCallers(count, async () => {
      tokens.push((await issue(stack)).token);
    });
  try {
    await floorIssues(perTurn);
    const idle = await idleCpuPerSecond(1000);
    return await interleave(
      turns,
      () => settledTurn(() => apiIssues(perTurn), idle),
      () => settledTurn(() => floorIssues(perTurn), idle),
    );
  } finally {
    await floor.close();
  }
}

/** The baseline: Ed25519 signing of the same claims alone, as the issue path calls it. */
async function signUs(stack: CredentialsStack, count: number): Promise<number[]> {
  const signer = stack.app.get(MandateJwtSigner);
  const now = Math.floor(Date.now() / 1000);
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await signer.sign({
      iss: 'mandate',
      sub: 'agent:bench/eng',
      aud: 'github',
      scope: 'read',
      resources: [`bench/repo-${index % 50}`],
      iat: now,
      exp: now + 900,
      jti: `0190a0b0-0000-7000-8000-${String(index).padStart(12, '0')}`,
    });
    latencies.push(sinceUs(start));
  }
  return latencies;
}

const SECRET = JSON.stringify({ kind: 'static', secret: 'x'.repeat(2048) });

/**
 * Reads in each turn of the vault and of its floor: tens of ms each (the process's CPU time, as
 * `getrusage` reports it, can stand still and then jump by a clock tick of 4 ms), short enough
 * that a run interleaves 20 of them.
 */
const VAULT_TURN = 4000;

/**
 * The embedded vault on its own file: one secret read back (SQLite row, AES-256-GCM, UTF-8)
 * `count` times one by one for the latencies; then `turns` turns of VAULT_TURN reads, each beside
 * as many bare AES-256-GCM decrypts of the same size (the order alternating), both sides warmed
 * alike first: reads/s and CPU per read of each, per turn. The latencies are taken apart: timing
 * each read is work the floor's turns would not do.
 */
async function vaultDecrypts(
  count: number,
  turns: number,
): Promise<{ latencies: number[]; pairs: Paired[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-vault-'));
  const vault = openCredentialVault(
    loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, VAULT_BACKEND: 'embedded' }),
    () => undefined,
  );
  try {
    const ref = { workspaceId: 'bench', connectionId: 'github-main' };
    await vault.put(ref, SECRET);
    const reads = async (n: number) => {
      for (let index = 0; index < n; index++) {
        if ((await vault.get(ref)) !== SECRET) throw new Error('the vault answered another secret');
      }
      return n;
    };
    const decrypts = bareDecrypter(SECRET);
    await reads(1000);
    decrypts(1000);
    const latencies: number[] = [];
    for (let index = 0; index < count; index++) {
      const start = performance.now();
      await reads(1);
      latencies.push(sinceUs(start));
    }
    const pairs = await interleave(
      turns,
      () => measure(() => reads(VAULT_TURN)),
      () => measure(() => decrypts(VAULT_TURN)),
    );
    return { latencies, pairs };
  } finally {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Places holding the canary secret or a handed-out token: the log output (at debug), every event,
 * and the answers that never carry one (the credential's metadata, the lease list, the audit
 * events and export, /metrics). Each (secret, place) found counts one hit.
 */
async function canaryHits(stack: CredentialsStack, tokens: string[]): Promise<number> {
  const answers: string[] = [];
  for (const url of [
    `${ws}/connections/jira/credential`,
    `${ws}/connections/github-main/credential`,
    `${leases}?active=true`,
    `${ws}/audit/events`,
    `${ws}/audit/export?format=jsonl`,
  ]) {
    const reply = await stack.call('GET', url, 'root');
    if (reply.status !== 200) throw new Error(`${url}: ${reply.status} ${reply.raw}`);
    answers.push(reply.raw);
  }
  answers.push((await stack.app.inject({ method: 'GET', url: '/metrics' })).body);
  const places = {
    log: stack.logOutput(),
    events: JSON.stringify(await stack.allEvents()),
    answers: answers.join('\n'),
  };
  if (places.log.length === 0) throw new Error('no log output was captured');
  // The search means something only where the canary went through: stored, and leases recorded.
  if (!places.events.includes('"CredentialStored"') || !places.events.includes('"CredentialLeaseIssued"')) {
    throw new Error('the store lacks the credential or the leases the canary search is about');
  }
  // A token's signature is what a leak would show (its header and claims are public anyway).
  const secrets = [CANARY, ...tokens.slice(-200).map((token) => token.split('.')[2])];
  let hits = 0;
  for (const secret of secrets) {
    for (const text of Object.values(places)) if (text.includes(secret)) hits++;
  }
  return hits;
}

const cpuRatio = (pair: Paired) => pair.limit.cpuUsPerOperation / pair.mandate.cpuUsPerOperation;

/** The turns' medians, side by side, for the log. */
const medianPair = (pairs: Paired[]): Paired => {
  const side = (pick: (pair: Paired) => Throughput): Throughput => ({
    operations: pairs.reduce((sum, pair) => sum + pick(pair).operations, 0),
    perSecond: median(pairs.map((pair) => pick(pair).perSecond)),
    cpuUsPerOperation: median(pairs.map((pair) => pick(pair).cpuUsPerOperation)),
  });
  return { mandate: side((pair) => pair.mandate), limit: side((pair) => pair.limit) };
};

async function runOnce(stack: CredentialsStack, context: BenchContext) {
  const sequential = context.quick ? 50 : 1000;
  const turns = context.quick ? 4 : 10;
  const perTurn = context.quick ? 100 : LEASE_TURN;
  const tokens: string[] = [];
  await timeIssues(stack, context.quick ? 20 : 200, tokens);
  const latencies = await timeIssues(stack, sequential, tokens);
  const issues = await issuesBesideLimit(stack, turns, perTurn, tokens);
  const sign = await signUs(stack, sequential);
  const { latencies: decrypt, pairs: decrypts } = await vaultDecrypts(
    context.quick ? 200 : 2000,
    context.quick ? 2 : 20,
  );
  const hits = await canaryHits(stack, tokens);
  context.log(
    `${sequential} sequential + ${turns} × ${perTurn} concurrent leases; issue p50 ${percentile(latencies, 50).toFixed(2)} ms, sign p50 ${percentile(sign, 50).toFixed(1)} µs`,
  );
  const decryptCpu = decrypts.map(cpuRatio);
  context.log(
    `issues in ${issues.length} turns of ${perTurn}: ${describePair('median', medianPair(issues), 'leases/s')}, ` +
      `limit CPU ratio median ${median(issues.map(cpuRatio)).toFixed(2)}; vault reads in ${decrypts.length} turns of ${VAULT_TURN}: ` +
      `limit CPU ratio median ${median(decryptCpu).toFixed(2)} (${Math.min(...decryptCpu).toFixed(2)}–${Math.max(...decryptCpu).toFixed(2)}), ` +
      `rate ratio median ${median(decrypts.map((pair) => pair.mandate.perSecond / pair.limit.perSecond)).toFixed(2)}`,
  );
  return {
    issueP50: percentile(latencies, 50),
    issueP99: percentile(latencies, 99),
    issues,
    decrypts,
    signP50: percentile(sign, 50),
    decryptP50: percentile(decrypt, 50),
    decryptP99: percentile(decrypt, 99),
    hits,
  };
}

export const credentialsSuite = defineSuite({
  name: 'credentials',
  description:
    'Credential leases in process (fresh SQLite, embedded vault): mandate-jwt issue latency and throughput (16 concurrent), Ed25519 signing alone as the baseline, embedded vault decrypt, canary secret and tokens in logs, events and answers; GitHub leases through the lease workflow on Temporal and a GitHub stand-in: issue p99, lease end → revoked lag, tokens alive after their end',
  async run(context) {
    const stack = await startCredentialsStack();
    try {
      const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
      for (let run = 0; run < context.runs; run++) runs.push(await runOnce(stack, context));
      const med = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
      const upstream = await measureUpstream(context);
      return {
        lease_issue_mandate_jwt_p50_ms: metric(
          med((r) => r.issueP50),
          'ms',
          null,
          'lower',
        ),
        lease_issue_mandate_jwt_p99_ms: metric(
          med((r) => r.issueP99),
          'ms',
          10,
          'lower',
        ),
        // 16 callers at once, in turns with the floor (the same request to a bare Fastify route
        // that signs with node:crypto and appends);
        // the ratio is leases per CPU-second: a turn's rate is also the fsync's and the neighbours'.
        ...limitMetrics(
          runs.flatMap((r) => r.issues),
          {
            prefix: 'lease_issue',
            unit: '/s',
            operation: 'lease',
            // The absolute target (500/s) over the floor measured beside it (~1,860/s quiet).
            ratioTarget: 0.25,
            ratioOf: 'cpu',
            names: { value: 'lease_issues_per_s', limit: 'lease_issue_limit_per_s' },
          },
        ),
        jwt_sign_p50_us: metric(
          med((r) => r.signP50),
          'µs',
          null,
          'lower',
        ),
        // How many times the whole issue path costs what signing alone does (p50 over p50).
        issue_over_sign_ratio: metric(
          med((r) => (r.issueP50 * 1000) / r.signP50),
          'x',
          null,
          'lower',
        ),
        vault_decrypt_p50_us: metric(
          med((r) => r.decryptP50),
          'µs',
          null,
          'lower',
        ),
        vault_decrypt_p99_us: metric(
          med((r) => r.decryptP99),
          'µs',
          200,
          'lower',
        ),
        // Reads of a 2 KB secret in fine turns with bare AES-256-GCM decrypts of the same size;
        // the ratio is reads per CPU-second (a turn lasts a few ms: a scheduler slice lost to a
        // neighbour would set its rate, not the work).
        ...limitMetrics(
          runs.flatMap((r) => r.decrypts),
          {
            prefix: 'vault_decrypt',
            unit: 'reads/s',
            operation: 'read',
            ratioTarget: null,
            ratioOf: 'cpu',
          },
        ),
        canary_hits: metric(Math.max(...runs.map((r) => r.hits)), 'hits', 0, 'lower'),
        lease_issue_github_p99_ms: metric(upstream.githubIssueP99, 'ms', 100, 'lower'),
        revoke_lag_p99_ms: metric(upstream.revokeLagP99, 'ms', 2000, 'lower'),
        leases_alive_after_end: metric(upstream.aliveAfterEnd, 'leases', 0, 'lower'),
      };
    } finally {
      await stack.close();
    }
  },
});
