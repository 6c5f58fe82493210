/**
 * The eligibility panel of a candidacy (issue #4 §2, RULES.md §6, specification §1 "Critères
 * d'inclusion des nouvelles structures"), computed from data: each criterion is pass / fail /
 * unknown with its evidence, its source and the date of that evidence. Pure: the loader
 * (eligibility.service.ts) gathers the inputs.
 */
export type CriterionStatus = 'pass' | 'fail' | 'unknown';
export type CriterionSource = 'computed' | 'declared' | 'patient_list' | 'reference_data' | 'demo_reference_data';

export interface Criterion {
  key: string;
  label: string;
  status: CriterionStatus;
  evidence: string;
  source: CriterionSource;
  date: string | null;
}

/** [param] Thresholds of the specification (§1), programme version MTR 2 2026. */
export const ELIGIBILITY_PARAMS = {
  version: 'mtr2-2026',
  /** The AAV excluded when its pôle is over this population ("excède 1 000 000 habitants"). */
  aavPoleMaxPopulation: 1_000_000,
  /** CATEAAV2020 codes of a pôle: 11 commune-centre, 12 other commune of the main pôle, 13 secondary pôle. */
  poleCategories: [11, 12, 13] as readonly number[],
  /** Portfolio target: at least 2 structures in an AAV under 300 000 inhabitants. */
  smallAavMaxPopulation: 300_000,
  /** Shares in hundredths of a percent, strictly above: men > 45 %, 65+ > 20 %. */
  menShareMinExclusive: 4500,
  age65ShareMinExclusive: 2000,
  minGps: 3,
  /**
   * Platform default: the "équipe médicale" is the structure's medical professions (code de la
   * santé publique: physicians and midwives); GPs must be strictly more than half of it.
   */
  medicalProfessions: ['medecin_generaliste', 'pediatre', 'gynecologue', 'sage_femme'] as readonly string[],
};

export interface Declaration {
  value: unknown;
  evidence: string | null;
  documentId: string | null;
  declaredAt: string;
}

export type AavInput =
  /** No INSEE AAV file imported at all. */
  | { kind: 'no_reference_data' }
  | { kind: 'no_commune' }
  | { kind: 'commune_unknown'; communeCode: string; importedAt: string; demo: boolean }
  | {
      kind: 'found';
      communeCode: string;
      communeName: string;
      cateaav: number;
      aavCode: string;
      aavName: string;
      communesInAav: number;
      /** Sum over the communes with a known population. */
      knownPopulation: number;
      communesWithoutPopulation: number;
      importedAt: string;
      demo: boolean;
    };

export interface PatientProfile {
  total: number;
  men: number;
  aged65Plus: number;
  /** Date of the patient-list extraction. */
  asOf: string;
}

export interface EligibilityInput {
  today: string;
  /** Active practitioners (not left before today). */
  practitioners: { profession: string }[];
  declarations: Partial<Record<string, Declaration>>;
  aav: AavInput;
  patientProfile: PatientProfile | null;
}

export interface EligibilityResult {
  overall: CriterionStatus;
  criteria: Criterion[];
  /** AAV population when it is fully known (every commune's population imported). */
  aavPopulation: number | null;
}

const fmtInt = (n: number) => n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ');
const fmtHundredths = (h: number) => `${(h / 100).toFixed(2).replace('.', ',')} %`;
const day = (iso: string) => iso.slice(0, 10);

function boolDeclared(
  key: string,
  label: string,
  d: Declaration | undefined,
  passWhen: boolean,
  yes: string,
  no: string,
): Criterion {
  if (!d || typeof d.value !== 'boolean') return { key, label, status: 'unknown', evidence: 'Non déclaré par la structure.', source: 'declared', date: null };
  const status: CriterionStatus = d.value === passWhen ? 'pass' : 'fail';
  const text = d.value ? yes : no;
  return { key, label, status, evidence: `${text} (déclaré)${d.evidence ? ` — ${d.evidence}` : ''}`, source: 'declared', date: day(d.declaredAt) };
}

