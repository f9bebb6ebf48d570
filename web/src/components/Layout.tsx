// The frame of every signed-in page: the header with navigation, sync state, language and
// sign-out; on a phone the navigation folds into a menu button.
import { useState, type ReactNode } from "react";
import { NavLink, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/session";
import { useOffline, useSyncStatus } from "../offline/context";
import { clearAll } from "../offline/db";
import { useTimer } from "./logbook/timer";
import { localeNames, locales, setLocale, type AppLocale } from "../i18n";
import { Toasts } from "./ui";

const links = [
  ["/logbook", "nav.logbook"],
  ["/repertoire", "nav.repertoire"],
  ["/goals", "nav.goals"],
  ["/scores", "nav.scores"],
  ["/dictionary", "nav.dictionary"],
  ["/analytics", "nav.analytics"],
  ["/settings", "nav.settings"],
] as const;

export function SyncIndicator() {
  const { t } = useTranslation();
  const { state, pending } = useSyncStatus();
  const tone = state === "live" || state === "polling" ? "good" : state === "offline" ? "bad" : "warn";
  return (
    <span className={`sync sync-${tone}`} role="status" data-sync-state={state} data-pending={pending}>
      <span className="dot" aria-hidden="true" />
      {t(`sync.${state}`)}
      {pending > 0 ? <span className="sync-pending"> · {t("sync.pending", { count: pending })}</span> : null}
    </span>
  );
}

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang">
      <span className="visually-hidden">{t("nav.language")}</span>
      <select value={i18n.language} onChange={(e) => void setLocale(i18n, e.target.value as AppLocale)} aria-label={t("nav.language")}>
        {locales.map((l) => (
          <option key={l} value={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { user, signOut, offline } = useSession();
  const { db, engine, queryClient } = useOffline();
  const pending = useSyncStatus((s) => s.pending);
  // Signing out forgets this device's copy, so the next person on this browser sees none of it.
  const leave = async () => {
    if (pending > 0 && !confirm(t("sync.signOutPending", { count: pending }))) return;
    engine.stop();
    await clearAll(db);
    queryClient.clear();
    useTimer.getState().reset();
    await signOut();
  };
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const isAdmin = user?.role === "admin";
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("skipToContent")}
      </a>
      <header className="top">
        <NavLink to="/logbook" className="brand">
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span>{t("appName")}</span>
        </NavLink>
        <button type="button" className="btn btn-ghost menu-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
          {t("nav.menu")}
        </button>
        <nav id="main-nav" aria-label={t("nav.main")} className={open ? "nav open" : "nav"} key={location.pathname}>
          {links.map(([to, key]) => (
            <NavLink key={to} to={to} onClick={() => setOpen(false)}>
              {t(key)}
            </NavLink>
          ))}
          {isAdmin ? (
            <NavLink to="/admin/pipelines" onClick={() => setOpen(false)}>
              {t("nav.pipelines")}
            </NavLink>
          ) : null}
        </nav>
        <div className="top-tools">
          <SyncIndicator />
          <LanguageSelect />
          <button type="button" className="btn btn-ghost" onClick={() => void leave()}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      {offline ? (
        <div className="banner banner-warn" role="status">
          {t("sync.offlineUser")}
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </div>
  );
}
