// The profile: display name, primary instrument, timezone and language, saved with
// PUT /api/user/me and If-Match: the version edited. When the profile changed elsewhere in the
// meantime (412/409), the current one is read again and shown, to be edited anew.
import { useId, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../api/client";
import type { Locale, User } from "../../api/types";
import { useSession } from "../../auth/session";
import { localeNames, locales, setLocale } from "../../i18n";
import { formatDate } from "../../i18n/format";
import { Button, Card, ErrorBanner, Field, Select, useToasts } from "../ui";
import { useOnline } from "../goals/useOnline";

const maxText = 100; // store.ProfileInput

const instruments = ["piano", "guitar", "violin", "viola", "cello", "doubleBass", "flute", "clarinet", "oboe", "bassoon", "saxophone", "trumpet", "horn", "trombone", "voice", "organ", "harp", "drums"] as const;

/** The browser's own timezone, if it has one. */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** Every timezone the browser knows, with the user's, the browser's and UTC among them. */
function timeZones(...must: (string | undefined)[]): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf("timeZone");
  } catch {
    // an older browser: only the ones we know of
  }
  const set = new Set(all);
  for (const z of [...must, "UTC"]) if (z) set.add(z);
  return [...set].sort();
}

interface Draft {
  display_name: string;
  primary_instrument: string;
  timezone: string;
  locale: Locale;
}

function ProfileForm({ user, onSaved, onConflict }: { user: User; onSaved: () => void; onConflict: () => Promise<void> }) {
  const { t, i18n } = useTranslation("settings");
  const setUser = useSession((s) => s.setUser);
  const push = useToasts((s) => s.push);
  const online = useOnline();
  const listId = useId();
  const [draft, setDraft] = useState<Draft>({
    display_name: user.display_name ?? "",
    primary_instrument: user.primary_instrument ?? "",
    timezone: user.timezone || browserTimeZone() || "UTC",
    locale: user.locale,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const here = browserTimeZone();
  const zones = useMemo(() => timeZones(user.timezone, here), [user.timezone, here]);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body = { ...draft, display_name: draft.display_name.trim(), primary_instrument: draft.primary_instrument.trim() };
    try {
      const updated = await api<User>("/api/user/me", { method: "PUT", body, headers: { "If-Match": `"${user.version}"` } });
      // The session first: the app follows the profile's language, and must not switch back
      // to the old one while this switch is under way.
      setUser(updated);
      onSaved();
      if (updated.locale !== user.locale) await setLocale(i18n, updated.locale);
      push(i18n.t("settings:profile.saved"));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 412 || err.status === 409)) await onConflict();
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} data-testid="profile-form">
      {error ? (
        <div className="wide">
          <ErrorBanner error={error} />
        </div>
      ) : null}
      <Field
        label={t("profile.displayName")}
        value={draft.display_name}
        onChange={(e) => set("display_name", e.target.value)}
        maxLength={maxText}
        autoComplete="nickname"
      />
      <Field
        label={t("profile.instrument")}
        hint={t("profile.instrumentHint")}
        value={draft.primary_instrument}
        onChange={(e) => set("primary_instrument", e.target.value)}
        maxLength={maxText}
        list={listId}
        autoComplete="off"
      />
      <datalist id={listId}>
        {instruments.map((i) => (
          <option key={i} value={t(`instruments.${i}`)} />
        ))}
      </datalist>
      <div className="stack settings-timezone">
        <Select label={t("profile.timezone")} value={draft.timezone} onChange={(e) => set("timezone", e.target.value)} data-testid="profile-timezone">
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </Select>
        {here ? (
          <p className="field-hint">
            {t("profile.browserTimezone", { zone: here.replaceAll("_", " ") })}{" "}
            {here !== draft.timezone ? (
              <button type="button" className="settings-link-button" onClick={() => set("timezone", here)}>
                {t("profile.useBrowserTimezone")}
              </button>
            ) : null}
          </p>
        ) : null}
      </div>
      <Select label={t("profile.locale")} value={draft.locale} onChange={(e) => set("locale", e.target.value as Locale)} data-testid="profile-locale">
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </Select>
      <p className="wide muted small">
        {t("profile.account", { email: user.email, date: formatDate(user.created_at, i18n.language, user.timezone || undefined) })}
      </p>
      {!online ? <p className="wide muted small">{t("offline")}</p> : null}
      <div className="wide row settings-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!online}>
          {t("common:save")}
        </Button>
      </div>
    </form>
  );
}

export function ProfileCard() {
  const { t } = useTranslation("settings");
  const user = useSession((s) => s.user);
  const setUser = useSession((s) => s.setUser);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = async () => {
    setError(null);
    try {
      const fresh = await api<User>("/api/user/me");
      setUser(fresh);
      setNotice(t("profile.conflict"));
    } catch (err) {
      setError(err);
    }
  };

  if (!user) return null;
  return (
    <Card title={t("profile.title")}>
      {notice ? (
        <p className="banner banner-info" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBanner error={error} />
      {/* A new version (saved, or read again) starts the form afresh. */}
      <ProfileForm key={user.version} user={user} onSaved={() => setNotice(null)} onConflict={reload} />
    </Card>
  );
}
