// A contact who lives in another commune, as the tracer knows them: the name and either the CCCD
// or the phone and birth date. The registry is asked whether that exact person exists (never
// searched): the answer is only the commune they live in. Not there: they are entered as someone
// new of the commune picked. Either way the contact is handed over to that commune.
import { Alert, Anchor, Button, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DateField } from '../common/DateField.tsx';
import { api } from '../lib/api.ts';
import type { IdentityLookup } from './api.ts';
import { handoverErrorText, handoverFieldErrors } from './errors.ts';
import { OtherCommuneSelect } from './OtherCommuneSelect.tsx';

export interface Elsewhere {
  fullName: string;
  cccd: string;
  phone: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  address: string;
  unitCode: string | null;
  message: string;
  /** The registry's answer for the identity typed (reset when it changes). */
  lookup: IdentityLookup | null;
}

export const emptyElsewhere: Elsewhere = { fullName: '', cccd: '', phone: '', birthDate: null, sex: null, address: '', unitCode: null, message: '', lookup: null };

/** What to send: the identity when the registry knows them (outside the jurisdiction), a new person when it does not. */
export function elsewhereContact(v: Elsewhere, confirmNew: boolean) {
  const fullName = v.fullName.trim();
  if (v.lookup?.found) return { identity: v.cccd.trim() ? { fullName, cccd: v.cccd.trim() } : { fullName, phone: v.phone.trim(), birthDate: v.birthDate } };
  return {
    newPerson: {
      fullName,
      birthDate: v.birthDate,
      sex: v.sex,
      phone: v.phone.trim() || null,
      cccd: v.cccd.trim() || null,
      unitCode: v.unitCode ?? '',
      address: v.address.trim() || null,
      confirmNew,
    },
  };
}

/** Ready to record and hand over: found in another commune, or not found and a commune picked. */
export const elsewhereReady = (v: Elsewhere) => !!v.lookup && ((v.lookup.found && !v.lookup.inJurisdiction) || (!v.lookup.found && !!v.unitCode));

export function ElsewhereFields({ value, onChange, errors, onUseRegistry }: { value: Elsewhere; onChange(v: Elsewhere): void; errors: Record<string, string>; onUseRegistry(): void }) {
  const { t } = useTranslation();
  // Changing who it is asks the registry again.
  const setIdentity = <K extends 'fullName' | 'cccd' | 'phone' | 'birthDate'>(k: K, v: Elsewhere[K]) => {
    lookup.reset();
    onChange({ ...value, [k]: v, lookup: null });
  };
  const set = <K extends keyof Elsewhere>(k: K, v: Elsewhere[K]) => onChange({ ...value, [k]: v });
  const lookup = useMutation({
    mutationFn: () =>
      api<IdentityLookup>('/handovers/lookup', {
        method: 'POST',
        body: value.cccd.trim() ? { fullName: value.fullName.trim(), cccd: value.cccd.trim() } : { fullName: value.fullName.trim(), phone: value.phone.trim(), birthDate: value.birthDate },
      }),
    onSuccess: (r) => onChange({ ...value, lookup: r }),
  });
  const lookupErrs = handoverFieldErrors(lookup.error, t);
  const err = (k: string) => errors[`identity.${k}`] ?? errors[`newPerson.${k}`] ?? lookupErrs[k];
  const canLookUp = value.fullName.trim().length >= 2 && (value.cccd.trim().length > 0 || (value.phone.trim().length > 0 && !!value.birthDate));
  const r = value.lookup;

  return (
    <Stack gap="sm" data-testid="elsewhere">
      <Text size="sm" c="dimmed">
        {t('handover.identityHint')}
      </Text>
      <TextInput label={t('person.fullName')} value={value.fullName} onChange={(e) => setIdentity('fullName', e.currentTarget.value)} error={err('fullName')} required />
      <TextInput label={t('person.cccd')} value={value.cccd} onChange={(e) => setIdentity('cccd', e.currentTarget.value)} error={err('cccd')} inputMode="numeric" />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput label={t('person.phone')} value={value.phone} onChange={(e) => setIdentity('phone', e.currentTarget.value)} error={err('phone')} inputMode="tel" />
        <DateField label={t('person.birthDate')} value={value.birthDate} onChange={(v) => setIdentity('birthDate', v)} error={err('birthDate')} />
      </SimpleGrid>
      {!r && (
        <Group>
          <Button variant="light" leftSection={<IconSearch size={16} />} onClick={() => lookup.mutate()} loading={lookup.isPending} disabled={!canLookUp}>
            {t('handover.lookUp')}
          </Button>
        </Group>
      )}
      {lookup.error && !Object.keys(lookupErrs).length && <Alert color="red" variant="light">{handoverErrorText(lookup.error, t)}</Alert>}
      {r?.found && !r.inJurisdiction && (
        <Alert color="teal" variant="light" data-testid="lookup-found">
          {t('handover.foundIn', { commune: r.commune!.name, district: r.commune!.districtName ?? '' })}
        </Alert>
      )}
      {r?.found && r.inJurisdiction && (
        <Alert color="yellow" variant="light">
          {t('handover.foundHere')}{' '}
          <Anchor component="button" type="button" onClick={onUseRegistry}>
            {t('handover.pickFromRegistry')}
          </Anchor>
        </Alert>
      )}
      {r && !r.found && (
        <>
          <Alert color="yellow" variant="light" data-testid="lookup-not-found">
            {r.ambiguous ? t('handover.ambiguous') : t('handover.notFound')}
          </Alert>
          {!r.ambiguous && (
            <>
              <OtherCommuneSelect label={t('handover.livesIn')} value={value.unitCode} onChange={(code) => set('unitCode', code)} error={errors['newPerson.unitCode']} required />
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                <Select
                  label={t('person.sex')}
                  value={value.sex}
                  onChange={(v) => set('sex', (v as 'M' | 'F' | null) ?? null)}
                  data={[
                    { value: 'M', label: t('person.M') },
                    { value: 'F', label: t('person.F') },
                  ]}
                  clearable
                />
                <TextInput label={t('person.address')} value={value.address} onChange={(e) => set('address', e.currentTarget.value)} />
              </SimpleGrid>
            </>
          )}
        </>
      )}
      {r && !(r.found && r.inJurisdiction) && !r.ambiguous && (
        <Textarea
          label={t('handover.message')}
          description={t('handover.messageHint')}
          value={value.message}
          onChange={(e) => set('message', e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={1000}
        />
      )}
    </Stack>
  );
}
