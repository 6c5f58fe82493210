import { PatientCrypto } from '../patients/patient-crypto';
import { patientDataConfig } from '../patients/patient-data.config';
import { PatientStageEncoder, makePatientEncoder, type PatientTuple } from './patient-stage-encoder';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const PREFIX = '0190a000-0000-7abc-8def-';

/**
 * Issue #5 §5 — the import encrypts and hashes patient rows on worker threads: what they write
 * must be exactly what PatientCrypto reads and looks up (same key id, blob, blind indexes, digest).
 */
describe('patient import encoder (worker threads)', () => {
  const crypto = new PatientCrypto(patientDataConfig({ PATIENT_DATA_KEYS: `k2:${key(9)},k1:${key(8)}`, PATIENT_INDEX_KEY: key(7), PATIENT_PSEUDONYM_KEY: key(6) }));
  const rows: PatientTuple[] = Array.from({ length: 50 }, (_, i) => [
    i + 2, `P\\${i}\t`, i % 3 ? `18507751234${String(i).padStart(4, '0')}` : null, 'Lefèvre', 'Zoé', ['1985-07-14', '1900-03-01', '1899-12-31', '2000-02-29'][i % 4], i % 2 ? 'M' : 'F',
    i % 4 ? '10000000007' : null, i % 4 ? ['2024-02-29', '2024-03-01', '2100-12-31'][i % 3] : null, null, '2026-05-03', i % 5 === 0,
  ]);

  /** COPY BINARY tuples → fields (null for NULL). */
  function tuples(b: Buffer): (Buffer | null)[][] {
    const out: (Buffer | null)[][] = [];
    for (let p = 0; p < b.length; ) {
      const n = b.readInt16BE(p);
      p += 2;
      const fields: (Buffer | null)[] = [];
      for (let i = 0; i < n; i++) {
        const len = b.readInt32BE(p);
        p += 4;
        fields.push(len < 0 ? null : b.subarray(p, p + len));
        p += Math.max(0, len);
      }
      out.push(fields);
    }
    return out;
  }
  const str = (f: Buffer | null) => (f === null ? null : f.toString('utf8'));
  const day = (f: Buffer | null) => (f === null ? null : new Date(Date.UTC(2000, 0, 1) + f.readInt32BE(0) * 86_400_000).toISOString().slice(0, 10));
  const uuid = (f: Buffer) => f.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');

  function check(bin: Buffer) {
    const all = tuples(bin);
    expect(all).toHaveLength(rows.length);
    all.forEach((fields, i) => {
      expect(fields).toHaveLength(15);
      const [line, id, ext, blob, keyId, nirIdx, nameIdx, birth, sex, rpps, from, to, note, opposed, digest] = fields;
      const [n, e, nir, last, first, b, s, r, f, t, no, op] = rows[i];
      expect(uuid(id!)).toBe(`${PREFIX}${n.toString(16).padStart(12, '0')}`);
      expect([line!.readInt32BE(0), str(ext), str(keyId), day(birth), str(sex), str(rpps), day(from), day(to), day(note), opposed![0]]).toEqual([
        n, e, 'k2', b, s, r, f, t, no, op ? 1 : 0,
      ]);
      expect(crypto.decryptIdentity(blob!, str(keyId)!)).toEqual({ nir, lastName: last, firstName: first });
      expect(nirIdx).toEqual(nir ? crypto.nirIndex(nir) : null);
      expect(nameIdx).toEqual(crypto.nameIndex(last, first, b));
      expect(digest).toEqual(crypto.digest([e, nir, last, first, b, s, r, f, t, no, op]));
    });
  }

  it('on this thread: the same blob, indexes and digest as PatientCrypto', () => {
    check(makePatientEncoder(crypto.encoderKeys())('commit', rows, PREFIX).rows);
  });

  it('on two worker threads: batches come back complete and in file order', async () => {
    const enc = new PatientStageEncoder(crypto.encoderKeys(), 'commit', 2, PREFIX);
    try {
      const out: Buffer[] = [];
      for (let i = 0; i < rows.length; i += 7) out.push(...(await enc.push(rows.slice(i, i + 7))).map((b) => b.rows));
      out.push(...(await enc.drain()).map((b) => b.rows));
      check(Buffer.concat(out));
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
    tuples(out.rows).forEach((f, i) => {
      expect(keys[i]).toBe(`${f[0]!.readInt32BE(0)}\t${str(f[2])!.replace('\\', '\\\\').replace('\t', '\\t')}\t\t\\\\x${f[14]!.toString('hex')}`);
    });
  });

  it('HMAC from the padded key: what createHmac gives, long and non-ASCII messages included', () => {
    const long = `${'é'.repeat(1500)}😀`;
    const rowsLong: PatientTuple[] = [[2, 'P1', null, long, 'Zoé', '1985-07-14', 'F', null, null, null, null, false]];
    const [out] = tuples(makePatientEncoder(crypto.encoderKeys())('commit', rowsLong, PREFIX).rows);
    expect(out[6]).toEqual(crypto.nameIndex(long, 'Zoé', '1985-07-14'));
    expect(out[14]).toEqual(crypto.digest(['P1', null, long, 'Zoé', '1985-07-14', 'F', null, null, null, null, false]));
    const medium: PatientTuple[] = [[2, 'P2', null, '😀'.repeat(500), 'Ève', '1985-07-14', 'F', null, null, null, null, true]];
    const [out2] = tuples(makePatientEncoder(crypto.encoderKeys())('commit', medium, PREFIX).rows);
    expect(out2[6]).toEqual(crypto.nameIndex('😀'.repeat(500), 'Ève', '1985-07-14'));
    expect(out2[14]).toEqual(crypto.digest(['P2', null, '😀'.repeat(500), 'Ève', '1985-07-14', 'F', null, null, null, null, true]));
  });
});
