// The yespower 1.0 vectors of test/vectors/yespower.json (the published
// reference outputs and the chain's own), embedded so `altostream bench` can
// self-test without the test tree. test/crypto/self-test.test.ts keeps the two equal.

export interface YespowerVector {
  readonly set: 'reference' | 'alto';
  readonly N: number;
  readonly r: number;
  /** Hex of the personalization; empty for none. */
  readonly pers: string;
  readonly input: string;
  readonly hash: string;
}

export const YESPOWER_VECTORS: readonly YespowerVector[] = [
  {
    set: 'reference',
    N: 2048,
    r: 8,
    pers: '',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '69e0e895b3df7aeeb837d71fe199e9d34f7ec46ecbca7a2c4308e51857ae9b46',
  },
  {
    set: 'reference',
    N: 4096,
    r: 16,
    pers: '',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '33fb8f063824a4a020f63dca535f5ca66ab5576468c75d1ccaac7542f76495ac',
  },
  {
    set: 'reference',
    N: 4096,
    r: 32,
    pers: '',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '771aeefda8fe79a0825bc7f2aee162ab5578574639ffc6ca3723cc18e5e3e285',
  },
  {
    set: 'reference',
    N: 2048,
    r: 32,
    pers: '',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: 'd5efb813cd263e9b34540130233cbbc6a921fbff3431e5ec1a1abde2aea6ff4d',
  },
  {
    set: 'reference',
    N: 1024,
    r: 32,
    pers: '',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '501b792db42e388f6e7d453c95d03a12a36016a5154a688390ddc609a40c6799',
  },
  {
    set: 'reference',
    N: 1024,
    r: 32,
    pers: '706572736f6e616c6974792074657374',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '1f0269acf565c49adc0ef9b8f26ab3808cdc38394a254fddeedcc3aacff6ad9d',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    hash: '0aca7b81cc2b16366b90028297b13664ff982f20e42b911a9d7e37d3c5d020ee',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    hash: '70e28ea4b1f6ab1ec549b9030d8941b4fb301aa8b91b1a63af6544c3bdcdb5bd',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '000306090c0f1215181b1e2124272a2d303336393c3f4245484b4e5154575a5d606366696c6f7275787b7e8184878a8d909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1e4e7eaed',
    hash: '1480dfd4827472b044a60234a74f73b9478619147f5a0897b9d370190da26ab2',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      'a5a3c498884d1d29a711f8f8a015c669929dc994bf3e0c21d65168f9847bfaac4759ac07ac9a620eeed2290df514be195dc0a500cdef04080eca5fecb879988717b9fc651373d3632482825cc4090a3d',
    hash: 'ffbf155b679cc803b6be93672f7bf911dd202f5a92b27527ccc5c93f2b0db974',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      'cc2d5cc31779407a0eef2d7036dd66baad18f208a507821560472b3e0857791bffb7aaa5aa5949b5eae1ac63abe1d51e41774ebf781413c236f998ae28c0f523767f175d1caeabc3be6e0d45d803e756',
    hash: 'e5fd66d573f899e5b314cea5d16d01d05ac9fa1b3531ab8c924f702b54112b1f',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      'fa2b58627cbbf13129c44c3eba934c40d41158b6be734c552d6f636b1385e88ef1ade8ac65f9d9109cd2f79c26c3a70ee459bb4662497802fdaca02ebee536addc0e4216ce6d0767617beab7f666b721',
    hash: 'e06e1f0446392e10d608f26753d1b768c5658aa847cccbc02c05c792923f0778',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '527a6fba6419e8e0133fc12b1464d3e9e4b073e8aa568b70018f4ff9601665f968baec547999a1e5c4715073df3cecde9ee7a9312346817f2b97645441ad25b6903388048932364d7aab68ab9d21c59d',
    hash: 'b11dfc2476fd32c7e93e26c8728894c245d3989cf3e9262b9c2ea57c32accdb8',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '1fdbb1e6fe7892c992246ed6858453775fd7a61702c77712a236d4bec40cbd9b2e57ca3493cd4998e75ae221dd0b97b7cf4d781085ed9017d69aa4fba9573d4250c571bf34814f9b81c80b06aa42e289',
    hash: '186bf80fe034959d3c5ed84631a47027826d9711430e6411b19b29ba09a2259d',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '04d81e77a4361130d7b4874ea1a246f39f32ee7f607364f1e434e360f13dbad0a4e5d3dc2687f2b84d4971c9a9d0858bee081c2a786ce00879862102258706e73b8b67adcaaf10f32f280b662c0bcaaf',
    hash: 'e64020b643bee37b83df2e75723aa02a407fec5d7c3c96045744556ed9dcee7e',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b00000000',
    hash: '40b9d6a5996e3d453dd53bcd346e181eae1e6eb83f322630e13f843aac558f9e',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b01000000',
    hash: '3481fb6669cc129c638928926aec45f6abb0073371dd12dd19c2a58624883038',
  },
  {
    set: 'alto',
    N: 2048,
    r: 32,
    pers: '416c746f73747265616d',
    input:
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b02000000',
    hash: 'd4310d90a6f74a30c308106e20519e37c1c5a42a07d9a72eb0d2154658379a3b',
  },
];
