// PLACEHOLDER — being replaced by the synthetic population generator (see issue 2).
import type { Db } from '../db/index.ts';
export interface PopulationOptions { provinceCode: string; scale: number; seed: number; onProgress?: (step: string, done: number, total: number) => void }
export async function generatePopulation(_db: Db, _o: PopulationOptions): Promise<{ people: number; households: number }> {
  return { people: 0, households: 0 };
}
