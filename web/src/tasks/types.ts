// Shapes of GET /api/tasks (src/server/modules/cases/tasks.ts).
export type TaskKind =
  | 'call_contact'
  | 'test_contact'
  | 'deliver_decision'
  | 'daily_check'
  | 'investigate_case'
  | 'receive_handover'
  // Testing (src/server/modules/testing/tasks.ts): a member of a positive pool, a positive rapid test.
  | 'resample_pool_member'
  | 'confirm_rapid_test'
  // Health declarations (src/server/modules/checkpoints/declarations.ts): arrivals from outbreak areas, symptoms.
  | 'monitor_arrival'
  | 'test_arrival'
  | 'check_symptoms'
  | 'check_declared_contact'
  // Vaccination (src/server/modules/vaccination/home.ts): vaccinate at home someone who cannot travel.
  | 'home_vaccination';
export type TaskState = 'open' | 'overdue' | 'done';

export interface Task {
  id: number;
  kind: TaskKind;
  personId: number | null;
  fullName: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  caseId: number | null;
  contactId: number | null;
  orderId: number | null;
  role: string;
  assigneeId: number | null;
  assigneeName: string | null;
  dueAt: string;
  overdue: boolean;
  detail: {
    day?: number;
    date?: string;
    handoverId?: number;
    degree?: number;
    followUpId?: number;
    poolId?: number;
    rapidTestId?: number;
    confirmWith?: 'rapid' | 'pcr';
    source?: 'health_worker' | 'self_report';
  } | null;
  status: 'open' | 'done' | 'cancelled';
  doneAt: string | null;
  note: string | null;
}

export interface TaskCounts {
  open: number;
  overdue: number;
  doneToday: number;
}

export interface TaskList {
  items: Task[];
  counts: TaskCounts;
}
