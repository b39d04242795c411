import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, ROOT } from './build';

describe('npm run build', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'mandate-build-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('given an entry point importing @mandate libraries, when compiled, then the aliases become paths relative to its place under dist', async () => {
    await compile([join(ROOT, 'apps', 'api', 'src', 'main.ts')], out);

    const code = readFileSync(join(out, 'apps', 'api', 'src', 'main.js'), 'utf8');
    expect(code).toContain('require("../../../libs/config/src")');
    expect(code).not.toContain('@mandate/');
    expect(code).toContain('//# sourceMappingURL=main.js.map');
  });

  it('given a Nest provider, when compiled, then its constructor parameter types are emitted for injection', async () => {
    await compile([join(ROOT, 'apps', 'api', 'src', 'access', 'temporal-client.provider.ts')], out);

    const code = readFileSync(
      join(out, 'apps', 'api', 'src', 'access', 'temporal-client.provider.js'),
      'utf8',
    );
    expect(code).toContain('"design:paramtypes"');
  });

  it('given a file importing a package a configuration may not use (kafkajs), when compiled, then the package is required where first used and not when the file loads', async () => {
    await compile([join(ROOT, 'libs', 'kafka', 'src', 'kafka-client.ts')], out);

    const code = readFileSync(join(out, 'libs', 'kafka', 'src', 'kafka-client.js'), 'utf8');
    expect(code).not.toMatch(/^const \w+ = require\("kafkajs"\);$/m);
    expect(code).toMatch(/function _kafkajs\(\) \{\s+const data = require\("kafkajs"\);/);
  });
});
