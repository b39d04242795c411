import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken, type PrincipalKind, type WorkspaceRoleResolver } from '@mandate/auth';
import { loadConfig, type AppConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';

export interface TestApi {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Every line the app logged, parsed (a non-JSON line fails the parse). */
  logLines: () => Array<Record<string, unknown>>;
  rawLog: () => string;
  token: (sub: string, options?: { kind?: PrincipalKind; scopes?: string[] }) => Promise<string>;
}

/** An API on a fresh data directory and dev key, logging at debug into memory. */
export async function startTestApi(
  env: Record<string, string> = {},
  overrides: {
    roleResolver?: WorkspaceRoleResolver;
    imports?: ModuleMetadata['imports'];
    consoleDir?: string;
  } = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-api-'));
  const config = loadConfig({
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(dir, 'dev-keys', 'key.json'),
    LOG_LEVEL: 'debug',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    ...(process.env.KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS } : {}),
    ...env,
  });
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: config.LOG_LEVEL, destination });
  const app = await createApiApp(config, { logger, ...overrides });
  const rawLog = () => chunks.join('');
  return {
    app,
    config,
    rawLog,
    logLines: () =>
      rawLog()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    token: (sub, options = {}) =>
      mintDevToken({ sub, kind: options.kind ?? 'user', scopes: options.scopes ?? [], ttl: '5m' }, config),
  };
}
