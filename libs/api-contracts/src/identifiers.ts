/** Luhn (mod 10) over a digit string: RPPS, SIRET, FINESS keys. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** RPPS: 11 digits, Luhn key. */
export const isValidRpps = (v: string): boolean => /^\d{11}$/.test(v) && luhnValid(v);

/** SIRET: 14 digits, Luhn key; La Poste's establishments (SIREN 356000000) use digit sum mod 5. */
export function isValidSiret(v: string): boolean {
  if (!/^\d{14}$/.test(v)) return false;
  if (v.startsWith('356000000')) return [...v].reduce((s, c) => s + Number(c), 0) % 5 === 0;
  return luhnValid(v);
}

/**
 * FINESS: 9 characters, department (2 digits, or 2A/2B for Corsica) then 6 digits and a Luhn key.
 * Corsican numbers are checked with the department read as 20, the pre-1976 code.
 */
export function isValidFiness(v: string): boolean {
  if (!/^(\d{2}|2A|2B)\d{7}$/i.test(v)) return false;
  return luhnValid(v.replace(/^2[AB]/i, '20'));
}

/** INSEE commune code: 5 characters, Corsica 2A/2B. */
export const isValidInseeCommune = (v: string): boolean => /^(\d{2}|2A|2B)\d{3}$/i.test(v);

/**
 * NIR (numéro d'inscription au répertoire, social security number): 13 characters then a
 * 2-digit key = 97 − (n mod 97). Corsica: department 2A / 2B counts as 19 / 18 for the key
 * (RULES.md glossary). Spaces and dots are tolerated in input and removed.
 */
export const normaliseNir = (raw: string): string => raw.replace(/[\s.]/g, '').toUpperCase();

export type NirCheck = { ok: true; nir: string } | { ok: false; code: 'nir_format' | 'nir_cle'; detail: string };

export function checkNir(raw: string): NirCheck {
  const nir = normaliseNir(raw);
  if (!/^[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$/.test(nir)) {
    return { ok: false, code: 'nir_format', detail: 'NIR invalide : 13 caractères et une clé de 2 chiffres attendus (départements corses 2A/2B acceptés).' };
  }
  const body = nir.slice(0, 13).replace(/^(.{5})2A/, '$119').replace(/^(.{5})2B/, '$118');
  const expected = 97 - (Number(body) % 97);
  if (Number(nir.slice(13)) !== expected) {
    return { ok: false, code: 'nir_cle', detail: `Clé du NIR incorrecte (${nir.slice(13)} lue, ${String(expected).padStart(2, '0')} attendue).` };
  }
  return { ok: true, nir };
}

/** NIR digit 1: 1 = man, 2 = woman (3, 4, 7, 8: provisional numbers, sex not coded reliably). */
export const nirSex = (nir: string): 'M' | 'F' | null => (nir[0] === '1' ? 'M' : nir[0] === '2' ? 'F' : null);
