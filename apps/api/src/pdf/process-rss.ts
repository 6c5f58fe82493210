import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of a process and all its descendants, bytes (Linux /proc). Chromium is a tree (browser,
 * zygotes, GPU/utility, one renderer per page): its footprint is the sum over the tree. `rss`
 * counts a page shared by several processes (zygote-forked code, shared memory) once per
 * process and so over-states a forked tree; `pss` (proportional set size) splits each shared page
 * between its sharers: the tree's real footprint. Zeros where /proc is not there.
 */
export function processTreeMemory(rootPid: number): { rss: number; pss: number; processes: number } {
  const pids = processTree(rootPid);
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += rssBytes(pid);
    pss += pssBytes(pid);
  }
  return { rss, pss, processes: pids.length };
}

/** RSS summed over the tree (see processTreeMemory). */
export function processTreeRssBytes(rootPid: number): number {
  return processTreeMemory(rootPid).rss;
}

/** The process and its live descendants. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Pss of one process, bytes (0 when it is gone or smaps_rollup is not readable). */
export function pssBytes(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** VmRSS of one process, bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}
