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
