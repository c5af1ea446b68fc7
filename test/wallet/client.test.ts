import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { NodeClient } from '../../src/wallet/client.js';
import { StubNode } from '../helpers/stub-node.js';
import type { TestOwner } from '../helpers/test-owner.js';

/** A server that answers every request with `answer`, or never when it is undefined. */
async function server(owner: TestOwner, answer?: { status: number; body: string }): Promise<string> {
  const s = createServer((_req, res) => {
    if (answer !== undefined) res.writeHead(answer.status).end(answer.body);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  owner.teardown(
    () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => {
          resolve();
        });
      }),
  );
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

test('a node that never answers: NodeUnreachableError once the request timeout passes', async (t) => {
  const url = await server(t);
  const client = new NodeClient({ url, timeoutMs: 50 });
  await t.rejects(client.status(), {
    name: 'NodeUnreachableError',
    url,
    message: `the node at ${url} did not answer GET /status within 0.05 s`,
  });
});

test("the caller's abort passes through as the abort, not as an unreachable node", async (t) => {
  const url = await server(t);
  const controller = new AbortController();
  const client = new NodeClient({ url, signal: controller.signal });
  const pending = client.status();
  controller.abort();
  await t.rejects(pending, { name: 'AbortError' });
});

test('bad-response: an answer that is not JSON, or lacks a field', async (t) => {
  const html = await server(t, { status: 200, body: '<html>' });
  await t.rejects(new NodeClient({ url: html }).status(), {
    name: 'ApiError',
    status: 200,
    code: 'bad-response',
    message: /not JSON/,
  });
  const negative = await server(t, {
    status: 200,
    body: '{"address":"x","balance":"-1","nonce":"0","nextNonce":"0","unmatured":"0"}',
  });
  await t.rejects(new NodeClient({ url: negative }).account('x'), {
    code: 'bad-response',
    message: 'GET /accounts/x: /balance must match pattern "^[0-9]+$"',
  });
  const partial = await server(t, { status: 200, body: '{"address":"x","balance":"1"}' });
  await t.rejects(new NodeClient({ url: partial }).account('x'), {
    code: 'bad-response',
    message: "GET /accounts/x: the answer must have required property 'nonce'",
  });
});

test('an error answer becomes ApiError(status, code, message); a 404 of another code is not "absent"', async (t) => {
  const url = await server(t, { status: 404, body: '{"code":"not-found","message":"no route"}' });
  await t.rejects(new NodeClient({ url }).account('x'), {
    status: 404,
    code: 'not-found',
    message: 'no route',
  });
  const plain = await server(t, { status: 502, body: '' });
  await t.rejects(new NodeClient({ url: plain }).tx('ab'), { status: 502, code: 'http-502' });
});

test('account and tx are undefined on their own 404 codes; a trailing slash in the URL is fine', async (t) => {
  const stub = await StubNode.start(t);
  const client = new NodeClient({ url: `${stub.url}/` });
  const address = encodeAddress('ralto', new Uint8Array(20));
  t.equal(await client.account(address), undefined);
  t.equal(await client.tx('ab'.repeat(32)), undefined);
  stub.accounts.set(address, { balance: 10n ** 30n, nonce: 1n, nextNonce: 2n, unmatured: 0n });
  t.same(await client.account(address), {
    address,
    balance: 10n ** 30n,
    nonce: 1n,
    nextNonce: 2n,
    unmatured: 0n,
  });
  t.same(stub.requests, [
    `GET /accounts/${address}`,
    `GET /txs/${'ab'.repeat(32)}`,
    `GET /accounts/${address}`,
  ]);
});
