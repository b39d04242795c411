import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, isPortFree } from './free-port';
import { newKafkaClusterId } from './kafka-cluster-id';
import {
  scramFormatArguments,
  securedListener,
  securedListenerProperties,
  securedListenerSecurityMap,
  type SecuredListenerOptions,
} from './kafka-secured-listener';
import { ManagedProcess } from './managed-process';
import { mandateHome, repoRoot } from './paths';
import { ProvisioningError, type ProvisioningAttempt } from './provisioning-error';
import { findOnPath, runCommand, tail } from './run-command';

const pomFile = join(repoRoot, 'infra', 'kafka', 'pom.xml');
const log4jFile = join(repoRoot, 'infra', 'kafka', 'log4j.properties');
const kafkaHome = join(mandateHome, 'kafka');

export interface KafkaOptions {
  env?: NodeJS.ProcessEnv;
  /** Keep the broker's data across runs (`npm start`, `infra up`); a throwaway dir when false. */
  persistent?: boolean;
  /** Fixed ports (`npm start`); free ones are picked when absent. */
  port?: number;
  controllerPort?: number;
  /** Own data directory, kept on stop so a broker restarted on it (same ports) finds its topics. */
  dataDir?: string;
  /** Also listen with TLS + SASL (tests of Mandate's secured client options). */
  secured?: SecuredListenerOptions;
  log?: (line: string) => void;
}

