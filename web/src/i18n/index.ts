// Vietnamese by default; the English switch is remembered in localStorage and sent to the API
// as Accept-Language so server messages match the page.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import vi from './vi.json';
import en from './en.json';
// Each area keeps its own strings file, merged at the top level (keys must not collide).
import casesVi from './cases.vi.json';
import casesEn from './cases.en.json';
import fieldVi from './field.vi.json';
import fieldEn from './field.en.json';
import testingVi from './testing.vi.json';
import testingEn from './testing.en.json';
import vaccinationVi from './vaccination.vi.json';
import vaccinationEn from './vaccination.en.json';
import vaccRegistryVi from './vacc-registry.vi.json';
import vaccRegistryEn from './vacc-registry.en.json';
import vaccCoverageVi from './vacc-coverage.vi.json';
import vaccCoverageEn from './vacc-coverage.en.json';
import vaccSupplyVi from './vacc-supply.vi.json';
import vaccSupplyEn from './vacc-supply.en.json';
import vaccCertificateVi from './vacc-certificate.vi.json';
import vaccCertificateEn from './vacc-certificate.en.json';
import vaccImportVi from './vacc-import.vi.json';
import vaccImportEn from './vacc-import.en.json';
import movementVi from './movement.vi.json';
import movementEn from './movement.en.json';
import checkinsVi from './checkins.vi.json';
import checkinsEn from './checkins.en.json';
import checkpointsVi from './checkpoints.vi.json';
import checkpointsEn from './checkpoints.en.json';
import levelsVi from './levels.vi.json';
import levelsEn from './levels.en.json';
import dashboardVi from './dashboard.vi.json';
import dashboardEn from './dashboard.en.json';

export type Lang = 'vi' | 'en';

type Strings = { [key: string]: string | Strings };

/**
 * The areas' strings files merged key by key, so two files may share a top-level key
 * (`levels`: the unit levels and the epidemic levels); a string defined twice keeps the first
 * (test: web/src/i18n/strings.test.ts finds none).
 */
export function mergeStrings(...files: Strings[]): Strings {
  const out: Strings = {};
  for (const file of files) {
    for (const [k, v] of Object.entries(file)) {
      const have = out[k];
      if (have === undefined) out[k] = typeof v === 'string' ? v : mergeStrings(v);
      else if (typeof have !== 'string' && typeof v !== 'string') out[k] = mergeStrings(have, v);
    }
  }
  return out;
}
export const LANGS: Lang[] = ['vi', 'en'];
const STORAGE_KEY = 'chongdich.lang';

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

i18n.use(initReactI18next).init({
  resources: { vi: { translation: mergeStrings(vi, casesVi, fieldVi, testingVi, vaccinationVi, vaccRegistryVi, vaccCoverageVi, vaccSupplyVi, vaccCertificateVi, vaccImportVi, movementVi, checkinsVi, checkpointsVi, levelsVi, dashboardVi) }, en: { translation: mergeStrings(en, casesEn, fieldEn, testingEn, vaccinationEn, vaccRegistryEn, vaccCoverageEn, vaccSupplyEn, vaccCertificateEn, vaccImportEn, movementEn, checkinsEn, checkpointsEn, levelsEn, dashboardEn) } },
  lng: storedLang(),
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'vi';
}

export async function setLang(lang: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lang;
  await i18n.changeLanguage(lang);
}

export default i18n;
