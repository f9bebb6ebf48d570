import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { I18nextProvider } from "react-i18next";
import { App } from "./App";
import { useSession } from "./auth/session";
import { onSignedOut } from "./api/client";
import { createI18n, detectLocale } from "./i18n";
import { openLocalDB } from "./offline/db";
import { SyncEngine } from "./offline/sync";
import { OfflineProvider, useSyncStatus, localKey } from "./offline/context";
import { useToasts } from "./components/ui";
import "./styles.css";

async function boot() {
  const [db, i18n] = await Promise.all([openLocalDB(), createI18n(detectLocale())]);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 10_000 } },
  });
  const engine = new SyncEngine(db, {
    changed(kinds) {
      for (const k of kinds) {
        void queryClient.invalidateQueries({ queryKey: localKey(k) });
        void queryClient.invalidateQueries({ queryKey: ["remote", k] });
      }
      // Practice statistics follow the logbook (the rollup jobs run right after a write).
      if (kinds.has("logbook_entry")) void queryClient.invalidateQueries({ queryKey: ["analytics"] });
    },
    state: (s, pending) => useSyncStatus.getState().set(s, pending),
    rejected: (items) => items.forEach((i) => useToasts.getState().push(i18n.t("sync.rejected", { error: i.error }), "error")),
    signedOut: () => useSession.getState().forget(),
  });
  onSignedOut(() => useSession.getState().forget());

  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <QueryClientProvider client={queryClient}>
          <OfflineProvider value={{ db, engine, queryClient }}>
            <BrowserRouter>
              <App />
            </BrowserRouter>
          </OfflineProvider>
        </QueryClientProvider>
      </I18nextProvider>
    </StrictMode>,
  );

  if (import.meta.env.PROD && "serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  }
}

void boot();
