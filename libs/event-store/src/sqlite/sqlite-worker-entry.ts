import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts one of the store's threads (`<name>.worker`, next to this file). Compiled (`dist/`), the
 * thread runs the compiled entry; from the sources (npm start, tests, benchmarks) it loads the
 * same register hook as every entry point first.
 */
export function startSqliteWorker(name: string, workerData: unknown): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `${name}.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const register = join(__dirname, '..', '..', '..', '..', 'scripts', 'register.js');
  const source = `require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`;
  return new Worker(source, { eval: true, workerData, execArgv: [] });
}
