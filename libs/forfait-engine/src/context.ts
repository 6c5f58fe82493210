/**
 * Everything that is fixed for one structure under one parameter set, computed once: the
 * resolved convention (rate as an exact rational), the roster, unit prices per line and the
 * per-month anchor days. Per-patient evaluation then only compares integers.
 */
import {
  FAR_FUTURE,
  FAR_PAST,
  anchorDay,
  firstDayOfMonth,
  formatDay,
  lastDayOfMonth,
  parseDay,
  windowStartDay,
} from './dates';
import { InputError, type InputIssue } from './errors';
import { parseRate, type Rate } from './money';
import { getProgrammeParams, DEFAULT_GRID_VERSION } from './params';
import type { ProgrammeParams } from './params/schema';
import { buildPricing, buildProfileTables, type Pricing, type ProfileTables } from './profile';
import { encounterMask } from './prepare';
import type { ConventionInput, PractitionerInput, SafeguardMethod } from './schemas';

export { FAR_FUTURE, FAR_PAST };

export interface ResolvedConvention {
  readonly structureId: string;
  readonly name?: string;
  readonly isIpso: boolean;
  readonly mtr1Participant: boolean;
  readonly entryDate: string;
  readonly entryDay: number;
  readonly exitDay: number;
  readonly theoreticalLeakageRate: Rate;
  readonly safeguardMethod: SafeguardMethod;
}

export interface RosterEntry {
  readonly rpps: string;
  readonly role: PractitionerInput['role'];
  readonly arrivalDay: number;
  readonly departureDay: number;
}

/** Anchor days of one billed month (all integers, epoch days). */
export interface MonthAnchors {
  readonly monthIndex: number;
  readonly month: string;
  readonly firstDay: number;
  readonly lastDay: number;
  /** Day the MT declaration must cover. */
  readonly coverageDay: number;
  /** Day states (ALD, C2S, declarations) are read. */
  readonly statusDay: number;
  readonly consommantStart: number;
  readonly consommantEnd: number;
  readonly assessmentStart: number;
  readonly assessmentEnd: number;
  readonly homeVisitStart: number;
  readonly homeVisitEnd: number;
  readonly homeCareWarnStart: number;
  /** Age in months on the anchor day = monthIndex − birthKey (see birthKeyOf). */
  readonly ageAnchorDayOfMonth: number;
  /** ISO texts of the anchors, for explanations. */
  readonly text: {
    readonly ageDay: string;
    readonly coverageDay: string;
    readonly statusDay: string;
    readonly consommantStart: string;
    readonly consommantEnd: string;
    readonly assessmentStart: string;
    readonly assessmentEnd: string;
    readonly homeVisitStart: string;
    readonly homeVisitEnd: string;
  };
}

export interface EngineContext {
  readonly gridVersion: string;
  readonly params: ProgrammeParams;
  readonly convention: ResolvedConvention;
  readonly roster: ReadonlyMap<string, RosterEntry>;
  /** RPPS of the structure's doctors (possible MT), sorted: index = payee index in columns. */
  readonly doctors: readonly string[];
  readonly doctorIndex: ReadonlyMap<string, number>;
  readonly pricing: Pricing;
  readonly profile: ProfileTables;
  readonly launchDay: number;
  readonly programmeEndDay: number;
  /** Encounter masks of each rule (kinds and roles from the parameters). */
  readonly masks: {
    readonly consommant: EncounterMask;
    readonly entry: EncounterMask;
    readonly homeVisit: EncounterMask;
    readonly doctorHomeVisit: EncounterMask;
  };
  /** Simulation mode: inclusion is not checked. */
  readonly assumeIncluded: boolean;
  /** Month anchors, memoised per month index. */
  anchors(monthIndex: number): MonthAnchors;
}

export interface EncounterMask {
  readonly kinds: number;
  readonly roles: number;
}

export interface ContextOptions {
  convention: ConventionInput | ResolvedConvention;
  practitioners: readonly PractitionerInput[];
  /** Parameter set; default the registered grid `gridVersion` (default "MTR2-2026"). */
  params?: ProgrammeParams;
  gridVersion?: string;
  /** Override of the convention's theoretical rate (simulation at 5/15/25 %). */
  rateOverride?: Rate;
  /** Simulation of a candidate: every MT patient counts as included (no inclusion dates yet). */
  assumeIncluded?: boolean;
}

/** Resolves the convention defaults (RULES §3: 15 % for ipso) and checks what needs the params. */
export function resolveConvention(convention: ConventionInput, params: ProgrammeParams): ResolvedConvention {
  const issues: InputIssue[] = [];
  if (!convention.isIpso && convention.theoreticalLeakageRate === undefined)
    issues.push({
      path: 'convention.theoreticalLeakageRate',
      message: 'required for a non-ipso structure (set by its CNAM convention)',
    });
  if (convention.mtr1Participant && !convention.isIpso)
    issues.push({ path: 'convention.mtr1Participant', message: 'the MTR 1 structures are ipso structures' });
  if (convention.entryDate < params.programme.launchDate || convention.entryDate > params.programme.endDate)
    issues.push({
      path: 'convention.entryDate',
      message: `entry date ${convention.entryDate} is outside the programme (${params.programme.launchDate} – ${params.programme.endDate})`,
    });
  if (convention.mtr1Participant && convention.entryDate !== params.programme.launchDate)
    issues.push({
      path: 'convention.entryDate',
      message: `an MTR 1 structure enters at the MTR 2 launch, ${params.programme.launchDate}`,
    });
  if (convention.exitDate !== undefined && convention.exitDate <= convention.entryDate)
    issues.push({ path: 'convention.exitDate', message: 'exit date must be after the entry date' });
  if (issues.length > 0) throw new InputError(issues);
  return {
    structureId: convention.structureId,
    name: convention.name,
    isIpso: convention.isIpso,
    mtr1Participant: convention.mtr1Participant,
    entryDate: convention.entryDate,
    entryDay: parseDay(convention.entryDate),
    exitDay: convention.exitDate === undefined ? FAR_FUTURE : parseDay(convention.exitDate),
    theoreticalLeakageRate: parseRate(
      convention.theoreticalLeakageRate ?? params.defaults.ipsoTheoreticalLeakageRate,
    ),
    safeguardMethod: convention.safeguardMethod ?? params.defaults.safeguardMethod,
  };
}

