import { useState } from 'react';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A "Tải Excel" button running an async export, with a spinner while the file is built. */
export function ExcelButton({ onExport, disabled }: { onExport(): Promise<void>; disabled?: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="xs"
      variant="light"
      color="green"
      leftSection={<IconFileSpreadsheet size={16} />}
      loading={busy}
      disabled={disabled}
      onClick={async () => {
        setBusy(true);
        try {
          await onExport();
        } catch (e) {
          notifications.show({ color: 'red', message: e instanceof Error ? e.message : t('app.error') });
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('app.downloadExcel')}
    </Button>
  );
}
