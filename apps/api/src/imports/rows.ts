import { isValidRpps } from '../structures/identifiers';
import { checkNir, nirSex } from '../patients/nir';
import type { ImportKind } from './columns';

export interface RowIssue {
  line: number;
  column: string;
  code: string;
  detail: string;
}

export interface RowContext {
  /** Today in Europe/Paris, ISO. */
  today: string;
  /** RPPS of the structure's practitioners. */
  rpps: Set<string>;
}

/** Reads one canonical column of the current row. */
export type Get = (column: string) => string;

export interface PatientRow {
  externalId: string;
  nir: string | null;
  lastName: string;
  firstName: string;
  birthDate: string;
  sex: 'F' | 'M';
  mtRpps: string | null;
  mtFrom: string | null;
  mtTo: string | null;
  infoNoteDate: string | null;
  evaluationOpposed: boolean;
}

export const CRITERIA = {
  ald: { label: 'ALD', min: 1, max: 32, integer: true },
  c2s: { label: 'C2S' },
  ame: { label: 'AME' },
  mdph: { label: 'taux MDPH', min: 0, max: 100 },
  iadl: { label: 'IADL', min: 0, max: 8, integer: true },
  phq9: { label: 'PHQ-9', min: 0, max: 27, integer: true },
  gad7: { label: 'GAD-7', min: 0, max: 21, integer: true },
  imc: { label: 'IMC', min: 10, max: 100 },
  score: { label: 'SCORE (%)', min: 0, max: 100 },
  declaration_pediatrique: { label: 'déclaration de suivi pédiatrique' },
  declaration_gynecologique: { label: 'déclaration de suivi gynécologique' },
  declaration_obstetrique: { label: 'déclaration de suivi obstétrique' },
  declaration_domicile: { label: 'déclaration de prise en charge à domicile' },
} as const satisfies Record<string, { label: string; min?: number; max?: number; integer?: boolean }>;
export type Criterion = keyof typeof CRITERIA;
const CRITERION_ALIASES: Record<string, Criterion> = {
  css: 'c2s', cmuc: 'c2s', cmu_c: 'c2s', phq_9: 'phq9', gad_7: 'gad7', bmi: 'imc', score2: 'score', score_cv: 'score',
  pediatrique: 'declaration_pediatrique', gynecologique: 'declaration_gynecologique', obstetrique: 'declaration_obstetrique',
  domicile: 'declaration_domicile', handicap: 'mdph',
};

export interface CriterionRow {
  externalId: string;
  criterion: Criterion;
  detail: string;
  value: string | null;
  date: string;
  validUntil: string | null;
  pregnancyStart: string | null;
  pregnancyEnd: string | null;
  author: string | null;
}

export const ENCOUNTER_KINDS: Record<string, 'consultation' | 'teleconsultation' | 'visit'> = {
  consultation: 'consultation', c: 'consultation', cabinet: 'consultation',
  teleconsultation: 'teleconsultation', tc: 'teleconsultation', tlc: 'teleconsultation', teleconsult: 'teleconsultation',
  visite: 'visit', visite_a_domicile: 'visit', vd: 'visit', domicile: 'visit', visit: 'visit', home_visit: 'visit',
};

export interface EncounterRow {
  externalId: string;
  rpps: string;
  date: string;
  kind: 'consultation' | 'teleconsultation' | 'visit';
  place: string | null;
  acts: string[];
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim().replace(/[^a-z0-9]+/g, '_');

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const lastDay = (y: number, m: number) => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS[m - 1]);
const digitsAt = (v: string, at: number, n: number): number => {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
};

/**
 * The two usual 10-character forms (JJ/MM/AAAA, AAAA-MM-JJ) read from char codes, without regular
 * expressions or Date (a million-row import reads several dates per row); undefined: another form.
 */
