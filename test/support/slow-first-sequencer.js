import TestSequencer from '@jest/test-sequencer';

// Suites that mostly wait (a whole Dockerfile's steps, child processes): started first, they run
// beside the rest instead of after it. On a fresh clone jest has no timings of its own yet.
// offline-start runs `npm start` (a build, then Chromium): early, it also builds dist/ before
// simulate.test.ts's `npm run simulate` does, rather than at the same time on a fresh clone.
// long-run spends most of its time waiting on its heartbeat and database writes.
const SLOW_FIRST = ['docker/dockerfile.test.ts', 'cli/offline-start.test.ts', 'transports/long-run.test.ts', 'services/crash.test.ts', 'services/storage-guard.test.ts', 'cli/simulate.test.ts'];

const rank = (test) => {
  const index = SLOW_FIRST.findIndex((name) => test.path.endsWith(name));
  return index === -1 ? SLOW_FIRST.length : index;
};

export default class SlowFirstSequencer extends TestSequencer {
  async sort(tests) {
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}
