import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * Load generator, run as its own process so it never competes with the server for the same event
 * loop: `node -r ./scripts/register.js bench/load/autocannon.runner.ts <url> <seconds> <connections> [request.json]`.
 * The optional file describes the request (`{ method, headers, body }`); GET without one.
 * Prints one JSON line: requests/s (mean over the run), latency percentiles (ms), failures.
 */
export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function main(): void {
  const [url, seconds = '5', connections = '10', requestFile] = process.argv.slice(2);
  if (!url) throw new Error('usage: autocannon.runner.ts <url> [seconds] [connections] [request.json]');
  const request = requestFile
    ? (JSON.parse(readFileSync(requestFile, 'utf8')) as Pick<
        autocannon.Options,
        'method' | 'headers' | 'body'
      >)
    : {};
  autocannon(
    { url, duration: Number(seconds), connections: Number(connections), ...request },
    (error, result) => {
      if (error) throw error;
      const output: LoadResult = {
        rps: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      };
      process.stdout.write(`${JSON.stringify(output)}\n`);
    },
  );
}

main();
