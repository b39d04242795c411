// Integration and end-to-end tests run against real servers. Without them a test must fail at
// once with directions, never skip or hang on a connection timeout.
const missing = ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(
    `${missing.join(' and ')} not set: integration and end-to-end tests need real servers. ` +
      'Run them via `npm test` (it provisions local Temporal and Kafka), or set TEMPORAL_ADDRESS/KAFKA_BROKERS; ' +
      'start them with `npm run infra -- up` and `eval "$(npm run -s infra -- env)"` in the test shell.',
  );
}
