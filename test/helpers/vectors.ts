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

/** One entry of test/vectors/lwma.json: the key blocks K[parentHeight − 90 .. parentHeight] and NextBits. */
export interface LwmaFileVector {
  readonly name: string;
  readonly parentHeight: number;
  readonly window: readonly { readonly time: number; readonly bits: string }[];
  readonly nextBits: string;
}

export const lwmaFile = JSON.parse(
  readFileSync(new URL('../vectors/lwma.json', import.meta.url), 'utf8'),
) as { readonly about: string; readonly vectors: readonly LwmaFileVector[] };
