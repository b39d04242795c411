import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from './config.schema';

const ROOT = join(__dirname, '..', '..', '..');

describe('docs/configuration.md', () => {
  const rows = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8')
    .split('\n')
    .map((line) => /^\|\s*`([A-Z0-9_]+)`\s*\|/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));

  it('has one row for every configuration variable, and none for variables that do not exist', () => {
    const variables = Object.keys(configSchema.shape);

    expect([...rows].sort()).toEqual([...variables].sort());
  });
});

describe('README.md configuration table', () => {
  const section =
    readFileSync(join(ROOT, 'README.md'), 'utf8').split('## Configuration')[1]?.split('\n## ')[0] ?? '';
  // The first cell of each table row names the variables (`A`, `B`).
  const named = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]));

  it('names only variables the configuration schema knows', () => {
    const variables = new Set(Object.keys(configSchema.shape));

    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !variables.has(name))).toEqual([]);
  });
});
