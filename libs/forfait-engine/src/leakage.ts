/**
 * Leakage regularisation (RULES §4, specification §8 "Le taux de fuite"): the real rate of year
 * N is known in N+1; amount due = gross × (1 − real rate), received = gross × (1 − theoretical
 * rate), regularisation = due − received. Perte d'autonomie lines are outside leakage: their
 * gross is both due and received.
 */
import { InputError, parseWith } from './errors';
import {
  applyLeakage,
  formatEuros,
  parseRate,
  ratePercentText,
  rateFromRatio,
  type Cents,
  type Rate,
  type RoundingMode,
} from './money';
import { getProgrammeParams } from './params';
import type { Regularisation } from './output-schemas';
import { RegulariseInputSchema, type RegulariseInput } from './schemas';

/** Real leakage rate = AMO value of in-scope acts done outside / total forfaits of the year. */
export function realLeakageRate(outsideAmountCents: Cents, forfaitTotalCents: Cents): Rate {
  if (forfaitTotalCents <= 0) throw new RangeError('the forfait total must be positive');
  if (outsideAmountCents >= forfaitTotalCents)
    throw new RangeError('outside amount ≥ forfait total: a rate of 100 % or more');
  return rateFromRatio(BigInt(outsideAmountCents), BigInt(forfaitTotalCents));
}

/** Forfait value after a leakage rate, rounded to the cent (the "100 € is worth 90 €" of §8). */
export function netOfLeakage(grossCents: Cents, rate: Rate, mode: RoundingMode = 'halfUp'): Cents {
  return applyLeakage(grossCents, rate, mode, 1);
}

function signed(cents: Cents): string {
  return `${cents > 0 ? '+' : ''}${formatEuros(cents)} €`;
}

/** Regularisation of a year from a validated input. */
export function computeRegularisation(input: RegulariseInput, mode: RoundingMode = 'halfUp'): Regularisation {
  const theoretical = parseRate(input.theoreticalRate);
  const real =
    input.realRate !== undefined
      ? parseRate(input.realRate)
      : realLeakageRate(input.outsideAmountCents as number, input.forfaitTotalCents as number);
  const exempt = input.grossExemptCents ?? 0;
  const gross = input.grossSubjectToLeakageCents;
  const dueCents = netOfLeakage(gross, real, mode) + exempt;
  const receivedCents = input.receivedCents ?? netOfLeakage(gross, theoretical, mode) + exempt;
  const regularisationCents = dueCents - receivedCents;
  const direction =
    regularisationCents > 0 ? 'cnamPaysStructure' : regularisationCents < 0 ? 'structurePaysBack' : 'none';
  const source =
    input.realRate !== undefined
      ? 'taux communiqué'
      : `${formatEuros(input.outsideAmountCents as number)} € hors structure / ${formatEuros(input.forfaitTotalCents as number)} € de forfaits`;
  const verdict =
    direction === 'cnamPaysStructure'
      ? "l'Assurance Maladie verse le complément à la structure"
      : direction === 'structurePaysBack'
        ? "la structure reverse le solde à l'Assurance Maladie"
        : 'pas de régularisation';
  return {
    year: input.year,
    theoreticalRate: theoretical.text,
    realRate: {
      text: real.text,
      percent: ratePercentText(real),
      numerator: String(real.num),
      denominator: String(real.den),
    },
    grossSubjectToLeakageCents: gross,
    grossExemptCents: exempt,
    dueCents,
    receivedCents,
    regularisationCents,
    direction,
    text: `Année ${input.year} : taux de fuite réel ${ratePercentText(real)} (${source}), théorique ${ratePercentText(theoretical)} ; dû ${formatEuros(dueCents)} €, perçu ${formatEuros(receivedCents)} € ; régularisation ${signed(regularisationCents)} : ${verdict} (à valider en COPIL annuel).`,
  };
}

/** Validates and computes a regularisation (`regularise` command). */
export function regularise(input: unknown): Regularisation {
  const parsed = parseWith(RegulariseInputSchema, input);
  try {
    return computeRegularisation(parsed, getProgrammeParams().rounding.mode);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError([{ path: 'outsideAmountCents', message: e.message }]);
    throw e;
  }
}