function aavCriterion(aav: AavInput): { criterion: Criterion; population: number | null } {
  const key = 'aav_pole';
  const label = 'Commune hors du pôle d’une aire d’attraction des villes 2020 de plus de 1 000 000 habitants';
  const unknown = (evidence: string, source: CriterionSource = 'reference_data', date: string | null = null) => ({
    criterion: { key, label, status: 'unknown' as const, evidence, source, date },
    population: null,
  });
  if (aav.kind === 'no_reference_data') return unknown('Inconnu — importer le fichier INSEE des aires d’attraction des villes 2020.');
  if (aav.kind === 'no_commune') return unknown('Code commune INSEE de la structure non renseigné.', 'computed');
  const source: CriterionSource = aav.demo ? 'demo_reference_data' : 'reference_data';
  const demo = aav.demo ? ' [échantillon de démonstration]' : '';
  if (aav.kind === 'commune_unknown') {
    return unknown(`Commune ${aav.communeCode} absente du fichier INSEE importé${demo}.`, source, day(aav.importedAt));
  }
  const date = day(aav.importedAt);
  const where = `${aav.communeName} (${aav.communeCode}), CATEAAV2020 ${aav.cateaav}, aire « ${aav.aavName} » (${aav.aavCode})`;
  const complete = aav.communesWithoutPopulation === 0 && aav.communesInAav > 0;
  const population = complete ? aav.knownPopulation : null;
  const popText = complete
    ? `population de l’aire ${fmtInt(aav.knownPopulation)} habitants (somme de ${aav.communesInAav} communes)`
    : `population connue ${fmtInt(aav.knownPopulation)} habitants, ${aav.communesWithoutPopulation} commune(s) sans population importée`;
  const inPole = ELIGIBILITY_PARAMS.poleCategories.includes(aav.cateaav) && aav.aavCode !== '000';
  if (!inPole) {
    return { criterion: { key, label, status: 'pass', evidence: `${where} : commune hors pôle ; ${popText}${demo}.`, source, date }, population };
  }
  const max = ELIGIBILITY_PARAMS.aavPoleMaxPopulation;
  if (aav.knownPopulation > max) {
    return { criterion: { key, label, status: 'fail', evidence: `${where} : commune du pôle ; ${popText} > ${fmtInt(max)}${demo}.`, source, date }, population };
  }
  if (!complete) return { criterion: { key, label, status: 'unknown', evidence: `${where} : commune du pôle ; ${popText}${demo}.`, source, date }, population };
  return { criterion: { key, label, status: 'pass', evidence: `${where} : commune du pôle ; ${popText} ≤ ${fmtInt(max)}${demo}.`, source, date }, population };
}

/** Exact comparison of count/total against a threshold in hundredths of a percent. */
const shareAbove = (count: number, total: number, hundredths: number) => count * 10_000 > hundredths * total;

function shareCriterion(
  key: string,
  label: string,
  threshold: number,
  profile: PatientProfile | null,
  count: (p: PatientProfile) => number,
  declared: Declaration | undefined,
): Criterion {
  if (profile && profile.total > 0) {
    const c = count(profile);
    const h = Math.round((c * 10_000) / profile.total);
    return {
      key, label,
      status: shareAbove(c, profile.total, threshold) ? 'pass' : 'fail',
      evidence: `${fmtInt(c)} sur ${fmtInt(profile.total)} patients, soit ${fmtHundredths(h)} (seuil : plus de ${fmtHundredths(threshold)}), extraction de la liste patients.`,
      source: 'patient_list',
      date: day(profile.asOf),
    };
  }
  if (declared && typeof declared.value === 'number') {
    const h = Math.round(declared.value * 100);
    return {
      key, label,
      status: h > threshold ? 'pass' : 'fail',
      evidence: `${fmtHundredths(h)} déclaré par la structure (seuil : plus de ${fmtHundredths(threshold)}) — chiffre déclaré, à confirmer par l’extraction de la liste patients${declared.evidence ? ` ; ${declared.evidence}` : ''}.`,
      source: 'declared',
      date: day(declared.declaredAt),
    };
  }
  return { key, label, status: 'unknown', evidence: 'Ni liste patients importée ni chiffre déclaré.', source: 'declared', date: null };
}

