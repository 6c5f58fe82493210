import { PatientCrypto } from './patient-crypto';
import { patientDataConfig } from './patient-data.config';
import { ConfigError } from '../config/load-config';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

/** Issue #5 §5 — identifiers encrypted with AES-256-GCM, key id for rotation, blind indexes. */
describe('patient identifiers at rest', () => {
  const cfg = patientDataConfig({ PATIENT_DATA_KEYS: `k2:${key(9)},k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) });
  const crypto = new PatientCrypto(cfg);

  it('encrypts with the first key, decrypts with any listed key', () => {
    expect(crypto.keyId).toBe('k2');
    const blob = crypto.encryptIdentity({ nir: '185077512345678', lastName: 'Dupont', firstName: 'Élodie' });
    expect(blob.toString('latin1')).not.toContain('Dupont');
    expect(crypto.decryptIdentity(blob, 'k2')).toEqual({ nir: '185077512345678', lastName: 'Dupont', firstName: 'Élodie' });
    const old = new PatientCrypto(patientDataConfig({ PATIENT_DATA_KEYS: `k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) }));
    expect(crypto.decryptIdentity(old.encryptIdentity({ nir: null, lastName: 'A', firstName: 'B' }), 'k1')).toEqual({ nir: null, lastName: 'A', firstName: 'B' });
  });
  it('detects tampering (GCM tag)', () => {
    const blob = crypto.encryptIdentity({ nir: null, lastName: 'Martin', firstName: 'Paul' });
    blob[blob.length - 1] ^= 1;
    expect(() => crypto.decryptIdentity(blob, 'k2')).toThrow();
  });
  it('blind indexes are deterministic and fold case and accents', () => {
    expect(crypto.nameIndex('Lefèvre', 'Zoé', '1990-01-01')).toEqual(crypto.nameIndex('LEFEVRE', 'zoe', '1990-01-01'));
    expect(crypto.nirIndex('185077512345678')).not.toEqual(crypto.nirIndex('185077512345679'));
  });
  it('configuration is validated at boot; keys are mandatory in production', () => {
    expect(() => patientDataConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => patientDataConfig({ PATIENT_DATA_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` })).toThrow(/32 octets/);
    expect(() => patientDataConfig({ PATIENT_INDEX_KEY: 'court' })).toThrow(ConfigError);
  });
});
