import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate authority made for one test run, and a server certificate it signed for 127.0.0.1. */
export interface TestCertificateAuthority {
  /** The CA's certificate (PEM): what a client is told to trust, instead of the system's CAs. */
  caCert: string;
  /** Its file: `NODE_EXTRA_CA_CERTS` for a process that should trust it. */
  caCertPath: string;
  /** The server's certificate and key (PEM), and their files (for servers run as processes). */
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

const openssl = (args: string[]): void => {
  execFileSync('openssl', args, { stdio: 'ignore' });
};

/**
 * Stands in for the upstream's public CA: a fresh P-256 CA (valid one day) and a server
 * certificate for `127.0.0.1` and `localhost` signed by it, written under `dir`. Clients trust the
 * CA through their own options (an undici Agent's `connect.ca`), so verification stays on.
 */
export function createTestCertificateAuthority(dir: string): TestCertificateAuthority {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca-key.pem'),
    '-out',
    file('ca-cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=Mandate test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl([
    'req',
    ...ec,
    '-keyout',
    file('server-key.pem'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca-cert.pem'),
    '-CAkey',
    file('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server-cert.pem'),
  ]);
  return {
    caCert: readFileSync(file('ca-cert.pem'), 'utf8'),
    caCertPath: file('ca-cert.pem'),
    cert: readFileSync(file('server-cert.pem'), 'utf8'),
    key: readFileSync(file('server-key.pem'), 'utf8'),
    certPath: file('server-cert.pem'),
    keyPath: file('server-key.pem'),
  };
}
