import { checkNir, nirSex } from './nir';

const withKey = (body: string) => {
  const n = Number(body.replace(/^(.{5})2A/, '$119').replace(/^(.{5})2B/, '$118'));
  return body + String(97 - (n % 97)).padStart(2, '0');
};

/** RULES.md glossary — NIR: 13 digits + key = 97 − (n mod 97); Corsica 2A→19, 2B→18. */
describe('NIR', () => {
  it('accepts a correct key, with spaces', () => {
    const nir = withKey('1850775123456');
    expect(checkNir(nir)).toEqual({ ok: true, nir });
    expect(checkNir(`1 85 07 75 123 456 ${nir.slice(13)}`)).toEqual({ ok: true, nir });
    expect(nirSex(nir)).toBe('M');
  });
  it('rejects a wrong key', () => {
    const nir = withKey('2900175123456');
    const wrong = nir.slice(0, 13) + String((Number(nir.slice(13)) % 97) + 1).padStart(2, '0');
    expect(checkNir(wrong)).toMatchObject({ ok: false, code: 'nir_cle' });
  });
  it('handles Corsica 2A and 2B with their key substitution', () => {
    const a = withKey('18507' + '2A' + '123456');
    const b = withKey('28507' + '2B' + '123456');
    expect(checkNir(a).ok).toBe(true);
    expect(checkNir(b).ok).toBe(true);
    // The same digits without substitution would give another key.
    expect(checkNir(a.replace('2A', '19')).ok).toBe(true);
    expect(checkNir(a.slice(0, 13) + String((Number(a.slice(13)) + 1) % 97).padStart(2, '0')).ok).toBe(false);
  });
  it('rejects malformed values', () => {
    expect(checkNir('12345')).toMatchObject({ ok: false, code: 'nir_format' });
    expect(checkNir('5850775123456' + '00')).toMatchObject({ ok: false, code: 'nir_format' });
  });
});
