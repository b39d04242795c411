import { createHmac, randomBytes } from 'node:crypto';
import {
  refText,
  VaultError,
  type CredentialVault,
  type SecretMetadata,
  type SecretRef,
  type StoredVersion,
} from './credential-vault.port';

export interface OpenBaoVaultOptions {
  /** VAULT_ADDR, e.g. `https://bao.internal:8200`. */
  address: string;
  /** VAULT_TOKEN: a token whose policy allows the KV v2 paths below `mandate/`. */
  token: string;
  /** The KV v2 mount (VAULT_KV_MOUNT, `secret` by default). */
  mount?: string;
  timeoutMs?: number;
}

interface KvData {
  data: { value: string; fingerprint: string };
  metadata: { version: number; created_time: string };
}

/** Workspace ids are identifiers (no `_`), so this path never meets a connection's. */
const FINGERPRINT_KEY_PATH = 'mandate/_vault/fingerprint-key';

/**
 * OpenBao (or HashiCorp Vault) KV v2 over its HTTP API: OpenBao encrypts at rest, versions and
 * destroys. Secrets live at `<mount>/data/mandate/<workspace>/<connection>`; the fingerprint key is
 * one more KV secret, created once. Destroy deletes the metadata, i.e. every version for good.
 */
export class OpenBaoVault implements CredentialVault {
  private readonly base: string;
  private fingerprintKey: Promise<Buffer> | undefined;

  constructor(private readonly options: OpenBaoVaultOptions) {
    this.base = `${options.address.replace(/\/+$/, '')}/v1/${encodeURIComponent(options.mount ?? 'secret')}`;
  }

  async put(ref: SecretRef, secret: string): Promise<StoredVersion> {
    const fingerprint = await this.fingerprint(secret);
    const response = await this.call('POST', `data/${pathOf(ref)}`, {
      data: { value: secret, fingerprint },
    });
    const written = (await response.json()) as { data: { version: number; created_time: string } };
    return { version: written.data.version, fingerprint, createdAt: isoOf(written.data.created_time) };
  }

  async get(ref: SecretRef, version?: number): Promise<string | undefined> {
    return (await this.read(ref, version))?.data.value;
  }

  async metadata(ref: SecretRef): Promise<SecretMetadata | undefined> {
    const response = await this.call('GET', `metadata/${pathOf(ref)}`, undefined, [404]);
    if (response.status === 404) return undefined;
    const body = (await response.json()) as {
      data: {
        current_version: number;
        versions: Record<string, { destroyed: boolean; deletion_time: string }>;
      };
    };
    const live = Object.entries(body.data.versions)
      .filter(([, version]) => !version.destroyed && !version.deletion_time)
      .map(([version]) => Number(version))
      .sort((a, b) => a - b);
    const versions: StoredVersion[] = [];
    for (const version of live) {
      const stored = await this.read(ref, version);
      if (!stored) continue;
      versions.push({
        version,
        fingerprint: stored.data.fingerprint,
        createdAt: isoOf(stored.metadata.created_time),
      });
    }
    if (versions.length === 0) return undefined;
    return { currentVersion: versions[versions.length - 1].version, versions };
  }

  async destroy(ref: SecretRef): Promise<void> {
    await this.call('DELETE', `metadata/${pathOf(ref)}`, undefined, [404]);
  }

  async fingerprint(secret: string): Promise<string> {
    this.fingerprintKey ??= this.loadFingerprintKey().catch((error: unknown) => {
      this.fingerprintKey = undefined;
      throw error;
    });
    const key = await this.fingerprintKey;
    return `hmac-sha256:${createHmac('sha256', key).update(secret, 'utf8').digest('base64url')}`;
  }

  async close(): Promise<void> {
    // Stateless over HTTP: nothing to release.
  }

  private async read(ref: SecretRef, version?: number): Promise<KvData | undefined> {
    const query = version === undefined ? '' : `?version=${version}`;
    const response = await this.call('GET', `data/${pathOf(ref)}${query}`, undefined, [404]);
    if (response.status === 404) return undefined;
    const body = (await response.json()) as { data: KvData | null };
    if (!body.data?.data || typeof body.data.data.value !== 'string') {
      throw new VaultError('vault-secret-unreadable', `secret ${refText(ref)} holds no value`);
    }
    return body.data;
  }

  /** Created once with check-and-set 0, so concurrent first starts agree on one key. */
  private async loadFingerprintKey(): Promise<Buffer> {
    const path = `data/${FINGERPRINT_KEY_PATH}`;
    const existing = await this.call('GET', path, undefined, [404]);
    if (existing.status !== 404) {
      const body = (await existing.json()) as { data: { data: { key: string } } };
      return Buffer.from(body.data.data.key, 'base64');
    }
    const created = await this.call(
      'POST',
      path,
      { data: { key: randomBytes(32).toString('base64') }, options: { cas: 0 } },
      [400],
    );
    // 400: another process won the check-and-set; its key is the one.
    if (created.status === 400) return this.loadFingerprintKey();
    return this.loadFingerprintKey();
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    allowed: number[] = [],
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/${path}`, {
        method,
        headers: { 'X-Vault-Token': this.options.token, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new VaultError(
        'vault-unavailable',
        `OpenBao at ${this.options.address} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.ok || allowed.includes(response.status)) return response;
    // The error body names the path and the reason; it never holds the secret we sent.
    await response.body?.cancel();
    throw new VaultError(
      response.status === 403 ? 'vault-key-mismatch' : 'vault-unavailable',
      `OpenBao refused ${method} ${path.split('?')[0]}: HTTP ${response.status}`,
    );
  }
}

const pathOf = (ref: SecretRef): string =>
  `mandate/${encodeURIComponent(ref.workspaceId)}/${encodeURIComponent(ref.connectionId)}`;

/** OpenBao reports nanoseconds; events and responses carry milliseconds. */
const isoOf = (time: string): string => new Date(time).toISOString();
