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
