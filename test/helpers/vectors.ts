import { readFileSync } from 'node:fs';

/** One entry of test/vectors/yespower.json (a copy of shared/vectors/yespower.json). */
export interface YespowerFileVector {
  readonly N: number;
  readonly r: number;
  /** Hex, or null for no personalization. */
  readonly pers: string | null;
  readonly input: string;
  readonly hash: string;
}

export const yespowerFile = JSON.parse(
  readFileSync(new URL('../vectors/yespower.json', import.meta.url), 'utf8'),
) as { readonly reference: readonly YespowerFileVector[]; readonly alto: readonly YespowerFileVector[] };
