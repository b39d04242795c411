import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { buildProgram } from '../main';

describe('mandate token', () => {
  const env = {
    AUTH_MODE: 'dev',
    AUTH_DEV_KEY_PATH: join(mkdtempSync(join(tmpdir(), 'mandate-cli-')), 'key.json'),
  };
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = process.env;
    process.env = { ...saved, ...env };
  });
  afterEach(() => {
    process.env = saved;
    jest.restoreAllMocks();
  });

  const run = async (...args: string[]): Promise<string> => {
    let out = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
    const program = buildProgram();
    for (const command of [program, ...program.commands]) {
      command.exitOverride().configureOutput({ writeErr: () => undefined });
    }
    await program.parseAsync(['node', 'mandate', 'token', ...args]);
    return out.trim();
  };

  it('prints a token the API accepts, for the principal, kind and scopes asked', async () => {
    const token = await run(
      '--sub',
      'tool-gateway',
      '--kind',
      'service',
      '--scope',
      'check',
      '--scope',
      'audit',
    );

    const verifier = await createTokenVerifier(loadConfig({ ...env }));
    await expect(verifier.verify(token)).resolves.toEqual({
      id: 'tool-gateway',
      kind: 'service',
      scopes: ['check', 'audit'],
    });
  });

  it('refuses an unknown kind or a malformed ttl', async () => {
    await expect(run('--sub', 'alice', '--kind', 'robot')).rejects.toThrow(/robot/);
    await expect(run('--sub', 'alice', '--ttl', 'soon')).rejects.toThrow(/span/);
  });

  it('refuses when AUTH_MODE is not dev', async () => {
    process.env = {
      ...process.env,
      AUTH_MODE: 'jwks',
      AUTH_JWKS_URL: 'https://idp.example/jwks.json',
      AUTH_ISSUER: 'https://idp.example',
      AUTH_AUDIENCE: 'mandate',
    };

    await expect(run('--sub', 'alice')).rejects.toThrow(/AUTH_MODE=dev/);
  });
});
