// Epidemic-level rulesets as data (domain.md §3): Decision 4800/QĐ-BYT (12/10/2021–27/01/2022) and
// Decision 218/QĐ-BYT (from 27/01/2022). Thresholds, bands, matrices, adjustments and the
// criterion-3 behaviour are values of the dated policy `levels.ruleset`; a province copies a
// version and adjusts it (POST /api/policies/levels.ruleset/versions) without a code change.
// Items marked [verify] in domain.md are switches or numbers here, with the shipped default named.
import { Type, type Static } from 'typebox';

/** A value at or above `at` (inclusive) — or strictly above it (not inclusive) — is in the next band up. */
export const CutSchema = Type.Object({ at: Type.Number({ minimum: 0 }), inclusive: Type.Boolean() }, { additionalProperties: false });
export type Cut = Static<typeof CutSchema>;
const ThreeCuts = Type.Array(CutSchema, { minItems: 3, maxItems: 3 });
const Level = Type.Integer({ minimum: 1, maximum: 4 });
const Pct = Type.Number({ minimum: 0, maximum: 100 });
const Name = Type.Object({ vi: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const AgeGroup = Type.Union([Type.Literal('50+'), Type.Literal('65+')]);

export const Ruleset4800Schema = Type.Object(
  {
    kind: Type.Literal('qd4800'),
    name: Name,
    /** Days in the case window ending on the assessed day (7). */
    windowDays: Type.Integer({ minimum: 1, maximum: 28 }),
    /** Criterion 1 counts new community cases only; cases found in quarantine do not count (true would count them). */
    countQuarantineCases: Type.Boolean(),
    /** Criterion 1 bands per 100,000 in the window: <20 · 20–<50 · 50–<150 · ≥150. */
    caseCuts: ThreeCuts,
    coverage: Type.Object(
      {
        /** Criterion 2: share of people 18+ with at least one dose; at or above = high coverage. */
        firstDoseAdultsMinPct: Pct,
        /** The full-dose condition: this age group fully vaccinated at or above minPct. */
        fullDoseGroup: AgeGroup,
        fullDoseMinPct: Pct,
        /** Missing the full-dose condition raises the level by one (max 4)… */
        fullDoseRaise: Type.Boolean(),
        /** …unless the unit had no case in the window. */
        fullDoseExemptWithoutCases: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    /** Matrix rows band 1–4, columns coverage high | low ([verify]: high → band − 1, at least 1; low → band). */
    matrix: Type.Array(Type.Array(Level, { minItems: 2, maxItems: 2 }), { minItems: 4, maxItems: 4 }),
    capacity: Type.Object(
      {
        /** Criterion 3 not met: the level may not be lowered below the band (no_lowering), or also +1 (raise_one) [verify]. */
        whenNotMet: Type.Union([Type.Literal('no_lowering'), Type.Literal('raise_one')]),
        /** No capacity entered for the unit: treated as not met (conservative) or met. */
        unknownAs: Type.Union([Type.Literal('not_met'), Type.Literal('met')]),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Ruleset4800 = Static<typeof Ruleset4800Schema>;

export const Ruleset218Schema = Type.Object(
  {
    kind: Type.Literal('qd218'),
    name: Name,
    windowDays: Type.Integer({ minimum: 1, maximum: 28 }),
    countQuarantineCases: Type.Boolean(),
    /** 1a new cases per 100,000 in the window: <90 · 90–<450 · 450–600 · >600. */
    caseCuts: ThreeCuts,
    /** 1b cases needing oxygen: <1 · 1–<32 · 32–40 · >40, per 100,000 (oxygenPer100k) or absolute [denominator: verify]. */
    oxygenCuts: ThreeCuts,
    oxygenPer100k: Type.Boolean(),
    /** 1c deaths per 100,000 in the window, optional [verify]: above the threshold, transmission is at least minLevel. */
    deaths: Type.Object({ enabled: Type.Boolean(), abovePer100k: Type.Number({ minimum: 0 }), minLevel: Level }, { additionalProperties: false }),
    coverage: Type.Object(
      {
        /** 2a full-vaccination coverage of the whole population, minimum [verify: 75 %]. */
        populationFullyMinPct: Pct,
        /** 2b full-vaccination coverage of the high-risk group, minimum [verify: 90 %]. */
        highRiskGroup: AgeGroup,
        highRiskFullyMinPct: Pct,
      },
      { additionalProperties: false },
    ),
    capacity: Type.Object(
      {
        /** 3a community F0-care teams (or mobile stations) per 10,000 people: high at or above, medium at or above [verify]. */
        careTeamsPer10kHigh: CutSchema,
        careTeamsPer10kMedium: CutSchema,
        /** 3b vacant COVID beds per 100,000 in the district: >30 high, 10–30 medium, <10 low. */
        vacantBedsPer100kHigh: CutSchema,
        vacantBedsPer100kMedium: CutSchema,
        /** 3c staffed ICU beds per 100,000: below the minimum, capacity one step lower [verify; off by default]. */
        icuEnabled: Type.Boolean(),
        icuPer100kMin: Type.Number({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    /** Matrix rows transmission 1–4, columns capacity high | medium | low. */
    matrix: Type.Array(Type.Array(Level, { minItems: 3, maxItems: 3 }), { minItems: 4, maxItems: 4 }),
  },
  { additionalProperties: false },
);
export type Ruleset218 = Static<typeof Ruleset218Schema>;

export const RulesetSchema = Type.Union([Ruleset4800Schema, Ruleset218Schema]);
export type Ruleset = Ruleset4800 | Ruleset218;

const cut = (at: number, inclusive = true): Cut => ({ at, inclusive });

export const DECISION_4800: Ruleset4800 = {
  kind: 'qd4800',
  name: { vi: 'Quyết định 4800/QĐ-BYT', en: 'Decision 4800/QĐ-BYT' },
  windowDays: 7,
  countQuarantineCases: false,
  caseCuts: [cut(20), cut(50), cut(150)],
  coverage: { firstDoseAdultsMinPct: 70, fullDoseGroup: '65+', fullDoseMinPct: 80, fullDoseRaise: true, fullDoseExemptWithoutCases: true },
  matrix: [
    [1, 1],
    [1, 2],
    [2, 3],
    [3, 4],
  ],
  capacity: { whenNotMet: 'no_lowering', unknownAs: 'not_met' },
};

/** From November 2021 the full-dose condition is read on people aged 50 and over [verify the exact date]. */
export const DECISION_4800_NOV: Ruleset4800 = { ...DECISION_4800, coverage: { ...DECISION_4800.coverage, fullDoseGroup: '50+' } };

export const DECISION_218: Ruleset218 = {
  kind: 'qd218',
  name: { vi: 'Quyết định 218/QĐ-BYT', en: 'Decision 218/QĐ-BYT' },
  windowDays: 7,
  countQuarantineCases: false,
  caseCuts: [cut(90), cut(450), cut(600, false)],
  oxygenCuts: [cut(1), cut(32), cut(40, false)],
  oxygenPer100k: true,
  deaths: { enabled: false, abovePer100k: 6, minLevel: 4 },
  coverage: { populationFullyMinPct: 75, highRiskGroup: '50+', highRiskFullyMinPct: 90 },
  capacity: {
    careTeamsPer10kHigh: cut(1),
    careTeamsPer10kMedium: cut(0.5),
    vacantBedsPer100kHigh: cut(30, false),
    vacantBedsPer100kMedium: cut(10),
    icuEnabled: false,
    icuPer100kMin: 4,
  },
  matrix: [
    [1, 1, 2],
    [1, 2, 3],
    [2, 3, 4],
    [3, 4, 4],
  ],
};
