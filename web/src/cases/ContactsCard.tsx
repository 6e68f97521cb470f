// The contacts traced from a case (F1, F2, …): whether each meets the F1 definition, their
// quarantine, and the next steps — trace onward, order quarantine, register as a case, reject.
// Contacts living in other communes are handed over to them and listed apart (SentHandovers).
import { useState } from 'react';
import { Anchor, Badge, Button, Group, Menu, Modal, Paper, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDots, IconFileTypePdf, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../lib/api.ts';
import { formatDate, todayInVietnam } from '../lib/format.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ContactForm } from './ContactForm.tsx';
import { OrderForm } from './OrderForm.tsx';
import { SentHandovers } from '../handover/SentHandovers.tsx';
import type { CaseDetail, Contact } from './api.ts';

type Dialog = { kind: 'add'; source: Contact | null } | { kind: 'order'; contact: Contact } | { kind: 'convert'; contact: Contact } | { kind: 'reject'; contact: Contact } | null;

export function ContactsCard({ detail, canManage, canOrder }: { detail: CaseDetail; canManage: boolean; canOrder: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [dialog, setDialog] = useState<Dialog>(null);
  const c = detail.case;
  const listed = [c.personId, ...detail.contacts.map((k) => k.personId)];
  const refresh = () => void qc.invalidateQueries({ queryKey: ['case', String(c.id)] });

  const addHousehold = useMutation({
    mutationFn: () =>
      api(`/cases/${c.id}/contacts`, {
        method: 'POST',
        body: { contacts: detail.householdProposals.map((p) => ({ personId: p.id, exposureDate: c.reportDate > todayInVietnam() ? todayInVietnam() : c.reportDate, setting: 'household', proximity: 'physical', source: 'household' })) },
      }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('cases.householdAdded', { count: detail.householdProposals.length }) });
      refresh();
    },
  });

  const [reason, setReason] = useState('');
  const reject = useMutation({
    mutationFn: (id: number) => api(`/contacts/${id}/reject`, { method: 'POST', body: { reason } }),
    onSuccess: () => {
      setDialog(null);
      setReason('');
      refresh();
    },
  });
  const convert = useMutation({
    mutationFn: (k: Contact) =>
      api<{ id: number }>(`/contacts/${k.id}/convert`, {
        method: 'POST',
        body: { reportDate: todayInVietnam(), sampleDate: todayInVietnam(), detectedIn: k.orderId ? 'quarantine' : 'community', evidence: { rapidPositiveAt: [new Date().toISOString()], epiLink: true } },
      }),
    onSuccess: (r) => {
      setDialog(null);
      notifications.show({ color: 'red', message: t('cases.converted') });
      refresh();
      void qc.invalidateQueries({ queryKey: ['cases'] });
      return r;
    },
  });

  const actions = (k: Contact) =>
    k.status === 'rejected' || k.status === 'became_case' ? null : (
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" rightSection={<IconDots size={14} />} aria-label={t('cases.actionsFor', { name: k.fullName })}>
            {t('cases.actions')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {canManage && <Menu.Item onClick={() => setDialog({ kind: 'add', source: k })}>{t('cases.traceNext', { degree: k.degree + 1 })}</Menu.Item>}
          {canOrder && !k.orderId && <Menu.Item onClick={() => setDialog({ kind: 'order', contact: k })}>{t('cases.orderQuarantine')}</Menu.Item>}
          {canManage && <Menu.Item color="red" onClick={() => setDialog({ kind: 'convert', contact: k })}>{t('cases.convert')}</Menu.Item>}
          {canManage && <Menu.Item onClick={() => setDialog({ kind: 'reject', contact: k })}>{t('cases.reject')}</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
    );

  const statusBadge = (k: Contact) => (
    <Group gap={4} wrap="nowrap">
      <Badge color={k.degree === 1 ? 'orange' : 'yellow'} variant="filled" size="sm">
        F{k.degree}
      </Badge>
      {k.status !== 'traced' && (
        <Badge color={k.status === 'became_case' ? 'red' : 'gray'} variant="light" size="sm">
          {t(`cases.contactStatus.${k.status}`)}
        </Badge>
      )}
      {k.degree === 1 && !k.meetsDefinition && k.status === 'traced' && (
        <Badge color="gray" variant="outline" size="sm" title={t('cases.notF1Hint')}>
          {t('cases.notF1')}
        </Badge>
      )}
    </Group>
  );

  const quarantine = (k: Contact) =>
    k.orderId ? (
      <Anchor href={`/api/quarantine-orders/${k.orderId}/decision.pdf`} target="_blank" size="sm">
        <Group gap={4} wrap="nowrap">
          <IconFileTypePdf size={16} />
          {t('cases.until', { date: formatDate(k.orderEndDate) })}
        </Group>
      </Anchor>
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );

  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h4">
              {t('cases.contacts', { count: detail.contacts.length })}
            </Title>
            {canManage && c.status === 'confirmed' && (
              <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setDialog({ kind: 'add', source: null })}>
                {t('cases.addF1')}
              </Button>
            )}
          </Group>
          {detail.householdProposals.length > 0 && canManage && (
            <Paper bg="orange.0" p="sm" radius="sm" data-testid="household-proposals">
              <Stack gap={6}>
                <Text size="sm" fw={600}>
                  {t('cases.householdProposals', { count: detail.householdProposals.length })}
                </Text>
                <Text size="sm">{detail.householdProposals.map((p) => p.fullName).join(', ')}</Text>
                <Group>
                  <Button size="xs" color="orange" loading={addHousehold.isPending} onClick={() => addHousehold.mutate()}>
                    {t('cases.addHousehold')}
                  </Button>
                </Group>
                {addHousehold.error && <ErrorAlert error={addHousehold.error} />}
              </Stack>
            </Paper>
          )}
          {!detail.contacts.length && <Text c="dimmed">{detail.handovers?.length ? t('handover.onlyElsewhere') : t('cases.noContacts')}</Text>}
          {detail.contacts.length > 0 &&
            (phone ? (
              <Stack gap="xs">
                {detail.contacts.map((k) => (
                  <Stack key={k.id} gap={2} p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} data-testid="contact-row">
                    <Group justify="space-between" wrap="nowrap">
                      <Anchor component={Link} to={k.caseId ? `/cases/${k.caseId}` : `/people/${k.personId}`} fw={600}>
                        {k.fullName}
                      </Anchor>
                      {statusBadge(k)}
                    </Group>
                    <Text size="sm" c="dimmed">
                      {formatDate(k.exposureDate)} · {t(`cases.settings.${k.setting}`)} · {t(`cases.prox.${k.proximity}`)}
                    </Text>
                    <Group justify="space-between">
                      {quarantine(k)}
                      {actions(k)}
                    </Group>
                  </Stack>
                ))}
              </Stack>
            ) : (
              <ScrollArea>
                <Table verticalSpacing={6} miw={760} highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('person.fullName')}</Table.Th>
                      <Table.Th>{t('cases.level')}</Table.Th>
                      <Table.Th>{t('cases.exposedTo')}</Table.Th>
                      <Table.Th>{t('cases.exposureDate')}</Table.Th>
                      <Table.Th>{t('cases.setting')}</Table.Th>
                      <Table.Th>{t('cases.quarantine')}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {detail.contacts.map((k) => (
                      <Table.Tr key={k.id} data-testid="contact-row">
                        <Table.Td>
                          <Anchor component={Link} to={k.caseId ? `/cases/${k.caseId}` : `/people/${k.personId}`} fw={600}>
                            {k.fullName}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {[formatDate(k.birthDate), k.communeName].filter((x) => x && x !== '—').join(' · ')}
                          </Text>
                        </Table.Td>
                        <Table.Td>{statusBadge(k)}</Table.Td>
                        <Table.Td>{k.sourceName}</Table.Td>
                        <Table.Td className="tabular">{formatDate(k.exposureDate)}</Table.Td>
                        <Table.Td>
                          {t(`cases.settings.${k.setting}`)}
                          <Text size="xs" c="dimmed">
                            {t(`cases.prox.${k.proximity}`)}
                            {k.durationMinutes != null ? ` · ${k.durationMinutes} ${t('cases.minutes')}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>{quarantine(k)}</Table.Td>
                        <Table.Td>{actions(k)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
            ))}
        </Stack>

        <Modal
          opened={dialog?.kind === 'add'}
          onClose={() => setDialog(null)}
          title={dialog?.kind === 'add' && dialog.source ? t('cases.traceFrom', { name: dialog.source.fullName, degree: dialog.source.degree + 1 }) : t('cases.addF1')}
          size="lg"
          fullScreen={phone}
        >
          {dialog?.kind === 'add' && (
            <ContactForm
              path={dialog.source ? `/contacts/${dialog.source.id}/contacts` : `/cases/${c.id}/contacts`}
              caseId={c.id}
              exclude={listed}
              defaultDate={dialog.source ? dialog.source.exposureDate : c.reportDate}
              onDone={(added) => {
                notifications.show({ color: 'green', message: added?.handover ? t('handover.recorded', { commune: added.handover.toUnitName }) : t('cases.contactAdded') });
                setDialog(null);
              }}
            />
          )}
        </Modal>
        <Modal opened={dialog?.kind === 'order'} onClose={() => setDialog(null)} title={t('cases.orderQuarantine')} size="lg" fullScreen={phone}>
          {dialog?.kind === 'order' && (
            <OrderForm
              personId={dialog.contact.personId}
              personName={dialog.contact.fullName}
              kind="quarantine"
              caseId={c.id}
              onDone={(o) => {
                notifications.show({ color: 'green', message: t('cases.orderIssued', { until: formatDate(o.endDate) }) });
                setDialog(null);
              }}
            />
          )}
        </Modal>
        <Modal opened={dialog?.kind === 'convert'} onClose={() => setDialog(null)} title={t('cases.convert')}>
          {dialog?.kind === 'convert' && (
            <Stack>
              <Text>{t('cases.convertConfirm', { name: dialog.contact.fullName })}</Text>
              {convert.error && <ErrorAlert error={convert.error} />}
              <Group justify="flex-end">
                <Button color="red" loading={convert.isPending} onClick={() => convert.mutate(dialog.contact)}>
                  {t('cases.convert')}
                </Button>
              </Group>
            </Stack>
          )}
        </Modal>
        <Modal opened={dialog?.kind === 'reject'} onClose={() => setDialog(null)} title={t('cases.reject')}>
          {dialog?.kind === 'reject' && (
            <Stack>
              <Textarea label={t('cases.rejectReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} />
              {reject.error && <ErrorAlert error={reject.error} />}
              <Group justify="flex-end">
                <Button disabled={reason.trim().length < 2} loading={reject.isPending} onClick={() => reject.mutate(dialog.contact.id)}>
                  {t('cases.reject')}
                </Button>
              </Group>
            </Stack>
          )}
        </Modal>
      </Paper>
      <SentHandovers handovers={detail.handovers ?? []} canManage={canManage} />
    </Stack>
  );
}
