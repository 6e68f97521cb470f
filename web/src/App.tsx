// Providers and routes. Pages other than the map are split into their own chunks.
import { lazy, Suspense } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { theme } from './theme.ts';
import { ApiError } from './lib/api.ts';
import { AuthProvider, RequireAuth, RequirePermission, useMe } from './auth/auth.tsx';
import { LoginPage } from './auth/LoginPage.tsx';
import { Shell } from './shell/Shell.tsx';
import { MapPage } from './units/MapPage.tsx';
import { prefetchMapPage } from './units/queries.ts';
import { prefetchGraphPage } from './cases/graphQuery.ts';
import { PageLoader } from './common/PageLoader.tsx';
import { NotFoundPage } from './common/NotFoundPage.tsx';

const SearchPage = lazy(() => import('./people/SearchPage.tsx'));
const PersonPage = lazy(() => import('./people/PersonPage.tsx'));
const ImportPage = lazy(() => import('./imports/ImportPage.tsx'));
const PoliciesPage = lazy(() => import('./policies/PoliciesPage.tsx'));
const AuditPage = lazy(() => import('./audit/AuditPage.tsx'));
const UsersPage = lazy(() => import('./users/UsersPage.tsx'));
const CasesPage = lazy(() => import('./cases/CasesPage.tsx'));
const CasePage = lazy(() => import('./cases/CasePage.tsx'));
const loadGraphPage = () => import('./cases/GraphPage.tsx');
const GraphPage = lazy(loadGraphPage);
const ClustersPage = lazy(() => import('./cases/ClustersPage.tsx'));
const TasksPage = lazy(() => import('./tasks/TasksPage.tsx'));
const HandoversPage = lazy(() => import('./handover/HandoversPage.tsx'));
const QuarantinePage = lazy(() => import('./quarantine/QuarantinePage.tsx'));
const ZonesPage = lazy(() => import('./zones/ZonesPage.tsx'));
const TestingDashboardPage = lazy(() => import('./testing/DashboardPage.tsx'));
const SamplingPlansPage = lazy(() => import('./testing/PlansPage.tsx'));
const CollectPage = lazy(() => import('./testing/CollectPage.tsx'));
const LabPage = lazy(() => import('./testing/LabPage.tsx'));
const RapidTestsPage = lazy(() => import('./testing/RapidPage.tsx'));
const ResultLookupPage = lazy(() => import('./testing/LookupPage.tsx'));
const SelfTestPage = lazy(() => import('./testing/SelfTestPage.tsx'));
const CoveragePage = lazy(() => import('./vaccination/CoveragePage.tsx'));
const VaccinationRecordPage = lazy(() => import('./vaccination/RecordPage.tsx'));
const SweepPage = lazy(() => import('./vaccination/SweepPage.tsx'));
const HomeVaccinationPage = lazy(() => import('./vaccination/HomeVaccinationPage.tsx'));
const LotsPage = lazy(() => import('./vaccination/LotsPage.tsx'));
const AllocationsPage = lazy(() => import('./vaccination/AllocationsPage.tsx'));
const CampaignsPage = lazy(() => import('./vaccination/CampaignsPage.tsx'));
const VaccinationImportPage = lazy(() => import('./vaccination/ImportPage.tsx'));
const VerifyCertificatePage = lazy(() => import('./vaccination/VerifyPage.tsx'));
const VenuesPage = lazy(() => import('./checkins/VenuesPage.tsx'));
const VenueRegisterPage = lazy(() => import('./checkins/VenueRegisterPage.tsx'));
const ExposuresPage = lazy(() => import('./checkins/ExposuresPage.tsx'));
const DeclarationsPage = lazy(() => import('./checkpoints/DeclarationsPage.tsx'));
const DeclarePage = lazy(() => import('./checkpoints/DeclarePage.tsx'));
const CheckpointsPage = lazy(() => import('./checkpoints/CheckpointsPage.tsx'));
const LevelsPage = lazy(() => import('./levels/LevelsPage.tsx'));
const DashboardPage = lazy(() => import('./dashboard/DashboardPage.tsx'));
const PublicPage = lazy(() => import('./public/PublicPage.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Client errors (not found, forbidden, bad input) do not get better by retrying.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

prefetchMapPage(queryClient, window.location.pathname);
prefetchGraphPage(queryClient, window.location);
// The graph's chunk (sigma) loads alongside its data rather than after the session check.
if (window.location.pathname === '/cases/graph') void loadGraphPage();

function Home() {
  const me = useMe();
  return <Navigate to={`/units/${me.unitCode}`} replace />;
}

export function App() {
  return (
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AuthProvider>
            <Suspense fallback={<PageLoader />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/tu-test-nhanh" element={<SelfTestPage />} />
                <Route path="/xac-minh" element={<VerifyCertificatePage />} />
                <Route path="/dang-ky-dia-diem" element={<VenueRegisterPage />} />
                <Route path="/khai-bao-y-te" element={<DeclarePage />} />
                <Route path="/cong-khai" element={<PublicPage />} />
                <Route element={<RequireAuth><Shell /></RequireAuth>}>
                  <Route index element={<Home />} />
                  <Route path="units/:code" element={<MapPage />} />
                  <Route path="people" element={<RequirePermission permission="people.search"><SearchPage /></RequirePermission>} />
                  <Route path="people/:id" element={<RequirePermission permission="people.read"><PersonPage /></RequirePermission>} />
                  <Route path="imports" element={<RequirePermission permission="people.import"><ImportPage /></RequirePermission>} />
                  <Route path="policies" element={<RequirePermission permission="policies.read"><PoliciesPage /></RequirePermission>} />
                  <Route path="audit" element={<RequirePermission permission="audit.read"><AuditPage /></RequirePermission>} />
                  <Route path="users" element={<RequirePermission permission="users.manage"><UsersPage /></RequirePermission>} />
                  <Route path="cases" element={<RequirePermission permission="cases.read"><CasesPage /></RequirePermission>} />
                  <Route path="cases/graph" element={<RequirePermission permission="cases.read"><GraphPage /></RequirePermission>} />
                  <Route path="cases/clusters" element={<RequirePermission permission="cases.read"><ClustersPage /></RequirePermission>} />
                  <Route path="cases/:id" element={<RequirePermission permission="cases.read"><CasePage /></RequirePermission>} />
                  <Route path="tasks" element={<RequirePermission permission="tasks.work"><TasksPage /></RequirePermission>} />
                  <Route path="handovers" element={<RequirePermission permission="cases.manage"><HandoversPage /></RequirePermission>} />
                  <Route path="quarantine" element={<RequirePermission permission="cases.read"><QuarantinePage /></RequirePermission>} />
                  <Route path="zones" element={<RequirePermission permission="cases.read"><ZonesPage /></RequirePermission>} />
                  <Route path="testing" element={<RequirePermission permission="testing.read"><TestingDashboardPage /></RequirePermission>} />
                  <Route path="testing/plans" element={<RequirePermission permission="testing.read"><SamplingPlansPage /></RequirePermission>} />
                  <Route path="testing/collect" element={<RequirePermission permission="testing.collect"><CollectPage /></RequirePermission>} />
                  <Route path="testing/lab" element={<RequirePermission permission="testing.lab"><LabPage /></RequirePermission>} />
                  <Route path="testing/rapid" element={<RequirePermission permission="testing.collect"><RapidTestsPage /></RequirePermission>} />
                  <Route path="testing/lookup" element={<RequirePermission permission="testing.lookup"><ResultLookupPage /></RequirePermission>} />
                  <Route path="vaccination" element={<RequirePermission permission="vaccination.read"><CoveragePage /></RequirePermission>} />
                  <Route path="vaccination/record" element={<RequirePermission permission="vaccination.record"><VaccinationRecordPage /></RequirePermission>} />
                  <Route path="vaccination/sweep" element={<RequirePermission permission="vaccination.visit"><SweepPage /></RequirePermission>} />
                  <Route path="vaccination/home" element={<RequirePermission permission="vaccination.read"><HomeVaccinationPage /></RequirePermission>} />
                  <Route path="vaccination/lots" element={<RequirePermission permission="vaccination.read"><LotsPage /></RequirePermission>} />
                  <Route path="vaccination/allocations" element={<RequirePermission permission="vaccination.read"><AllocationsPage /></RequirePermission>} />
                  <Route path="vaccination/campaigns" element={<RequirePermission permission="vaccination.read"><CampaignsPage /></RequirePermission>} />
                  <Route path="vaccination/import" element={<RequirePermission permission="vaccination.import"><VaccinationImportPage /></RequirePermission>} />
                  <Route path="venues" element={<RequirePermission permission="venues.manage"><VenuesPage /></RequirePermission>} />
                  <Route path="exposures" element={<RequirePermission permission="checkins.trace"><ExposuresPage /></RequirePermission>} />
                  <Route path="declarations" element={<RequirePermission permission="declarations.read"><DeclarationsPage /></RequirePermission>} />
                  <Route path="checkpoints" element={<RequirePermission permission="checkpoints.read"><CheckpointsPage /></RequirePermission>} />
                  <Route path="levels" element={<RequirePermission permission="levels.read"><LevelsPage /></RequirePermission>} />
                  <Route path="dashboard" element={<RequirePermission permission="levels.read"><DashboardPage /></RequirePermission>} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </AuthProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
