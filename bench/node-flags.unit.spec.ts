import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_NODE_FLAGS } from './node-flags';

const ROOT = join(__dirname, '..');

describe('the V8 flags benchmarks measure Mandate with', () => {
  it('given the image, then its NODE_OPTIONS are exactly the flags the bench stacks give their processes', () => {
    // given the Dockerfile's environment
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const options = /^ENV NODE_OPTIONS=(.*)$/m.exec(dockerfile)?.[1];

    // then it holds the same flags
    expect(options?.split(/\s+/)).toEqual(IMAGE_NODE_FLAGS);
  });

  it('given npm run bench, then the bench process itself starts with them (the API it runs in process too)', () => {
    // given the script
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const args = scripts.bench.split(/\s+/);

    // then every flag is passed to node before the entry point
    for (const flag of IMAGE_NODE_FLAGS) expect(args.indexOf(flag)).toBeGreaterThan(0);
    expect(args.indexOf('bench/run.ts')).toBeGreaterThan(
      Math.max(...IMAGE_NODE_FLAGS.map((f) => args.indexOf(f))),
    );
  });
});
