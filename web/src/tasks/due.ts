// "Còn 3 giờ" / "Quá hạn 2 ngày": how far a due time is from now, in the unit a person would say.
export interface DueIn {
  overdue: boolean;
  unit: 'minutes' | 'hours' | 'days';
  count: number;
}

export function dueIn(dueAt: string, now: Date = new Date()): DueIn {
  const ms = new Date(dueAt).getTime() - now.getTime();
  const overdue = ms < 0;
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return { overdue, unit: 'minutes', count: minutes };
  const hours = Math.round(minutes / 60);
  if (hours < 48) return { overdue, unit: 'hours', count: hours };
  return { overdue, unit: 'days', count: Math.round(hours / 24) };
}
