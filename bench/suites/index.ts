import type { BenchSuite } from '../harness';
import { httpSuite } from './http.suite';
import { storeSuite } from './store.suite';

/** Every suite `npm run bench` knows; each lives in its own file under bench/suites/. */
export const suites: Record<string, BenchSuite> = {
  store: storeSuite,
  http: httpSuite,
};
