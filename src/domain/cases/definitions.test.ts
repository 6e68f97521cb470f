import { describe, expect, it } from 'vitest';
import { checkF1, classifyF0, transmissionWindow, type F0Evidence } from './definitions.ts';
import { CASE_POLICY_DEFINITIONS, type F0DefinitionPolicy, type F1DefinitionPolicy } from './policies.ts';
import { versionOn } from '../policies/registry.ts';

const defaults = (key: string) => CASE_POLICY_DEFINITIONS.find((d) => d.key === key)!.defaults;
const f0On = (date: string) => versionOn(defaults('cases.f0_definition').map((d) => ({ ...d, effectiveTo: null })), date)!.value as F0DefinitionPolicy;
const f1 = defaults('cases.f1_definition')[0].value as F1DefinitionPolicy;
const none: F0Evidence = { pcrPositive: false, rapidPositiveAt: [], isF1: false, suspected: false, epiLink: false };

describe('F0 definition (Official Letter 11042/BYT-DP, 29/12/2021)', () => {
  it('confirms a PCR positive under every version', () => {
    expect(classifyF0({ ...none, pcrPositive: true }, f0On('2021-08-01'))).toEqual({ confirmed: true, basis: 'pcr' });
    expect(classifyF0({ ...none, pcrPositive: true }, f0On('2022-01-05'))).toEqual({ confirmed: true, basis: 'pcr' });
  });
  it('confirms an F1 with a positive rapid test only from 29/12/2021', () => {
    const e = { ...none, isF1: true, rapidPositiveAt: ['2022-01-05T08:00:00Z'] };
    expect(classifyF0(e, f0On('2021-12-28'))).toEqual({ confirmed: false });
    expect(classifyF0(e, f0On('2021-12-29'))).toEqual({ confirmed: true, basis: 'rapid_f1' });
  });
  it('confirms a suspected case with a positive rapid test only with an epidemiological link', () => {
    const p = f0On('2022-01-05');
    expect(classifyF0({ ...none, suspected: true, rapidPositiveAt: ['2022-01-05T08:00:00Z'] }, p)).toEqual({ confirmed: false });
    expect(classifyF0({ ...none, suspected: true, epiLink: true, rapidPositiveAt: ['2022-01-05T08:00:00Z'] }, p)).toEqual({ confirmed: true, basis: 'rapid_suspected_link' });
  });
  it('confirms two positive rapid tests within 8 hours with a link, not 9 hours apart', () => {
    const p = f0On('2022-01-05');
    expect(classifyF0({ ...none, epiLink: true, rapidPositiveAt: ['2022-01-05T16:00:00Z', '2022-01-05T08:00:00Z'] }, p)).toEqual({ confirmed: true, basis: 'rapid_twice' });
    expect(classifyF0({ ...none, epiLink: true, rapidPositiveAt: ['2022-01-05T08:00:00Z', '2022-01-05T17:00:00Z'] }, p)).toEqual({ confirmed: false });
    expect(classifyF0({ ...none, rapidPositiveAt: ['2022-01-05T08:00:00Z', '2022-01-05T09:00:00Z'] }, p)).toEqual({ confirmed: false });
  });
  it('a single rapid test without F1 status or a link is not a case', () => {
    expect(classifyF0({ ...none, rapidPositiveAt: ['2022-01-05T08:00:00Z'] }, f0On('2022-01-05'))).toEqual({ confirmed: false });
  });
});

describe('F1 definition', () => {
  const w = transmissionWindow({ onsetDate: '2021-09-10', sampleDate: '2021-09-11', reportDate: '2021-09-12' }, f1);
  it('the transmission period starts 2 days before onset, or before the sample when asymptomatic', () => {
    expect(w).toEqual({ from: '2021-09-08', to: null });
    expect(transmissionWindow({ onsetDate: null, sampleDate: '2021-09-11', reportDate: '2021-09-12' }, f1).from).toBe('2021-09-09');
    expect(transmissionWindow({ onsetDate: null, sampleDate: null, reportDate: '2021-09-12', endDate: '2021-09-20' }, f1)).toEqual({ from: '2021-09-10', to: '2021-09-20' });
  });
  it('direct contact and care without protection always count', () => {
    expect(checkF1({ exposureDate: '2021-09-09', proximity: 'physical', durationMinutes: 1, masked: true }, w, f1)).toEqual({ meets: true });
    expect(checkF1({ exposureDate: '2021-09-09', proximity: 'care_without_ppe', durationMinutes: null, masked: null }, w, f1)).toEqual({ meets: true });
  });
  it('within 2 m unmasked counts for any duration; masked from 15 minutes', () => {
    expect(checkF1({ exposureDate: '2021-09-10', proximity: 'within_2m', durationMinutes: 2, masked: false }, w, f1)).toEqual({ meets: true });
    expect(checkF1({ exposureDate: '2021-09-10', proximity: 'within_2m', durationMinutes: 14, masked: true }, w, f1)).toEqual({ meets: false, reason: 'too_short' });
    expect(checkF1({ exposureDate: '2021-09-10', proximity: 'same_closed_space', durationMinutes: 15, masked: true }, w, f1)).toEqual({ meets: true });
    expect(checkF1({ exposureDate: '2021-09-10', proximity: 'same_closed_space', durationMinutes: null, masked: null }, w, f1)).toEqual({ meets: false, reason: 'too_short' });
  });
  it('farther than 2 m, or outside the transmission period, does not count', () => {
    expect(checkF1({ exposureDate: '2021-09-10', proximity: 'farther', durationMinutes: 600, masked: false }, w, f1)).toEqual({ meets: false, reason: 'too_far' });
    expect(checkF1({ exposureDate: '2021-09-07', proximity: 'physical', durationMinutes: 60, masked: false }, w, f1)).toEqual({ meets: false, reason: 'outside_window' });
    const ended = { from: w.from, to: '2021-09-20' };
    expect(checkF1({ exposureDate: '2021-09-21', proximity: 'physical', durationMinutes: 60, masked: false }, ended, f1)).toEqual({ meets: false, reason: 'outside_window' });
  });
});
