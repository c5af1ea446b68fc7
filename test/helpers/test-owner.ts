import { tempDir } from './temp-dir.js';

/** What owns a resource until its teardown: a tap test, passed whole so its method keeps its `this`. */
export interface TestOwner {
  teardown(fn: () => unknown): void;
}

/** A fresh temp directory, removed at `owner`'s teardown. */
export function ownTempDir(owner: TestOwner): string {
  return tempDir((fn) => {
    owner.teardown(fn);
  });
}
