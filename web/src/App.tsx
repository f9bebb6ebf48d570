// Routes of the client. Every page is its own chunk, loaded when first visited.
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "./auth/session";
import { useOffline } from "./offline/context";
import { matchLocale, setLocale } from "./i18n";
import { Layout } from "./components/Layout";
import { Spinner } from "./components/ui";

const SignIn = lazy(() => import("./pages/SignIn"));
const Verify = lazy(() => import("./pages/Verify"));
const Logbook = lazy(() => import("./pages/Logbook"));
const Repertoire = lazy(() => import("./pages/Repertoire"));
const Goals = lazy(() => import("./pages/Goals"));
const Scores = lazy(() => import("./pages/Scores"));
const ScoreDetail = lazy(() => import("./pages/ScoreDetail"));
const Collections = lazy(() => import("./pages/Collections"));
const Dictionary = lazy(() => import("./pages/Dictionary"));
const Term = lazy(() => import("./pages/Term"));
const Analytics = lazy(() => import("./pages/Analytics"));
const Settings = lazy(() => import("./pages/Settings"));
const Pipelines = lazy(() => import("./pages/Pipelines"));
const NotFound = lazy(() => import("./pages/NotFound"));

function RequireUser({ children }: { children: ReactNode }) {
  const status = useSession((s) => s.status);
  const location = useLocation();
  if (status === "loading") return <Spinner />;
  if (status === "signedOut") return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return <Layout>{children}</Layout>;
}

export function App() {
  const { status, user, load } = useSession();
  const { engine } = useOffline();
  const { i18n } = useTranslation();

  useEffect(() => {
    void load();
    // Opened offline: the user came from this device's memory; check with the server when
    // the connection returns.
    const online = () => useSession.getState().offline && void load();
    addEventListener("online", online);
    return () => removeEventListener("online", online);
  }, [load]);

  // Sync runs while someone is signed in.
  useEffect(() => {
    if (status !== "signedIn" || !user) return;
    void engine.start(user.id);
    return () => engine.stop();
  }, [status, user?.id, engine]); // eslint-disable-line react-hooks/exhaustive-deps

  // The profile's language, unless this device chose one.
  useEffect(() => {
    const chosen = localStorage.getItem("mirubato.locale");
    const lng = matchLocale(user?.locale);
    if (!chosen && lng && lng !== i18n.language) void setLocale(i18n, lng);
    // Only when the profile's language changes: react-i18next hands out a new i18n object
    // on every language change, which would undo a choice made in the header.
  }, [user?.locale]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Suspense fallback={<Spinner />}>
      <Routes>
        <Route path="/signin" element={<SignIn />} />
        <Route path="/auth/verify" element={<Verify />} />
        <Route path="/" element={<Navigate to="/logbook" replace />} />
        <Route path="/logbook" element={<RequireUser><Logbook /></RequireUser>} />
        <Route path="/repertoire" element={<RequireUser><Repertoire /></RequireUser>} />
        <Route path="/goals" element={<RequireUser><Goals /></RequireUser>} />
        <Route path="/scores" element={<RequireUser><Scores /></RequireUser>} />
        <Route path="/scores/:id" element={<RequireUser><ScoreDetail /></RequireUser>} />
        <Route path="/collections" element={<RequireUser><Collections /></RequireUser>} />
        <Route path="/collections/:id" element={<RequireUser><Collections /></RequireUser>} />
        <Route path="/dictionary" element={<RequireUser><Dictionary /></RequireUser>} />
        <Route path="/dictionary/:term" element={<RequireUser><Term /></RequireUser>} />
        <Route path="/analytics" element={<RequireUser><Analytics /></RequireUser>} />
        <Route path="/settings" element={<RequireUser><Settings /></RequireUser>} />
        <Route path="/admin/pipelines" element={<RequireUser><Pipelines /></RequireUser>} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Suspense>
  );
}