export interface ProvidedKafka {
  brokers: string;
  source: 'KAFKA_BROKERS' | 'maven';
  /** The TLS + SASL listener, when `secured` was asked for. */
  securedBrokers?: string;
  /** The broker's JVM, when started here (outage tests kill it). */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * Provides a Kafka broker: the one(s) in KAFKA_BROKERS when set; else a single KRaft broker run
 * from Apache Kafka's own jars, resolved from Maven Central through `infra/kafka/pom.xml`.
 */
export async function provideKafka(options: KafkaOptions = {}): Promise<ProvidedKafka> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (env.KAFKA_BROKERS) {
    log(`kafka: using KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
    return { brokers: env.KAFKA_BROKERS, source: 'KAFKA_BROKERS', stop: async () => undefined };
  }
  const jars = await resolveKafkaJars({ env, log });
  return startBroker(jars, options, env, log);
}

/** The folder holding the broker's jars, fetched once per pom content (`infra -- install`). */
export async function resolveKafkaJars({
  env = process.env,
  log = () => undefined,
}: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<string> {
  const pomHash = createHash('sha256').update(readFileSync(pomFile)).digest('hex').slice(0, 12);
  const jars = join(kafkaHome, `jars-${pomHash}`);
  if (existsSync(join(jars, '.complete'))) return jars;

  const attempts: ProvisioningAttempt[] = [
    {
      way: 'KAFKA_BROKERS (existing brokers)',
      outcome: 'not set',
      fix: 'set KAFKA_BROKERS=host:port[,host:port] of a running Kafka',
    },
  ];
  const java = findOnPath('java', env);
  const mvn = findOnPath('mvn', env);
  if (!java || !mvn) {
    attempts.push({
      way: `Apache Kafka jars from Maven Central (${pomFile})`,
      outcome: `${[!java && 'java', !mvn && 'mvn'].filter(Boolean).join(' and ')} not found on PATH`,
      fix: 'install a Java 17+ runtime and Maven (e.g. `apt-get install openjdk-17-jre-headless maven`)',
    });
    throw new ProvisioningError('Kafka', attempts);
  }
  log(`kafka: resolving broker jars from Maven Central into ${jars}`);
  const staging = `${jars}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const copied = await runCommand(
    mvn,
    ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`],
    { env },
  );
  if (copied.code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    attempts.push({
      way: `Apache Kafka jars from Maven Central (mvn -f ${pomFile} dependency:copy-dependencies)`,
      outcome: `mvn failed:\n${tail(copied.output)}`,
      fix: 'make Maven Central reachable (or configure a mirror in ~/.m2/settings.xml), then retry',
    });
    throw new ProvisioningError('Kafka', attempts);
  }
  writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
  // Another run may have finished first; either copy is complete and identical.
  if (existsSync(join(jars, '.complete'))) rmSync(staging, { recursive: true, force: true });
  else {
    rmSync(jars, { recursive: true, force: true });
    renameSync(staging, jars);
  }
  return jars;
}

async function startBroker(
  jars: string,
  options: KafkaOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<ProvidedKafka> {
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const controllerPort = options.controllerPort ?? (await freePort(host));
  for (const value of [port, controllerPort]) {
    if (!(await isPortFree(value, host))) {
      throw new ProvisioningError('Kafka', [
        {
          way: `local KRaft broker from ${jars}`,
          outcome: `port ${host}:${value} is already in use`,
          fix: `stop what listens there, or set KAFKA_BROKERS=${host}:${port} if it is a Kafka broker you want to use`,
        },
      ]);
    }
  }
  removeAbandonedRuns();
  const dataDir = options.dataDir
    ? options.dataDir
    : options.persistent
      ? join(kafkaHome, 'data')
      : join(kafkaHome, 'runs', `${port}-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const propertiesFile = join(dataDir, 'server.properties');
  writeFileSync(
    propertiesFile,
    serverProperties({ host, port, controllerPort, logDir: join(dataDir, 'log'), secured: options.secured }),
  );

  const java = findOnPath('java', env) ?? 'java';
  const classpath = join(jars, '*');
  const jvm = ['-Xmx512m', '-Xms128m', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4jFile}`];
  if (!existsSync(join(dataDir, 'log', 'meta.properties'))) {
    const clusterId = newKafkaClusterId();
    const formatted = await runCommand(java, [
      ...jvm,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propertiesFile,
      ...(options.secured ? scramFormatArguments(options.secured) : []),
    ]);
    if (formatted.code !== 0)
      throw new Error(`kafka: formatting ${dataDir} failed:\n${tail(formatted.output)}`);
  }

  const brokers = `${host}:${port}`;
  log(`kafka: starting a KRaft broker on ${brokers} (data ${dataDir})`);
  const broker = ManagedProcess.start({
    name: 'kafka',
    command: java,
    args: [...jvm, '-cp', classpath, 'kafka.Kafka', propertiesFile],
    logFile: join(mandateHome, 'logs', `kafka-${port}.log`),
    stopGraceMs: 20_000,
  });
  const stop = async () => {
    await broker.stop();
    if (!options.persistent && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await broker.waitUntilReady(() => kafkaRoundTrip(brokers), { timeoutMs: 120_000, intervalMs: 500 });
  } catch (error) {
    await stop();
    throw error;
  }
  log(`kafka: ready on ${brokers}`);
  const securedBrokers = options.secured ? `${host}:${options.secured.port}` : undefined;
  return { brokers, source: 'maven', pid: broker.pid, stop, securedBrokers };
}

/** Throwaway data dirs are named `<port>-<pid>`; those whose owner died without cleaning go. */
function removeAbandonedRuns(): void {
  const runs = join(kafkaHome, 'runs');
  if (!existsSync(runs)) return;
  for (const name of readdirSync(runs)) {
    const owner = Number(name.split('-')[1]);
    if (owner > 0 && !isAlive(owner)) rmSync(join(runs, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface BrokerProperties {
  host: string;
  port: number;
  controllerPort: number;
  logDir: string;
  secured?: SecuredListenerOptions;
}

function serverProperties(p: BrokerProperties): string {
  const secured = p.secured;
  const listeners = [
    `PLAINTEXT://${p.host}:${p.port}`,
    ...(secured ? [securedListener(p.host, secured)] : []),
  ];
  const securityMap = [
    'PLAINTEXT:PLAINTEXT',
    'CONTROLLER:PLAINTEXT',
    ...(secured ? [securedListenerSecurityMap] : []),
  ];
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${p.host}:${p.controllerPort}`,
    `listeners=${listeners.join(',')},CONTROLLER://${p.host}:${p.controllerPort}`,
    `advertised.listeners=${listeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=${securityMap.join(',')}`,
    `log.dirs=${p.logDir}`,
    'num.partitions=1',
    // One broker: internal topics cannot be replicated, and consumers should not wait for peers.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    ...(secured ? securedListenerProperties(secured) : []),
    '',
  ].join('\n');
}

/**
 * Ready means usable the way Mandate uses it: a topic can be created, a message produced and then
 * consumed by a consumer group (which needs the group coordinator up).
 */
export function kafkaRoundTrip(brokers: string, timeoutMs = 30_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'mandate-readiness',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 2 },
  });
  return kafkaRoundTripWith(kafka, timeoutMs);
}

/** The same round trip through a client configured elsewhere (TLS and SASL included). */
export async function kafkaRoundTripWith(kafka: Kafka, timeoutMs = 30_000): Promise<boolean> {
  const topic = `mandate-readiness-${randomBytes(4).toString('hex')}`;
  const value = randomBytes(8).toString('hex');
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ value }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed in time')), timeoutMs);
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() === value) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    return true;
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
}
