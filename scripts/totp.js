// Prints the current TOTP code for a demo secret: npm run totp -- SECRET
const { createHmac } = require('node:crypto');
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const secret = (process.argv[2] || '').toUpperCase();
if (!secret) { console.error('usage: npm run totp -- <secret>'); process.exit(2); }
let bits = 0, value = 0; const key = [];
for (const ch of secret.replace(/=+$/, '')) { value = (value << 5) | A.indexOf(ch); bits += 5; if (bits >= 8) { key.push((value >>> (bits - 8)) & 255); bits -= 8; } }
const counter = Buffer.alloc(8); counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
const o = mac[mac.length - 1] & 15;
console.log(String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0'));
