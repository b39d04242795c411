import { loadConfig } from './load-config';
import { problemsOf, production } from './production-env.fixtures';

const openbao = { VAULT_BACKEND: 'openbao', VAULT_ADDR: 'https://bao.internal:8200', VAULT_TOKEN: 't' };

const postgres = { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://mandate@db.internal:5432/mandate' };

describe('loadConfig: event store', () => {
  it('given no store settings, when loading, then the embedded SQLite store on one node', () => {
    expect(loadConfig({})).toMatchObject({ EVENT_STORE: 'sqlite', MANDATE_NODES: 1 });
  });

  it('given EVENT_STORE=postgres without DATABASE_URL, when loading, then it refuses naming DATABASE_URL', () => {
    expect(problemsOf({ EVENT_STORE: 'postgres' })).toEqual([
      'DATABASE_URL: required when EVENT_STORE=postgres',
    ]);
    expect(loadConfig(postgres)).toMatchObject(postgres);
  });

  it('given a DATABASE_URL that is not a PostgreSQL URL, when loading, then it refuses naming it', () => {
    expect(problemsOf({ ...postgres, DATABASE_URL: 'mysql://db.internal/mandate' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: /),
    ]);
    expect(problemsOf({ ...postgres, DATABASE_URL: 'postgresql://db.internal/mandate' })).toEqual([]);
  });

  it('given EVENT_STORE=eventstoredb without its connection string, when loading, then it refuses naming it', () => {
    expect(problemsOf({ EVENT_STORE: 'eventstoredb' })).toEqual([
      'EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb',
    ]);
  });
});

describe('loadConfig: several nodes', () => {
  it('given SQLite declared on several nodes, when loading, then it refuses naming EVENT_STORE: a file is one machine', () => {
    expect(problemsOf({ ...openbao, MANDATE_NODES: '3' })).toEqual([
      expect.stringMatching(/^EVENT_STORE: sqlite .*MANDATE_NODES=3/),
    ]);
  });

  it('given the embedded vault declared on several nodes, when loading, then it refuses naming VAULT_BACKEND', () => {
    expect(problemsOf({ ...postgres, MANDATE_NODES: '2' })).toEqual([
      expect.stringMatching(/^VAULT_BACKEND: embedded .*MANDATE_NODES=2/),
    ]);
  });

  it('given a networked store and OpenBao on several nodes, when loading, then it is accepted', () => {
    expect(problemsOf({ ...postgres, ...openbao, MANDATE_NODES: '3' })).toEqual([]);
    expect(
      problemsOf({
        ...openbao,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
        MANDATE_NODES: '3',
      }),
    ).toEqual([]);
  });

  it('given a node count below one, when loading, then it refuses naming MANDATE_NODES', () => {
    expect(problemsOf({ MANDATE_NODES: '0' })).toEqual([expect.stringMatching(/^MANDATE_NODES: /)]);
  });
});

describe('loadConfig: keys in production', () => {
  it('given production with every key mounted, when loading, then it is accepted', () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it.each([
    'CHECKPOINT_SIGNING_KEY_PATH',
    'JIT_COMMAND_KEY_PATH',
    'GATEWAY_SESSION_KEY_PATH',
    'LEASE_SIGNING_KEYS_PATH',
    'VAULT_KEK_PATH',
  ] as const)(
    'given production without %s, when loading, then it refuses naming it: a key is never generated in production',
    (name) => {
      const { [name]: _missing, ...env } = production;

      expect(problemsOf(env)).toEqual([
        expect.stringMatching(new RegExp(`^${name}: required in production`)),
      ]);
    },
  );

  it('given production with OpenBao, when loading, then the embedded vault key is not asked for', () => {
    const { VAULT_KEK_PATH: _kek, ...env } = production;

    expect(
      problemsOf({
        ...env,
        VAULT_BACKEND: 'openbao',
        VAULT_ADDR: 'https://bao.internal:8200',
        VAULT_TOKEN: 't',
      }),
    ).toEqual([]);
  });

  it('given development without any key path, when loading, then it is accepted (keys are generated with a warning)', () => {
    expect(problemsOf({ NODE_ENV: 'development' })).toEqual([]);
  });
});

describe('loadConfig: the store over the network in production', () => {
  it('given production and a remote PostgreSQL without TLS, when loading, then it refuses naming DATABASE_URL; TLS or loopback is accepted', () => {
    expect(problemsOf({ ...production, ...postgres })).toEqual([
      expect.stringMatching(/^DATABASE_URL: plaintext to db\.internal is refused in production/),
    ]);
    expect(
      problemsOf({ ...production, ...postgres, DATABASE_URL: `${postgres.DATABASE_URL}?sslmode=disable` }),
    ).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    for (const sslmode of ['require', 'verify-ca', 'verify-full']) {
      expect(
        problemsOf({
          ...production,
          ...postgres,
          DATABASE_URL: `${postgres.DATABASE_URL}?sslmode=${sslmode}`,
        }),
      ).toEqual([]);
    }
    expect(
      problemsOf({ ...production, ...postgres, DATABASE_URL: 'postgres://mandate@127.0.0.1:5432/mandate' }),
    ).toEqual([]);
    expect(problemsOf(postgres)).toEqual([]);
  });

  it('given production and a remote EventStoreDB with tls=false, when loading, then it refuses naming EVENTSTORE_CONNECTION_STRING', () => {
    const esdb = (connection: string) => ({
      ...production,
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: connection,
    });

    expect(problemsOf(esdb('esdb://node1.internal:2113,node2.internal:2113?tls=false'))).toEqual([
      expect.stringMatching(
        /^EVENTSTORE_CONNECTION_STRING: plaintext to node1\.internal is refused in production/,
      ),
    ]);
    expect(problemsOf(esdb('esdb+discover://cluster.internal:2113?tlsCAFile=/certs/ca.crt'))).toEqual([]);
    expect(problemsOf(esdb('esdb://localhost:2113?tls=false'))).toEqual([]);
  });
});
