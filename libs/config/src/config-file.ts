import { readFileSync } from 'node:fs';
import { ConfigError } from './load-config';

/**
 * Reads a file a variable names (a certificate, a key, a password) when a client is built at start.
 * An unreadable or empty file stops the process naming the variable; the message names the path,
 * never what the file holds.
 */
export function readConfigFile(path: string, variable: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`${variable}: cannot read ${path} (${code})`]);
  }
  if (content.toString('utf8').trim() === '') throw new ConfigError([`${variable}: ${path} is empty`]);
  return content;
}
