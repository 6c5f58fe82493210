import {
  addMonthsToDay,
  civilFromDays,
  completedMonths,
  completedYears,
  daysFromCivil,
  formatDay,
  isIsoDate,
  parseDay,
  windowStartDay,
} from './dates';

describe('calendar arithmetic', () => {
  it('round-trips days and civil dates across centuries and leap days', () => {
    for (const iso of ['1900-02-28', '1900-03-01', '2000-02-29', '2024-02-29', '2026-05-01', '2099-12-31']) {
      expect(formatDay(parseDay(iso))).toBe(iso);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });

  it('rejects impossible dates', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
  });

  it('clamps anniversaries to the end of the month', () => {
    expect(formatDay(addMonthsToDay(parseDay('2028-02-29'), 12))).toBe('2029-02-28');
    expect(formatDay(addMonthsToDay(parseDay('2026-01-31'), 1))).toBe('2026-02-28');
  });

  it('counts completed years and months (a 29 February birthday completes on 1 March)', () => {
    expect(completedYears(parseDay('2020-02-29'), parseDay('2021-02-28'))).toBe(0);
    expect(completedYears(parseDay('2020-02-29'), parseDay('2021-03-01'))).toBe(1);
    expect(completedMonths(parseDay('2024-05-15'), parseDay('2026-06-01'))).toBe(24);
    expect(completedMonths(parseDay('2024-05-01'), parseDay('2026-06-01'))).toBe(25);
  });

  it('windows of N months ending on a day cover whole months when they end on a month end', () => {
    expect(formatDay(windowStartDay(parseDay('2026-06-30'), 24))).toBe('2024-07-01');
    expect(formatDay(windowStartDay(parseDay('2026-02-28'), 24))).toBe('2024-03-01');
    expect(formatDay(windowStartDay(parseDay('2026-06-30'), 3))).toBe('2026-04-01');
  });
});
