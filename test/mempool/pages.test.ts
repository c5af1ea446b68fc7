import fc from 'fast-check';
import { test } from 'tap';
import { feeRatePage, type PageCursor, type Pageable } from '../../src/mempool/pages.js';

/** Just what paging reads of an entry. */
const entry = (fee: bigint, size: number, idHex: string): Pageable => ({ tx: { fee }, size, idHex });

test('GET /mempool pages: walked with their cursors, the pages are the whole pool by fee rate, highest first, ties by id', async (t) => {
  const arb = fc.array(
    fc.record({ fee: fc.bigInt({ min: 0n, max: 5000n }), size: fc.integer({ min: 100, max: 400 }) }),
    { maxLength: 300 },
  );
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 50 }), (raw, limit) => {
        const pool = raw.map((r, i) => entry(r.fee, r.size, i.toString(16).padStart(64, '0')));
        const expected = [...pool]
          .sort((a, b) => {
            const left = a.tx.fee * BigInt(b.size);
            const right = b.tx.fee * BigInt(a.size);
            return left > right ? -1 : left < right ? 1 : a.idHex < b.idHex ? -1 : 1;
          })
          .map((e) => e.idHex);
        const walked: string[] = [];
        let after: PageCursor | undefined;
        for (;;) {
          const page = feeRatePage(pool, limit, after);
          if (page.entries.length > limit) return false;
          walked.push(...page.entries.map((e) => e.idHex));
          if (page.next === null) break;
          after = page.next;
        }
        return JSON.stringify(walked) === JSON.stringify(expected);
      }),
      { numRuns: 300 },
    );
  });
});
