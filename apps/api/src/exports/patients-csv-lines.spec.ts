import { PatientCrypto } from '../patients/patient-crypto';
import { patientDataConfig } from '../patients/patient-data.config';
import { csvLine } from './csv';
import { PatientsCsvFormatter, makePatientsCsvFormatter } from './patients-csv-lines';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

/**
 * Issue #5 §6 — the patients CSV export decrypts COPY text lines itself (and on a thread): the
 * lines must be exactly what csvLine writes from PatientCrypto's decryption, CSV injection included.
 */
describe('patients CSV export lines', () => {
  const crypto = new PatientCrypto(patientDataConfig({ PATIENT_DATA_KEYS: `k2:${key(9)},k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) }));
  const old = new PatientCrypto(patientDataConfig({ PATIENT_DATA_KEYS: `k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) }));
  const people = [
    { ext: 'P1', nir: '185077512345612', lastName: 'Lefèvre', firstName: 'Zoé', c: old },
    { ext: '=cmd|calc', nir: null, lastName: '=HYPERLINK("http://x.y";"clic")', firstName: '-2', c: crypto },
    { ext: 'a\\b\tc', nir: null, lastName: '+33 6', firstName: 'Anne;Marie', c: crypto },
  ];
  const tail = '14/03/1985;M;10000000007;02/01/2024;;;non';
  const copyEsc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t');
  const copyText = people.map((p) => `${copyEsc(p.ext)}\t\\\\x${p.c.encryptIdentity(p).toString('hex')}\t${p.c.keyId}\t${tail}\n`).join('');
  const expected = people.map((p) => csvLine([p.ext, p.nir, p.lastName, p.firstName, ...tail.split(';')])).join('');

  it('on this thread: what csvLine writes from the decrypted identity, any key id', () => {
    expect(makePatientsCsvFormatter(crypto.decoderKeys())(copyText)).toBe(expected);
  });

  it('alternating with a worker thread: chunks come back in order', async () => {
    const f = new PatientsCsvFormatter(crypto.decoderKeys(), true);
    try {
      let out = '';
      for (let i = 0; i < 5; i++) out += await f.push(copyText);
      out += await f.drain();
      expect(out).toBe(expected.repeat(5));
    } finally {
      await f.close();
    }
  });
});
