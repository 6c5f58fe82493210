import { base32Decode, base32Encode, totpAt, verifyTotp } from './totp';

/** RFC 6238 appendix B vectors (SHA-1, secret "12345678901234567890"). */
describe('TOTP', () => {
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  it.each([
    [59_000, '287082'],
    [1_111_111_109_000, '081804'],
    [1_234_567_890_000, '005924'],
    [2_000_000_000_000, '279037'],
  ])('at %i ms the code is %s', (t, code) => {
    expect(totpAt(secret, t)).toBe(code);
  });
  it('accepts one step of drift, not two', () => {
    expect(verifyTotp(secret, '287082', 59_000 + 30_000)).toBe(true);
    expect(verifyTotp(secret, '287082', 59_000 + 60_000)).toBe(false);
    expect(verifyTotp(secret, 'abcdef', 59_000)).toBe(false);
  });
  it('base32 round-trips', () => {
    expect(base32Decode(secret).toString()).toBe('12345678901234567890');
  });
});
