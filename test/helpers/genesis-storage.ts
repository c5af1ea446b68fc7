import { REGTEST } from '../../src/protocol/params.js';
import { applyGenesis } from '../../src/state/apply.js';
import { OverlayState } from '../../src/state/view.js';
import { Storage } from '../../src/storage/db.js';
import { tempDir } from './temp-dir.js';

export type Teardown = (fn: () => unknown) => void;

/** A fresh LMDB environment in a temp dir holding the regtest genesis state. */
export function genesisStorage(teardown: Teardown): Storage {
  const storage = Storage.open(tempDir(teardown));
  teardown(() => storage.close());
  const view = new OverlayState(storage.read.state);
  applyGenesis(view, REGTEST);
  storage.commit((tables) => {
    view.writeTo(tables.state);
  });
  return storage;
}
