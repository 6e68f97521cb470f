// A calendar date typed the Vietnamese way (dd/mm/yyyy); the caller parses it with parseDayFirstDate.
import { TextInput, type TextInputProps } from '@mantine/core';

export function DateField({ value, onChange, ...rest }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onChange(text: string): void }) {
  return <TextInput placeholder="dd/mm/yyyy" inputMode="numeric" autoComplete="off" maxLength={10} {...rest} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
}
