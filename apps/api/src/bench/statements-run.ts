/**
 * `npm run bench:statements`, part (a) of issue #6: the monthly computation of a structure of
 * 50 000 patients end to end (read, compute, persist), target < 10 s. Built with the monthly run
 * itself; until then it measures nothing and returns null. Its fields are spread into the
 * benchmark's JSON line (e.g. { monthlyRunS, monthlyRunPatients, monthlyRunTarget }).
 */
export async function benchMonthlyRun(adminUrl: string): Promise<Record<string, number> | null> {
  void adminUrl;
  return null;
}
