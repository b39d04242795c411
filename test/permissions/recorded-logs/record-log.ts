import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdentityLog, openTestStore } from '../../../libs/projections/test/identity-log';
import { answersOf, projectionOf, T0, writeHistory } from './recorded-log.kit';

/**
 * Records the log and its answers once:
 * `node_modules/.bin/node -r ./scripts/register.js test/permissions/recorded-logs/record-log.ts <name>`.
 * A recorded log is evidence about the code that wrote it; do not record over one.
 */
async function main(name: string): Promise<void> {
  const dir = join(__dirname, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'events.sqlite');
  rmSync(path, { force: true });
  const clock = () => new Date(T0);
  const store = openTestStore({ path, clock });
  await writeHistory(new IdentityLog(store, clock));
  const answers = answersOf(await projectionOf(store));
  await store.close();
  writeFileSync(join(dir, 'answers.json'), `${JSON.stringify(answers, null, 1)}\n`);
}

void main(process.argv[2] ?? 'pre-bundles');