function parseDate10(v: string): string | 'invalid' | undefined {
  let y: number, m: number, d: number;
  const c2 = v.charCodeAt(2);
  if (c2 === 47 && v.charCodeAt(5) === 47) [d, m, y] = [digitsAt(v, 0, 2), digitsAt(v, 3, 2), digitsAt(v, 6, 4)];
  else if (v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45) [y, m, d] = [digitsAt(v, 0, 4), digitsAt(v, 5, 2), digitsAt(v, 8, 2)];
  else return undefined;
  if (y < 0 || m < 0 || d < 0) return undefined;
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > lastDay(y, m)) return 'invalid';
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** ISO or French (JJ/MM/AAAA) date, checked against the calendar; null when empty. */
export function parseDate(raw: string): string | null | 'invalid' {
  const v = raw.trim();
  if (v === '') return null;
  if (v.length === 10) {
    const fast = parseDate10(v);
    if (fast !== undefined) return fast;
  }
  let y: number, m: number, d: number;
  let r = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(v);
  if (r) [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v))) [d, m, y] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else return 'invalid';
  if (y < 1000 || m < 1 || m > 12 || d < 1) return 'invalid';
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > last) return 'invalid';
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Decimal with a comma or a point. */
export function parseDecimal(raw: string): number | null | 'invalid' {
  const v = raw.trim().replace(/\s/g, '').replace(',', '.').replace(/%$/, '');
  if (v === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(v)) return 'invalid';
  return Number(v);
}

const FEMALE = new Set(['f', 'femme', '2', 'mme', 'madame']);
const MALE = new Set(['m', 'h', 'homme', '1', 'm_', 'monsieur']);
const TRUE = new Set(['oui', 'o', 'yes', 'y', 'true', 'vrai', '1', 'x']);
const FALSE = new Set(['non', 'n', 'no', 'false', 'faux', '0', '']);

/** Checks one row; pushes its problems; returns the row when it has no error. */
export class RowChecker {
  errors: RowIssue[] = [];
  warnings: RowIssue[] = [];
  /** Coded columns (sex, yes/no, criterion, kind) repeat a handful of values over millions of rows: folded once each (per import, bounded). */
  private readonly folded = new Map<string, string>();
  constructor(private readonly ctx: RowContext) {}

  private fold(s: string): string {
    let f = this.folded.get(s);
    if (f === undefined) {
      f = fold(s);
      if (this.folded.size < 1024 && s.length <= 64) this.folded.set(s, f);
    }
    return f;
  }

  private err(line: number, column: string, code: string, detail: string): null {
    this.errors.push({ line, column, code, detail });
    return null;
  }

  private date(line: number, get: Get, column: string, required: boolean, notFuture = false): string | null | undefined {
    const raw = get(column);
    const v = parseDate(raw);
    if (v === 'invalid') return void this.err(line, column, 'date_invalide', `Date invalide « ${raw.trim().slice(0, 20)} » : une date réelle au format JJ/MM/AAAA ou AAAA-MM-JJ est attendue.`);
    if (v === null && required) return void this.err(line, column, 'valeur_manquante', 'Valeur obligatoire manquante.');
    if (v && notFuture && v > this.ctx.today) return void this.err(line, column, 'date_future', `Date dans le futur (${v}) : impossible pour cette colonne.`);
    return v;
  }

  private rppsOf(line: number, column: string, raw: string, required: boolean): string | null | undefined {
    const v = raw.replace(/\s/g, '');
    if (v === '') return required ? void this.err(line, column, 'valeur_manquante', 'RPPS obligatoire manquant.') : null;
    if (!isValidRpps(v)) return void this.err(line, column, 'rpps_invalide', 'Numéro RPPS invalide (11 chiffres avec clé de Luhn).');
    if (!this.ctx.rpps.has(v)) {
      return void this.err(line, column, 'rpps_hors_structure', `Le RPPS ${v} n’est celui d’aucun praticien de cette structure (fichier d’une autre structure ?).`);
    }
    return v;
  }

  private externalId(line: number, get: Get): string | undefined {
    const v = get('identifiant_patient').trim();
    if (v === '') return void this.err(line, 'identifiant_patient', 'valeur_manquante', 'Identifiant du patient manquant.');
    if (v.length > 64) return void this.err(line, 'identifiant_patient', 'identifiant_trop_long', 'Identifiant du patient trop long (64 caractères au plus).');
    return v;
  }

