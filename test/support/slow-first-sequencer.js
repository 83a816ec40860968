import TestSequencer from '@jest/test-sequencer';

// Suites that mostly wait (a whole Dockerfile's steps, child processes): started first, they run
// beside the rest instead of after it. On a fresh clone jest has no timings of its own yet.
const SLOW_FIRST = ['docker/dockerfile.test.ts', 'services/crash.test.ts', 'services/storage-guard.test.ts', 'cli/simulate.test.ts'];

const rank = (test) => {
  const index = SLOW_FIRST.findIndex((name) => test.path.endsWith(name));
  return index === -1 ? SLOW_FIRST.length : index;
};

export default class SlowFirstSequencer extends TestSequencer {
  async sort(tests) {
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}
