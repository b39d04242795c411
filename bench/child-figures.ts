import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Runs `node <args>` and returns the JSON it writes to its standard output: a measurement taken in
 * a process of its own (its peak RSS its own, nothing else on its heap). Its standard error is the
 * bench's, so its failures show.
 */
export async function figuresFromChild<T>(args: string[]): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`${args.find((arg) => arg.endsWith('.ts')) ?? 'the child'} exited with ${code}`);
  return JSON.parse(output) as T;
}
