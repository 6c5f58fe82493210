import type { InputIssue } from '@mtr/forfait-engine';

/**
 * The forfait engine words its validation issues in English: it is also a command-line tool for
 * developers, and its messages are pinned by its own tests. What reaches a coordinator or the
 * ipso team in a problem's `detail` is said in French here, at the API boundary. A message with
 * no rule below is passed through unchanged (engine-messages.spec.ts drives the engine's own
 * checks and fails when one of them comes out untranslated).
 */
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^birth date (\S+) is after the billed month (\S+)$/, (m) => `date de naissance ${m[1]} postérieure au mois facturé ${m[2]}`],
  [/^implausible birth date (\S+) \(more than (\d+) years old during the programme\)$/, (m) => `date de naissance ${m[1]} invraisemblable (plus de ${m[2]} ans pendant le programme)`],
  [/^death date (\S+) is before the birth date (\S+)$/, (m) => `date de décès ${m[1]} antérieure à la date de naissance ${m[2]}`],
  [/^inclusion before the birth date$/, () => 'inclusion antérieure à la date de naissance'],
  [/^declaration on (\S+), before the birth date (\S+)$/, (m) => `déclaration du ${m[1]}, antérieure à la date de naissance ${m[2]}`],
  [/^ends on (\S+), before it starts \((\S+)\)$/, (m) => `se termine le ${m[1]}, avant de commencer (${m[2]})`],
  [/^overlaps mtDeclarations\[(\d+)\]: a patient has one MT at a time \(close the previous one with "to"\)$/, (m) => `chevauche la déclaration n° ${Number(m[1]) + 1} : un patient n'a qu'un médecin traitant à la fois (fermez la précédente par sa date de fin)`],
  [/^(\S+) dated (\S+), before the birth date (\S+)$/, (m) => `${m[1]} daté du ${m[2]}, antérieur à la date de naissance ${m[3]}`],
  [/^pregnancy ends on (\S+), before its declaration \((\S+)\)$/, (m) => `grossesse terminée le ${m[1]}, avant sa déclaration (${m[2]})`],
  [/^encounter on (\S+), before the birth date (\S+)$/, (m) => `contact du ${m[1]}, antérieur à la date de naissance ${m[2]}`],
  [/^encounter on (\S+), after the death date (\S+)$/, (m) => `contact du ${m[1]}, postérieur à la date de décès ${m[2]}`],
  [/^month (\S+) is outside the programme \((\S+) – (\S+)\)$/, (m) => `mois ${m[1]} hors du programme (${m[2]} – ${m[3]})`],
  [/^month (\S+) is listed twice$/, (m) => `mois ${m[1]} présent deux fois`],
  [/^duplicate patient id (.+) \(also (.+)\)$/, (m) => `identifiant patient ${m[1]} en double (aussi ${m[2]})`],
  [/^RPPS check digit \(Luhn\) is wrong$/, () => 'clé de contrôle du RPPS (Luhn) erronée'],
  [/^required for a non-ipso structure \(set by its CNAM convention\)$/, () => 'obligatoire pour une structure hors ipso (fixé par sa convention avec la CNAM)'],
  [/^the MTR 1 structures are ipso structures$/, () => 'les structures du MTR 1 sont des structures ipso'],
  [/^entry date (\S+) is outside the programme \((\S+) – (\S+)\)$/, (m) => `date d'entrée ${m[1]} hors du programme (${m[2]} – ${m[3]})`],
  [/^an MTR 1 structure enters at the MTR 2 launch, (\S+)$/, (m) => `une structure du MTR 1 entre au lancement du MTR 2, le ${m[1]}`],
  [/^exit date must be after the entry date$/, () => "la date de sortie doit suivre la date d'entrée"],
  [/^duplicate RPPS (\S+)$/, (m) => `RPPS ${m[1]} en double`],
  [/^departure before arrival$/, () => "départ antérieur à l'arrivée"],
  [/^validTo is before validFrom$/, () => 'fin de validité antérieure à son début'],
  [/^tariff of (\S+) overlaps another period of the same code$/, (m) => `le tarif de ${m[1]} chevauche une autre période du même code`],
  [/^no tariff for majoration (\S+) on (\S+)$/, (m) => `aucun tarif de la majoration ${m[1]} au ${m[2]}`],
  [/^no tariff for (\S+) on (\S+)$/, (m) => `aucun tarif de ${m[1]} au ${m[2]}`],
  [/^before the start of the doctor's window \((.+)\)$/, (m) => `antérieur au début de la période du médecin (${m[1]})`],
  [/^"(.*)" is not a decimal rate \(write 0\.15 for 15 %\)$/, (m) => `« ${m[1]} » n'est pas un taux décimal (écrire 0.15 pour 15 %)`],
  [/^rate (\S+) is outside \[0, 1\)$/, (m) => `taux ${m[1]} hors de [0, 1)`],
  [/^unknown grid version (.+)$/, (m) => `version de grille inconnue ${m[1]}`],
  [/^unknown line (.+)$/, (m) => `ligne de forfait inconnue ${m[1]}`],
];

export function frenchEngineMessage(message: string): string {
  for (const [re, say] of RULES) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}

/** "path : message" in French, for a problem's detail. */
export function frenchEngineIssue(issue: InputIssue, where: (path: string) => string = (p) => p): string {
  return `${where(issue.path)} : ${frenchEngineMessage(issue.message)}`;
}