  patient(line: number, get: Get): PatientRow | null {
    const before = this.errors.length;
    const externalId = this.externalId(line, get);
    const nirRaw = get('nir');
    let nir: string | null = null;
    if (nirRaw.trim() !== '') {
      const c = checkNir(nirRaw);
      if (c.ok) nir = c.nir;
      else this.err(line, 'nir', c.code, c.detail);
    }
    const lastName = get('nom').trim();
    const firstName = get('prenom').trim();
    if (lastName === '') this.err(line, 'nom', 'valeur_manquante', 'Nom manquant.');
    if (firstName === '') this.err(line, 'prenom', 'valeur_manquante', 'Prénom manquant.');
    if (lastName.length > 100 || firstName.length > 100) this.err(line, lastName.length > 100 ? 'nom' : 'prenom', 'valeur_trop_longue', '100 caractères au plus.');
    const birthDate = this.date(line, get, 'date_naissance', true, true);
    if (birthDate && birthDate < '1890-01-01') this.err(line, 'date_naissance', 'date_invalide', 'Date de naissance antérieure à 1890.');
    const sexRaw = this.fold(get('sexe'));
    const sex = FEMALE.has(sexRaw) ? 'F' : MALE.has(sexRaw) ? 'M' : null;
    if (!sex) this.err(line, 'sexe', 'sexe_invalide', 'Sexe attendu : F ou M (ou H, femme, homme).');
    const mtRpps = this.rppsOf(line, 'rpps_medecin_traitant', get('rpps_medecin_traitant'), false);
    const mtFrom = this.date(line, get, 'debut_declaration_mt', false, true);
    const mtTo = this.date(line, get, 'fin_declaration_mt', false);
    if (mtFrom && mtTo && mtTo < mtFrom) this.err(line, 'fin_declaration_mt', 'dates_incoherentes', 'La fin de la déclaration MT précède son début.');
    if (mtFrom && !mtRpps && mtRpps !== undefined) this.err(line, 'rpps_medecin_traitant', 'valeur_manquante', 'Déclaration MT sans RPPS du médecin traitant.');
    if (mtFrom && birthDate && mtFrom < birthDate) this.err(line, 'debut_declaration_mt', 'dates_incoherentes', 'Déclaration MT antérieure à la naissance.');
    const infoNoteDate = this.date(line, get, 'date_note_information', false, true);
    const opp = this.fold(get('opposition_evaluation'));
    if (!TRUE.has(opp) && !FALSE.has(opp)) this.err(line, 'opposition_evaluation', 'booleen_invalide', 'Valeur attendue : oui ou non.');
    if (nir && sex && nirSex(nir) && nirSex(nir) !== sex) {
      this.warnings.push({ line, column: 'sexe', code: 'nir_sexe_incoherent', detail: 'Le sexe ne correspond pas au premier chiffre du NIR.' });
    }
    if (nir && birthDate && /^\d{2}$/.test(nir.slice(1, 3)) && nir.slice(1, 3) !== birthDate.slice(2, 4)) {
      this.warnings.push({ line, column: 'nir', code: 'nir_naissance_incoherente', detail: 'L’année de naissance ne correspond pas au NIR.' });
    }
    if (this.errors.length > before) return null;
    return {
      externalId: externalId!, nir, lastName, firstName, birthDate: birthDate!, sex: sex!, mtRpps: mtRpps ?? null,
      mtFrom: mtFrom ?? null, mtTo: mtTo ?? null, infoNoteDate: infoNoteDate ?? null, evaluationOpposed: TRUE.has(opp),
    };
  }