export function createEngineContext(options: ContextOptions): EngineContext {
  const gridVersion = options.params?.version ?? options.gridVersion ?? DEFAULT_GRID_VERSION;
  const params = options.params ?? getProgrammeParams(gridVersion);
  const convention =
    'entryDay' in options.convention ? options.convention : resolveConvention(options.convention, params);
  const issues: InputIssue[] = [];
  const roster = new Map<string, RosterEntry>();
  options.practitioners.forEach((p, i) => {
    if (roster.has(p.rpps))
      issues.push({ path: `practitioners[${i}].rpps`, message: `duplicate RPPS ${p.rpps}` });
    if (p.arrivalDate !== undefined && p.departureDate !== undefined && p.departureDate < p.arrivalDate)
      issues.push({ path: `practitioners[${i}].departureDate`, message: 'departure before arrival' });
    roster.set(p.rpps, {
      rpps: p.rpps,
      role: p.role,
      arrivalDay: p.arrivalDate === undefined ? FAR_PAST : parseDay(p.arrivalDate),
      departureDay: p.departureDate === undefined ? FAR_FUTURE : parseDay(p.departureDate),
    });
  });
  if (issues.length > 0) throw new InputError(issues);
  const doctors = [...roster.values()]
    .filter((r) => r.role === 'doctor')
    .map((r) => r.rpps)
    .sort();
  const rate = options.rateOverride ?? convention.theoreticalLeakageRate;
  const cache = new Map<number, MonthAnchors>();
  const ctx: EngineContext = {
    gridVersion: params.version,
    params,
    convention: { ...convention, theoreticalLeakageRate: rate },
    roster,
    doctors,
    doctorIndex: new Map(doctors.map((rpps, i) => [rpps, i])),
    pricing: buildPricing(params, rate),
    profile: buildProfileTables(params),
    launchDay: parseDay(params.programme.launchDate),
    programmeEndDay: parseDay(params.programme.endDate),
    assumeIncluded: options.assumeIncluded ?? false,
    masks: {
      consommant: encounterMask(params.consommant.encounterKinds, params.consommant.roles),
      entry: encounterMask(params.inclusion.entryEncounterKinds, params.inclusion.entryEncounterRoles),
      // A home visit is an encounter of kind 'visit' (visite à domicile).
      homeVisit: encounterMask(['visit'], params.criteria.homeDependency.homeVisitRoles),
      doctorHomeVisit: encounterMask(['visit'], ['doctor']),
    },
    anchors(monthIndex: number): MonthAnchors {
      let a = cache.get(monthIndex);
      if (a === undefined) {
        a = computeAnchors(params, monthIndex);
        cache.set(monthIndex, a);
      }
      return a;
    },
  };
  return ctx;
}

function computeAnchors(params: ProgrammeParams, monthIndex: number): MonthAnchors {
  const c = params.criteria;
  const consommantEnd = anchorDay(monthIndex, params.consommant.anchor);
  const assessmentEnd = anchorDay(monthIndex, c.assessmentAnchor);
  const homeVisitEnd = anchorDay(monthIndex, c.homeDependency.homeVisitAnchor);
  const year = Math.floor(monthIndex / 12);
  const coverageDay = anchorDay(monthIndex, params.eligibility.coverageAnchor);
  const statusDay = anchorDay(monthIndex, c.statusAnchor);
  const consommantStart = windowStartDay(consommantEnd, params.consommant.windowMonths);
  const assessmentStart = windowStartDay(assessmentEnd, c.assessmentWindowMonths);
  const homeVisitStart = windowStartDay(homeVisitEnd, c.homeDependency.homeVisitWindowMonths);
  return {
    monthIndex,
    month: `${year}-${String(monthIndex - year * 12 + 1).padStart(2, '0')}`,
    firstDay: firstDayOfMonth(monthIndex),
    lastDay: lastDayOfMonth(monthIndex),
    coverageDay,
    statusDay,
    consommantStart,
    consommantEnd,
    assessmentStart,
    assessmentEnd,
    homeVisitStart,
    homeVisitEnd,
    homeCareWarnStart: windowStartDay(homeVisitEnd, c.homeDependency.warnWindowMonths),
    ageAnchorDayOfMonth: params.age.anchorDayOfMonth,
    text: {
      ageDay: formatDay(firstDayOfMonth(monthIndex) + params.age.anchorDayOfMonth - 1),
      coverageDay: formatDay(coverageDay),
      statusDay: formatDay(statusDay),
      consommantStart: formatDay(consommantStart),
      consommantEnd: formatDay(consommantEnd),
      assessmentStart: formatDay(assessmentStart),
      assessmentEnd: formatDay(assessmentEnd),
      homeVisitStart: formatDay(homeVisitStart),
      homeVisitEnd: formatDay(homeVisitEnd),
    },
  };
}
