import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestStore } from '../../../libs/projections/test/identity-log';
import { answersOf, projectionOf, type RecordedAnswers } from './recorded-log.kit';

// Recorded with record-log.ts before bundles and scopes existed (the baseline was then the only
// workspace-wide allow); nothing in the log is rewritten to read it now.
const recorded = join(__dirname, 'pre-bundles');

describe('a log recorded before bundles and scopes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mandate-recorded-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given the recorded log, when the current code replays it, then every check, identity and boundary check answers as recorded', async () => {
    // given the log as it was written (a copy: opening it must not touch the fixture)
    const path = join(dir, 'events.sqlite');
    copyFileSync(join(recorded, 'events.sqlite'), path);
    const store = openTestStore({ path });
    const expected = JSON.parse(readFileSync(join(recorded, 'answers.json'), 'utf8')) as RecordedAnswers;

    // when the current projection is built from it
    const answers = answersOf(await projectionOf(store));
    await store.close();

    // then every answer holds what was recorded (answers may carry new optional fields, never other values)
    expect(answers.checks).toHaveLength(expected.checks.length);
    expect(answers).toMatchObject(expected);
  });
});