  criterion(line: number, get: Get): CriterionRow | null {
    const before = this.errors.length;
    const externalId = this.externalId(line, get);
    const raw = this.fold(get('critere'));
    const criterion = (raw in CRITERIA ? raw : CRITERION_ALIASES[raw]) as Criterion | undefined;
    if (!criterion) {
      this.err(line, 'critere', 'critere_inconnu', `Critère inconnu « ${get('critere').trim().slice(0, 40)} » : attendus ${Object.keys(CRITERIA).join(', ')}.`);
      return null;
    }
    const spec: { label: string; min?: number; max?: number; integer?: boolean } = CRITERIA[criterion];
    let detail = '';
    let value: string | null = null;
    const rawValue = criterion === 'ald' && get('numero_ald').trim() !== '' ? get('numero_ald') : get('valeur');
    const column = criterion === 'ald' && get('numero_ald').trim() !== '' ? 'numero_ald' : 'valeur';
    if (spec.min !== undefined) {
      const n = parseDecimal(rawValue);
      if (n === null) this.err(line, column, 'valeur_manquante', `Valeur obligatoire pour le critère ${spec.label}.`);
      else if (n === 'invalid' || (spec.integer && !Number.isInteger(n))) this.err(line, column, 'valeur_invalide', `Valeur « ${rawValue.trim().slice(0, 20)} » : nombre${spec.integer ? ' entier' : ''} attendu pour ${spec.label}.`);
      else if (n < spec.min || n > spec.max!) this.err(line, column, 'valeur_hors_bornes', `Valeur ${String(n).replace('.', ',')} hors bornes pour ${spec.label} (de ${spec.min} à ${spec.max}).`);
      else if (criterion === 'ald') detail = String(n);
      else value = String(n);
    }
    const date = this.date(line, get, 'date', true, true);
    const validUntil = this.date(line, get, 'valide_jusqu_au', false);
    if (date && validUntil && validUntil < date) this.err(line, 'valide_jusqu_au', 'dates_incoherentes', 'La fin de validité précède la date du critère.');
    const pregnancyStart = this.date(line, get, 'debut_grossesse', false);
    const pregnancyEnd = this.date(line, get, 'fin_grossesse', false);
    if ((pregnancyStart || pregnancyEnd) && criterion !== 'declaration_obstetrique') {
      this.err(line, pregnancyStart ? 'debut_grossesse' : 'fin_grossesse', 'colonne_non_applicable', 'Dates de grossesse réservées à la déclaration obstétrique.');
    }
    if (pregnancyStart && pregnancyEnd && pregnancyEnd < pregnancyStart) this.err(line, 'fin_grossesse', 'dates_incoherentes', 'La fin de grossesse précède son début.');
    const author = get('auteur').trim() || null;
    if (criterion.startsWith('declaration_') && !author) {
      this.warnings.push({ line, column: 'auteur', code: 'auteur_manquant', detail: 'Critère déclaratif sans auteur.' });
    }
    if (this.errors.length > before) return null;
    return { externalId: externalId!, criterion, detail, value, date: date!, validUntil: validUntil ?? null, pregnancyStart: pregnancyStart ?? null, pregnancyEnd: pregnancyEnd ?? null, author };
  }

  encounter(line: number, get: Get): EncounterRow | null {
    const before = this.errors.length;
    const externalId = this.externalId(line, get);
    const rpps = this.rppsOf(line, 'rpps', get('rpps'), true);
    const date = this.date(line, get, 'date', true, true);
    const kind = ENCOUNTER_KINDS[this.fold(get('type'))];
    if (!kind) this.err(line, 'type', 'type_inconnu', `Type « ${get('type').trim().slice(0, 30)} » inconnu : consultation, téléconsultation ou visite attendu.`);
    const acts = get('actes').trim().toUpperCase().split(/[\s,|]+/).filter(Boolean);
    for (const a of acts) {
      const [main, ...majorations] = a.split('+');
      const ok = (/^[A-Z]{1,4}(\d+([.,]\d+)?)?$/.test(main) || /^[A-Z]{4}\d{3}$/.test(main)) && majorations.every((m) => /^[A-Z0-9]{1,5}$/.test(m));
      if (!ok) {
        this.err(line, 'actes', 'acte_invalide', `Code d’acte « ${a.slice(0, 30)} » invalide : code NGAP (ex. G, VG) ou CCAM (ex. DEQP003), majorations après « + ».`);
        break;
      }
    }
    if (this.errors.length > before) return null;
    return { externalId: externalId!, rpps: rpps!, date: date!, kind: kind!, place: get('lieu').trim() || null, acts };
  }
}

export const KIND_LABEL: Record<ImportKind, string> = { patients: 'patients', criteria: 'critères', activity: 'activité' };
