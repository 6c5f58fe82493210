// Per-call cost of the cryptography issue #5 §5 requires, on this machine (docs/scaling.md
// « Chiffres mesurés »): the floor under the import's and the export's rows/s, whatever the code.
// Usage: node scripts/crypto-cost.js
const c = require('node:crypto');
const key = c.randomBytes(32);
const indexKey = c.randomBytes(32);
const N = 200_000;
const identity = Buffer.from('185027512345678\u001fMARTIN\u001fJean-Pierre');
const ivs = c.randomBytes(12 * N);
function time(name, f) {
  for (let i = 0; i < 1000; i++) f(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f(i);
  console.log(`${name.padEnd(40)} ${(Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2)} µs`);
}
let blob;
time('AES-256-GCM, chiffrer une identité', (i) => {
  const e = c.createCipheriv('aes-256-gcm', key, ivs.subarray(i * 12, i * 12 + 12));
  blob = Buffer.concat([e.update(identity), e.final(), e.getAuthTag()]);
});
const iv0 = ivs.subarray(0, 12);
const e0 = c.createCipheriv('aes-256-gcm', key, iv0);
const body = Buffer.concat([e0.update(identity), e0.final()]);
const tag = e0.getAuthTag();
time('AES-256-GCM, déchiffrer une identité', () => {
  const d = c.createDecipheriv('aes-256-gcm', key, iv0);
  d.setAuthTag(tag);
  Buffer.concat([d.update(body), d.final()]);
});
time('HMAC-SHA-256 (index aveugle du NIR)', (i) => c.createHmac('sha256', indexKey).update(`nir\u001f18502751234${i}`).digest());
if (c.hash) time('SHA-256 en un appel (crypto.hash)', (i) => c.hash('sha256', `nir\u001f18502751234${i}`, 'buffer'));
void blob;