export function computeEligibility(input: EligibilityInput): EligibilityResult {
  const d = input.declarations;
  const P = ELIGIBILITY_PARAMS;
  const criteria: Criterion[] = [];

  criteria.push(
    boolDeclared('national_group', 'Pas de rattachement à un groupement national à gouvernance centralisée', d.nationalGroupMember, false,
      'Rattachée à un groupement national ou une organisation intégrée', 'Aucun rattachement à un groupement national'),
  );
  const aav = aavCriterion(input.aav);
  criteria.push(aav.criterion);
  criteria.push(shareCriterion('men_share', 'Part de patients masculins supérieure à 45 %', P.menShareMinExclusive, input.patientProfile, (p) => p.men, d.declaredMenShare));
  criteria.push(shareCriterion('age65_share', 'Part de patients de 65 ans et plus supérieure à 20 %', P.age65ShareMinExclusive, input.patientProfile, (p) => p.aged65Plus, d.declaredAge65Share));

  const gps = input.practitioners.filter((p) => p.profession === 'medecin_generaliste').length;
  const medical = input.practitioners.filter((p) => P.medicalProfessions.includes(p.profession)).length;
  const none = input.practitioners.length === 0;
  criteria.push({
    key: 'gp_count',
    label: 'Au moins trois médecins généralistes',
    status: none ? 'unknown' : gps >= P.minGps ? 'pass' : 'fail',
    evidence: none ? 'Aucun praticien enregistré pour la structure.' : `${gps} médecin(s) généraliste(s) en exercice (minimum ${P.minGps}).`,
    source: 'computed',
    date: input.today,
  });
  criteria.push({
    key: 'gp_majority',
    label: 'Majorité de médecins généralistes dans l’équipe médicale',
    status: none ? 'unknown' : gps * 2 > medical ? 'pass' : 'fail',
    evidence: none ? 'Aucun praticien enregistré pour la structure.' : `${gps} généraliste(s) sur ${medical} professionnel(s) médicaux (médecins et sages-femmes).`,
    source: 'computed',
    date: input.today,
  });
  criteria.push(boolDeclared('shared_software', 'Logiciel commun', d.sharedSoftware, true, 'Logiciel commun', 'Pas de logiciel commun'));
  criteria.push(
    boolDeclared('shared_medical_record', 'Dossier médical partagé accessible aux professionnels', d.sharedMedicalRecord, true,
      'Dossier médical partagé', 'Pas de dossier médical partagé'),
  );
  criteria.push(coordinated(d));
  criteria.push(commitments(d.writtenCommitments));

  const overall: CriterionStatus = criteria.some((c) => c.status === 'fail')
    ? 'fail'
    : criteria.some((c) => c.status === 'unknown')
      ? 'unknown'
      : 'pass';
  return { overall, criteria, aavPopulation: aav.population };
}

function coordinated(d: Partial<Record<string, Declaration>>): Criterion {
  const parts: [string, string][] = [
    ['commonMedicalProject', 'projet médical commun'],
    ['sharedPathways', 'parcours de soins mis en commun'],
    ['regularConcertation', 'concertation régulière'],
  ];
  const values = parts.map(([k, l]) => ({ l, decl: d[k] }));
  const status: CriterionStatus = values.some((v) => v.decl?.value === false)
    ? 'fail'
    : values.every((v) => v.decl?.value === true)
      ? 'pass'
      : 'unknown';
  const evidence = values.map((v) => `${v.l} : ${v.decl === undefined ? 'non déclaré' : v.decl.value ? 'oui' : 'non'}`).join(' ; ');
  const dates = values.map((v) => v.decl?.declaredAt).filter((x): x is string => !!x).sort();
  return {
    key: 'coordinated_practice',
    label: 'Projet médical commun, parcours partagés et concertation régulière',
    status,
    evidence: `${evidence} (déclaré).`,
    source: 'declared',
    date: dates.length ? day(dates[dates.length - 1]) : null,
  };
}

function commitments(d: Declaration | undefined): Criterion {
  const key = 'written_commitments';
  const label = 'Engagements écrits : délégation de tâches, protocoles de coopération, prévention par profil de risque';
  if (!d || typeof d.value !== 'boolean') return { key, label, status: 'unknown', evidence: 'Non déclaré par la structure.', source: 'declared', date: null };
  if (!d.value) return { key, label, status: 'fail', evidence: 'La structure ne prend pas ces engagements (déclaré).', source: 'declared', date: day(d.declaredAt) };
  if (!d.documentId) {
    return { key, label, status: 'unknown', evidence: 'Engagement déclaré, document écrit signé non joint.', source: 'declared', date: day(d.declaredAt) };
  }
  return { key, label, status: 'pass', evidence: `Engagement écrit joint (document ${d.documentId})${d.evidence ? ` — ${d.evidence}` : ''}.`, source: 'declared', date: day(d.declaredAt) };
}

/**
 * Paris, Lyon and Marseille arrondissements (75101–75120, 69381–69389, 13201–13216) are not
 * communes of the AAV composition file: read them as their commune.
 */
export function communeOfArrondissement(code: string): string {
  if (/^751(0[1-9]|1\d|20)$/.test(code)) return '75056';
  if (/^6938[1-9]$/.test(code)) return '69123';
  if (/^132(0[1-9]|1[0-6])$/.test(code)) return '13055';
  return code;
}
