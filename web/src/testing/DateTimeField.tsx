// A moment typed the Vietnamese way: the day as dd/mm/yyyy and the time as hh:mm (24 h), held as
// 'YYYY-MM-DDTHH:mm' in Vietnam time (photo.ts turns it into an instant). The browser's own
// date-time picker follows the phone's locale (month first in English), so it is not used.
import { Group, Input, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DateField } from '../common/DateField.tsx';

interface Props {
  label: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  required?: boolean;
  size?: 'sm' | 'md';
  name?: string;
}

export function DateTimeField({ label, value, onChange, error, required, size = 'md', name }: Props) {
  const { t } = useTranslation();
  const [date, time = ''] = value.split('T');
  return (
    <Input.Wrapper label={label} error={error} required={required}>
      <Group gap="xs" wrap="nowrap" mt={4}>
        <DateField aria-label={`${label} — ${t('testing.time.date')}`} value={date || null} onChange={(d) => onChange(`${d ?? ''}T${time}`)} size={size} style={{ flex: 3 }} name={name ? `${name}Date` : undefined} />
        <TextInput
          aria-label={`${label} — ${t('testing.time.time')}`}
          placeholder="hh:mm"
          inputMode="numeric"
          maxLength={5}
          value={time}
          onChange={(e) => {
            const raw = e.currentTarget.value.replace(/[^\d:]/g, '');
            // 0930 → 09:30 as it is typed on a numeric keypad.
            const v = /^\d{3,4}$/.test(raw) ? `${raw.slice(0, raw.length - 2).padStart(2, '0')}:${raw.slice(-2)}` : raw;
            onChange(`${date ?? ''}T${v}`);
          }}
          size={size}
          style={{ flex: 2 }}
          name={name ? `${name}Time` : undefined}
        />
      </Group>
    </Input.Wrapper>
  );
}
