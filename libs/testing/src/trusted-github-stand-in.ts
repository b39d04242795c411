import { Agent, request } from 'undici';
import { type GithubStandIn, standInGithubApp, startGithubStandIn } from './github-stand-in';
import { createTempDir, type TempDir } from './temp-dir';
import { createTestCertificateAuthority, type TestCertificateAuthority } from './test-certificate-authority';

export interface TrustedGithub {
  /** The test App: its installation on the stand-in and the credential an admin stores for it. */
  app: ReturnType<typeof standInGithubApp>;
  upstream: GithubStandIn;
  /** The run's CA, which signed the stand-in's certificate (`caCertPath` for a child process). */
  ca: TestCertificateAuthority;
  /** Trusts that CA: the dispatcher a worker or a test reaches the stand-in with. */
  trusting: Agent;
  dir: TempDir;
  /** What the stand-in answers a token at `/installation/repositories`: 200, or 401 once revoked. */
  use(token: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A GitHub stand-in over TLS with a certificate authority of the run's own (nothing trusts it but
 * the `trusting` agent), the test App installed on it.
 */
export async function startTrustedGithubStandIn(
  options: { dirPrefix?: string; repositories?: string[] } = {},
): Promise<TrustedGithub> {
  const app = standInGithubApp(options.repositories ? { repositories: options.repositories } : {});
  const dir = createTempDir(options.dirPrefix ?? 'mandate-github-');
  const ca = createTestCertificateAuthority(dir.path);
  const upstream = await startGithubStandIn({
    cert: ca.cert,
    key: ca.key,
    installations: [app.installation],
  });
  const trusting = new Agent({ connect: { ca: ca.caCert } });
  return {
    app,
    upstream,
    ca,
    trusting,
    dir,
    async use(token) {
      const { statusCode, body } = await request(`${upstream.baseUrl}/installation/repositories`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher: trusting,
      });
      await body.dump();
      return statusCode;
    },
    async close() {
      await trusting.close();
      await upstream.close();
      dir.remove();
    },
  };
}
