// A calendar date typed day first (dd/mm/yyyy), held as ISO 'YYYY-MM-DD' (or null when empty).
import { useEffect, useState } from 'react';
import { TextInput, type TextInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate, parseDayFirstDate } from '../lib/format.ts';

interface Props extends Omit<TextInputProps, 'value' | 'onChange'> {
  value: string | null;
  onChange(iso: string | null): void;
}

export function DateField({ value, onChange, error, ...rest }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(value ? formatDate(value) : '');
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    // Follow changes from outside (a reset, a reload after saving) unless the typed text already means that date.
    if ((value ?? null) !== (parseDayFirstDate(text) ?? null)) setText(value ? formatDate(value) : '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <TextInput
      placeholder="dd/mm/yyyy"
      inputMode="numeric"
      autoComplete="off"
      {...rest}
      value={text}
      error={error ?? (invalid ? t('fieldErrors.invalid_date') : undefined)}
      onChange={(e) => {
        const s = e.currentTarget.value;
        setText(s);
        if (!s.trim()) {
          setInvalid(false);
          onChange(null);
          return;
        }
        const iso = parseDayFirstDate(s);
        setInvalid(!iso && s.trim().length >= 8);
        // While the text is not a date the value is empty: a half-edited date is never sent.
        onChange(iso);
      }}
      onBlur={() => setInvalid(!!text.trim() && !parseDayFirstDate(text))}
    />
  );
}
