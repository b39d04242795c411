/**
 * A second listener on a provisioned broker that speaks what production brokers do: TLS, with
 * clients proving who they are by SASL (PLAIN, or SCRAM-SHA-256 whose credentials are written at
 * format time, as KRaft requires). The plaintext listener stays for the rest of the run; this one
 * exists so that Mandate's own client options (`kafkaSecurity`) are tested against a real broker.
 */
export interface SecuredListenerOptions {
  /** Free port for the `SASL_SSL` listener. */
  port: number;
  /** PEM file holding the broker's private key (PKCS#8, unencrypted) followed by its certificate. */
  keyStorePemPath: string;
  /** Users the PLAIN mechanism accepts: name → password. */
  plainUsers: Readonly<Record<string, string>>;
  /** Users the SCRAM-SHA-256 mechanism accepts: name → password (stored salted by the broker). */
  scramUsers: Readonly<Record<string, string>>;
}

const LISTENER = 'SASL_SSL';

/** Kafka's JAAS values are double-quoted strings: a quote or backslash in a password would end it. */
function jaasValue(value: string): string {
  if (/["\\\n]/.test(value))
    throw new Error('a Kafka test credential may not hold a quote, backslash or newline');
  return `"${value}"`;
}

/** The listener's part of `listeners`, for the broker's own line. */
export const securedListener = (host: string, options: SecuredListenerOptions): string =>
  `${LISTENER}://${host}:${options.port}`;

/** server.properties lines that configure the secured listener (appended to the broker's own). */
export function securedListenerProperties(options: SecuredListenerOptions): string[] {
  const plainUsers = Object.entries(options.plainUsers)
    .map(([name, password]) => `user_${name}=${jaasValue(password)}`)
    .join(' ');
  const prefix = `listener.name.${LISTENER.toLowerCase()}`;
  return [
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256',
    `${prefix}.ssl.keystore.type=PEM`,
    `${prefix}.ssl.keystore.location=${options.keyStorePemPath}`,
    `${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    `${prefix}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
  ];
}

/** `kafka-storage format` arguments that store the SCRAM users before the broker first starts. */
export function scramFormatArguments(options: SecuredListenerOptions): string[] {
  return Object.entries(options.scramUsers).flatMap(([name, password]) => [
    '--add-scram',
    `SCRAM-SHA-256=[name=${name},password=${jaasValue(password)}]`,
  ]);
}

export const securedListenerSecurityMap = `${LISTENER}:${LISTENER}`;
