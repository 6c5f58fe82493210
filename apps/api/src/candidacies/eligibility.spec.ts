import { communeOfArrondissement, computeEligibility, type AavInput, type Declaration, type EligibilityInput } from './eligibility';

/** Issue #4 §2, specification §1 "Critères d'inclusion des nouvelles structures": criteria at their boundaries. */
const at = '2026-11-20T10:00:00.000Z';
const decl = (value: unknown, documentId: string | null = null): Declaration => ({ value, evidence: null, documentId, declaredAt: at });
const gp = { profession: 'medecin_generaliste' };
const aav = (cateaav: number, population: number, missing = 0): AavInput => ({
  kind: 'found', communeCode: '24322', communeName: 'Périgueux', cateaav, aavCode: '123', aavName: 'Périgueux', communesInAav: 10,
  knownPopulation: population, communesWithoutPopulation: missing, importedAt: at, demo: false,
});
const base = (over: Partial<EligibilityInput> = {}): EligibilityInput => ({
  today: '2026-11-24',
  practitioners: [gp, gp, gp, { profession: 'infirmier' }],
  declarations: {
    nationalGroupMember: decl(false), sharedSoftware: decl(true), sharedMedicalRecord: decl(true), commonMedicalProject: decl(true),
    sharedPathways: decl(true), regularConcertation: decl(true), writtenCommitments: decl(true, 'doc-1'),
    declaredMenShare: decl(46), declaredAge65Share: decl(21),
  },
  aav: aav(11, 150_000),
  patientProfile: null,
  ...over,
});
const status = (input: EligibilityInput, key: string) => computeEligibility(input).criteria.find((c) => c.key === key)!.status;

describe('eligibility panel', () => {
  it('a structure meeting every criterion passes overall', () => {
    const r = computeEligibility(base());
    expect(r.criteria.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(r.overall).toBe('pass');
    expect(r.aavPopulation).toBe(150_000);
  });

  it('men > 45 %: 45 fails, 45.01 passes (declared figures are flagged as declared)', () => {
    const with_ = (v: number) => base({ declarations: { ...base().declarations, declaredMenShare: decl(v) } });
    expect(status(with_(45), 'men_share')).toBe('fail');
    expect(status(with_(45.01), 'men_share')).toBe('pass');
    const c = computeEligibility(with_(45.01)).criteria.find((x) => x.key === 'men_share')!;
    expect(c.source).toBe('declared');
    expect(c.evidence).toMatch(/déclaré/);
    expect(c.date).toBe('2026-11-20');
  });

  it('65+ > 20 %: 20 fails, 20.01 passes; from the patient list, exact counts (200/1000 fails, 201/1000 passes)', () => {
    const with_ = (v: number) => base({ declarations: { ...base().declarations, declaredAge65Share: decl(v) } });
    expect(status(with_(20), 'age65_share')).toBe('fail');
    expect(status(with_(20.01), 'age65_share')).toBe('pass');
    const list = (aged65Plus: number, men: number) => base({ patientProfile: { total: 1000, men, aged65Plus, asOf: '2026-11-01' } });
    expect(status(list(200, 451), 'age65_share')).toBe('fail');
    expect(status(list(201, 451), 'age65_share')).toBe('pass');
    expect(status(list(201, 450), 'men_share')).toBe('fail');
    const c = computeEligibility(list(201, 451)).criteria.find((x) => x.key === 'men_share')!;
    expect({ source: c.source, date: c.date }).toEqual({ source: 'patient_list', date: '2026-11-01' });
  });

  it('≥ 3 GPs: 2 fails, 3 passes; GPs must be the majority of the medical team', () => {
    expect(status(base({ practitioners: [gp, gp] }), 'gp_count')).toBe('fail');
    expect(status(base({ practitioners: [gp, gp, gp] }), 'gp_count')).toBe('pass');
    const sf = { profession: 'sage_femme' };
    expect(status(base({ practitioners: [gp, gp, gp, sf, sf, sf] }), 'gp_majority')).toBe('fail');
    expect(status(base({ practitioners: [gp, gp, gp, sf, sf, { profession: 'infirmier' }] }), 'gp_majority')).toBe('pass');
    expect(status(base({ practitioners: [] }), 'gp_count')).toBe('unknown');
  });

  it('AAV pôle: CATEAAV 12 in an AAV of 1 000 001 fails, 999 999 passes; CATEAAV 20 (couronne) passes whatever the size', () => {
    expect(status(base({ aav: aav(12, 1_000_001) }), 'aav_pole')).toBe('fail');
    expect(status(base({ aav: aav(12, 999_999) }), 'aav_pole')).toBe('pass');
    expect(status(base({ aav: aav(12, 1_000_000) }), 'aav_pole')).toBe('pass');
    expect(status(base({ aav: aav(20, 13_000_000) }), 'aav_pole')).toBe('pass');
    expect(status(base({ aav: aav(13, 1_000_001) }), 'aav_pole')).toBe('fail');
  });

  it('AAV without data: unknown, asking for the INSEE file; partial populations stay unknown unless already over', () => {
    const r = computeEligibility(base({ aav: { kind: 'no_reference_data' } }));
    const c = r.criteria.find((x) => x.key === 'aav_pole')!;
    expect(c.status).toBe('unknown');
    expect(c.evidence).toMatch(/importer le fichier INSEE/);
    expect(r.overall).toBe('unknown');
    expect(status(base({ aav: aav(11, 900_000, 2) }), 'aav_pole')).toBe('unknown');
    expect(status(base({ aav: aav(11, 1_200_000, 2) }), 'aav_pole')).toBe('fail');
  });

  it('declared criteria: a national group fails; written commitments need the signed document', () => {
    expect(status(base({ declarations: { ...base().declarations, nationalGroupMember: decl(true) } }), 'national_group')).toBe('fail');
    expect(status(base({ declarations: { ...base().declarations, writtenCommitments: decl(true) } }), 'written_commitments')).toBe('unknown');
    expect(status(base({ declarations: { ...base().declarations, regularConcertation: decl(false) } }), 'coordinated_practice')).toBe('fail');
    expect(computeEligibility(base({ declarations: {} })).overall).toBe('unknown');
  });

  it('Paris, Lyon, Marseille arrondissements map to their commune', () => {
    expect(['75110', '69383', '13210', '24322'].map(communeOfArrondissement)).toEqual(['75056', '69123', '13055', '24322']);
  });
});
