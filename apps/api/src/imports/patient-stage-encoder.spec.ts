import { PatientCrypto } from '../patients/patient-crypto';
import { patientDataConfig } from '../patients/patient-data.config';
import { PatientStageEncoder, makePatientEncoder, type PatientTuple } from './patient-stage-encoder';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const PREFIX = '0190a000-0000-7abc-8def-';
const unhex = (f: string) => Buffer.from(f.replace(/^\\\\x/, ''), 'hex');

/**
 * Issue #5 §5 — the import encrypts and hashes patient rows on worker threads: what they write
 * must be exactly what PatientCrypto reads and looks up (same key id, blob, blind indexes, digest).
 */
describe('patient import encoder (worker threads)', () => {
  const crypto = new PatientCrypto(patientDataConfig({ PATIENT_DATA_KEYS: `k2:${key(9)},k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) }));
  const rows: PatientTuple[] = Array.from({ length: 50 }, (_, i) => [
    i + 2, `P\\${i}\t`, i % 3 ? `18507751234${String(i).padStart(4, '0')}` : null, 'Lefèvre', 'Zoé', '1985-07-14', i % 2 ? 'M' : 'F',
    i % 4 ? '10000000007' : null, i % 4 ? '2025-01-02' : null, null, '2026-05-03', i % 5 === 0,
  ]);

  function check(text: string) {
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    lines.forEach((l, i) => {
      const [line, id, ext, blob, keyId, nirIdx, nameIdx, birth, sex, rpps, from, to, note, opposed, digest] = l.split('\t');
      const [n, e, nir, last, first, b, s, r, f, t, no, op] = rows[i];
      expect(id).toBe(`${PREFIX}${n.toString(16).padStart(12, '0')}`);
      expect([Number(line), ext, keyId, birth, sex, rpps, from, to, note, opposed]).toEqual([
        n, e.replace('\\', '\\\\').replace('\t', '\\t'), 'k2', b, s, r ?? '\\N', f ?? '\\N', t ?? '\\N', no ?? '\\N', op ? 't' : 'f',
      ]);
      expect(crypto.decryptIdentity(unhex(blob), keyId)).toEqual({ nir, lastName: last, firstName: first });
      expect(nirIdx === '\\N' ? null : unhex(nirIdx)).toEqual(nir ? crypto.nirIndex(nir) : null);
      expect(unhex(nameIdx)).toEqual(crypto.nameIndex(last, first, b));
      expect(unhex(digest)).toEqual(crypto.digest([e, nir, last, first, b, s, r, f, t, no, op]));
    });
  }

  it('on this thread: the same blob, indexes and digest as PatientCrypto', () => {
    check(makePatientEncoder(crypto.encoderKeys())('commit', rows, PREFIX).rows);
  });

  it('on two worker threads: batches come back complete and in file order', async () => {
    const enc = new PatientStageEncoder(crypto.encoderKeys(), 'commit', 2, PREFIX);
    try {
      let out = '';
      for (let i = 0; i < rows.length; i += 7) out += (await enc.push(rows.slice(i, i + 7))).map((b) => b.rows.toString()).join('');
      out += (await enc.drain()).map((b) => b.rows.toString()).join('');
      check(out);
    } finally {
      await enc.close();
    }
  });

  it('dry run lines: line, patient id, empty key, digest', async () => {
    const enc = new PatientStageEncoder(crypto.encoderKeys(), 'dry', 1, PREFIX);
    try {
      const out = [...(await enc.push(rows.slice(0, 2))), ...(await enc.drain())].map((b) => b.keys.toString()).join('');
      const [n, e, nir, last, first, b, s, r, f, t, no, op] = rows[1];
      expect(out.split('\n')[1]).toBe(`${n}\tP\\\\1\\t\t\t\\\\x${crypto.digest([e, nir, last, first, b, s, r, f, t, no, op]).toString('hex')}`);
    } finally {
      await enc.close();
    }
  });

  it('stage mode (the dry run preparing the commit): both outputs, the same digests', () => {
    const out = makePatientEncoder(crypto.encoderKeys())('stage', rows, PREFIX);
    check(out.rows);
    const keys = out.keys.trimEnd().split('\n');
    out.rows.trimEnd().split('\n').forEach((l, i) => {
      const f = l.split('\t');
      expect(keys[i]).toBe(`${f[0]}\t${f[2]}\t\t${f[14]}`);
    });
  });

  it('HMAC from the padded key: what createHmac gives, long and non-ASCII messages included', () => {
    const long = `${'é'.repeat(1500)}😀`;
    const rowsLong: PatientTuple[] = [[2, 'P1', null, long, 'Zoé', '1985-07-14', 'F', null, null, null, null, false]];
    const out = makePatientEncoder(crypto.encoderKeys())('commit', rowsLong, PREFIX).rows.split('\t');
    expect(unhex(out[6])).toEqual(crypto.nameIndex(long, 'Zoé', '1985-07-14'));
    expect(unhex(out[14])).toEqual(crypto.digest(['P1', null, long, 'Zoé', '1985-07-14', 'F', null, null, null, null, false]));
    const medium: PatientTuple[] = [[2, 'P2', null, '😀'.repeat(500), 'Ève', '1985-07-14', 'F', null, null, null, null, true]];
    const out2 = makePatientEncoder(crypto.encoderKeys())('commit', medium, PREFIX).rows.split('\t');
    expect(unhex(out2[6])).toEqual(crypto.nameIndex('😀'.repeat(500), 'Ève', '1985-07-14'));
    expect(unhex(out2[14])).toEqual(crypto.digest(['P2', null, '😀'.repeat(500), 'Ève', '1985-07-14', 'F', null, null, null, null, true]));
  });
});
