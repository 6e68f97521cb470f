import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { setLang, type Lang } from '../i18n/index.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language')}
      value={i18n.language === 'en' ? 'en' : 'vi'}
      onChange={(v) => void setLang(v as Lang)}
      data={[
        { value: 'vi', label: 'VI' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}
