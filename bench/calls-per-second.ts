// A tinybench task's calls per second; an aborted task's result has no throughput (NaN then).
import type { Bench } from 'tinybench';

export function callsPerSecond(task: Bench['tasks'][number], statistic: 'mean' | 'p50' = 'mean'): number {
  return (task.result as { throughput?: Partial<Record<'mean' | 'p50', number>> } | undefined)?.throughput?.[statistic] ?? NaN;
}
