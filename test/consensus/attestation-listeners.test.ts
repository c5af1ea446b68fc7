// attestationListeners (decision 196): the listener of each attestation is
// the account of its listener_key (§4.9), hashed once per decoded report and
// shared by the fatal rules and the counted-play effects.
import fc from 'fast-check';
import { test } from 'tap';
import { attestationListeners } from '../../src/consensus/attestation.js';
import { accountId } from '../../src/protocol/address.js';
import type { PayloadOf } from '../../src/protocol/tx.js';
import { payloadOfType } from '../helpers/arbitraries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('each attestation’s listener is the account of its key, in list order, for the report it was asked of', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(payloadOfType[8]!, (payload) => {
        const report = payload as PayloadOf<8>;
        const accounts = attestationListeners(report).map(hex);
        const expected = report.attestations.map((a) => hex(accountId(a.listenerKey)));
        // A report with other attestations is another object: never the first one's accounts.
        const other = { ...report, attestations: [...report.attestations].reverse() };
        return (
          JSON.stringify(accounts) === JSON.stringify(expected) &&
          attestationListeners(report) === attestationListeners(report) &&
          JSON.stringify(attestationListeners(other).map(hex)) === JSON.stringify([...expected].reverse())
        );
      }),
      { numRuns: 200 },
    );
  });
});
