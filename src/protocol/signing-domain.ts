// Signature domains (PROTOCOL.md §2.6): every signed message is
// ASCII("ALTO/" ‖ chainId ‖ "/" ‖ purpose) ‖ payload, nothing in between.
// The purposes are prefix-free, so a signature for one purpose never verifies
// as another, and the chain id keeps signatures from crossing networks.

export type SigningPurpose = 'tx' | 'micro' | 'endorse' | 'play';

const ENCODER = new TextEncoder();

/** "ALTO/<chainId>/<purpose>" ‖ each payload part, concatenated. */
export function domainMessage(
  chainId: string,
  purpose: SigningPurpose,
  ...payload: readonly Uint8Array[]
): Uint8Array {
  const domain = ENCODER.encode(`ALTO/${chainId}/${purpose}`);
  const message = new Uint8Array(payload.reduce((sum, part) => sum + part.length, domain.length));
  message.set(domain);
  let at = domain.length;
  for (const part of payload) {
    message.set(part, at);
    at += part.length;
  }
  return message;
}
