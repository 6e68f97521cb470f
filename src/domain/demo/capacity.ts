// The demo's capacity register (criterion 3 of the epidemic levels, "4 tại chỗ"): what each commune,
// district and the province had ready of its own when the demo's outbreak began (the register adds
// the entries under a unit to its own: a district's care teams are its communes', the province's
// beds its districts' plus its own hospitals'). Most communes meet criterion 3
// of Decision 4800 (oxygen ready and at least one community care team), a few do not, so the levels
// the demo proposes differ for a reason an officer can read in the explanation; Decision 218's care
// teams per 10,000 people and vacant beds per 100,000 spread over its bands.
import { createRng, hashSeed } from './random.ts';

export interface CapacityUnit {
  code: string;
  level: 'province' | 'district' | 'commune';
  /** The district's code for a commune, the province's for a district. */
  parentCode: string | null;
  population: number;
}

export interface PlannedCapacity {
  unitCode: string;
  treatmentBeds: number | null;
  vacantBeds: number | null;
  icuBeds: number | null;
  oxygenReady: boolean | null;
  careTeams: number | null;
  mobileStations: number | null;
  treatmentPlan: boolean | null;
}

/** Share of communes without oxygen ready, and of districts without an approved treatment plan. */
export const DEMO_COMMUNES_WITHOUT_OXYGEN = 0.08;
export const DEMO_DISTRICTS_WITHOUT_PLAN = 0.1;

export function planCapacity(units: readonly CapacityUnit[], seed: number): PlannedCapacity[] {
  const out: PlannedCapacity[] = [];
  const communes = units.filter((u) => u.level === 'commune');
  for (const u of communes) {
    const rng = createRng(hashSeed(seed, 'capacity', u.code));
    // One care team for every 5,000–12,000 people (at least one), a few communes short of oxygen.
    const careTeams = Math.max(1, Math.round(u.population / rng.int(5_000, 12_000)));
    const oxygenReady = !rng.chance(DEMO_COMMUNES_WITHOUT_OXYGEN);
    out.push({ unitCode: u.code, treatmentBeds: null, vacantBeds: null, icuBeds: null, oxygenReady, careTeams, mobileStations: rng.chance(0.15) ? 1 : 0, treatmentPlan: true });
  }
  for (const u of units.filter((x) => x.level === 'district')) {
    const rng = createRng(hashSeed(seed, 'capacity', u.code));
    // The district's treatment area: 1–2.5 beds per 1,000 people, 40–85 % of them free.
    const beds = Math.max(10, Math.round((u.population * (1 + 1.5 * rng.next())) / 1000));
    const vacant = Math.round(beds * (0.4 + 0.45 * rng.next()));
    const icu = Math.max(1, Math.round(beds / rng.int(25, 60)));
    out.push({
      unitCode: u.code,
      treatmentBeds: beds,
      vacantBeds: vacant,
      icuBeds: icu,
      oxygenReady: true,
      careTeams: 0,
      mobileStations: rng.int(2, 6),
      treatmentPlan: !rng.chance(DEMO_DISTRICTS_WITHOUT_PLAN),
    });
  }
  for (const u of units.filter((x) => x.level === 'province')) {
    // The province's own hospitals (the districts' areas are theirs).
    const rng = createRng(hashSeed(seed, 'capacity', u.code));
    const own = Math.max(20, Math.round(u.population / 1500));
    out.push({
      unitCode: u.code,
      treatmentBeds: own,
      vacantBeds: Math.round(own * 0.6),
      icuBeds: rng.int(20, 40),
      oxygenReady: true,
      careTeams: 0,
      mobileStations: rng.int(5, 12),
      treatmentPlan: true,
    });
  }
  return out;
}
