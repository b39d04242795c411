import { readdirSync, readFileSync } from 'node:fs';

/** Run time of one thread in ns (`schedstat`'s first field), 0 once it has gone. */
function taskNs(pid: number, task: string): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

/** `/proc/<pid>/stat`'s fields after the command name (which may hold spaces): the state first. */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * User + system CPU time of another process in ms: the sum of its threads' run time from
 * `/proc/<pid>/task/<tid>/schedstat` (nanoseconds), so a phase costing 100 ms of CPU is not read
 * to the nearest 10 ms clock tick; `/proc/<pid>/stat`'s ticks where schedstat reads nothing. A
 * thread that exits between two readings takes its time with it (Node's threads live as long as
 * the process does).
 */
export function cpuMsOf(pid: number): number {
  const ns = readdirSync(`/proc/${pid}/task`).reduce((sum, task) => sum + taskNs(pid, task), 0);
  if (ns > 0) return ns / 1e6;
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The parent pid of a process (`/proc/<pid>/stat`'s fourth field), undefined once it has gone. */
function parentOf(pid: string): number | undefined {
  try {
    return Number(statFields(pid)[1]);
  } catch {
    return undefined;
  }
}

/**
 * CPU time in ms of a server that forks a process per connection (PostgreSQL): the process and
 * its children alive now. Read before and after a phase whose connections stay open throughout,
 * so no backend's time leaves with it.
 */
export function treeCpuMs(pid: number): number {
  const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && parentOf(entry) === pid);
  return children.reduce((sum, child) => {
    try {
      return sum + cpuMsOf(Number(child));
    } catch {
      return sum; // gone between the listing and the reading
    }
  }, cpuMsOf(pid));
}
