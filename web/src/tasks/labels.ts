// Which i18n keys name a task and explain it (field.*.json, `tasks.kind.*` and `tasks.hint.*`).
import type { Task, TaskKind } from './types.ts';

/** Every task kind the API sends (src/server/modules/cases/tasks.ts and src/server/modules/testing/tasks.ts). */
export const TASK_KINDS: readonly TaskKind[] = [
  'call_contact',
  'test_contact',
  'deliver_decision',
  'daily_check',
  'investigate_case',
  'receive_handover',
  'resample_pool_member',
  'confirm_rapid_test',
  'monitor_arrival',
  'test_arrival',
  'check_symptoms',
  'check_declared_contact',
  'home_vaccination',
];

/** The hint under a task's title: a positive rapid test is confirmed by RT-PCR or by a health worker's rapid test, as the policy in force said. */
export function hintKey(task: Pick<Task, 'kind' | 'detail'>): string {
  if (task.kind === 'confirm_rapid_test') return `tasks.hint.confirm_rapid_test_${task.detail?.confirmWith === 'rapid' ? 'rapid' : 'pcr'}`;
  return `tasks.hint.${task.kind}`;
}
