// Sign-in: a link by email (in development the dev mailbox's link is shown here), or Google
// when the server has it configured.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { User } from "../api/types";
import { useSession } from "../auth/session";
import { Button, ErrorBanner, Field } from "../components/ui";
import { LanguageSelect } from "../components/Layout";

interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  sent_at: string;
}

declare global {
  interface Window {
    google?: {
      accounts: {
        id: {
          initialize(opts: { client_id: string; callback: (r: { credential: string }) => void }): void;
          renderButton(el: HTMLElement, opts: Record<string, unknown>): void;
        };
      };
    };
  }
}

function GoogleButton({ clientId, onError }: { clientId: string; onError: (e: unknown) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const { signedIn } = useSession();
  const navigate = useNavigate();
  useEffect(() => {
    const script = document.createElement("script");
    script.src = "https://accounts.google.com/gsi/client";
    script.async = true;
    script.onload = () => {
      window.google?.accounts.id.initialize({
        client_id: clientId,
        callback: async ({ credential }) => {
          try {
            const res = await api<{ user: User }>("/api/auth/google", { method: "POST", body: { id_token: credential }, noRefresh: true });
            signedIn(res.user);
            navigate("/logbook", { replace: true });
          } catch (err) {
            onError(err);
          }
        },
      });
      if (ref.current) window.google?.accounts.id.renderButton(ref.current, { theme: "outline", size: "large", width: 280 });
    };
    document.head.appendChild(script);
    return () => script.remove();
  }, [clientId, signedIn, navigate, onError]);
  return <div ref={ref} className="google-button" />;
}

export default function SignIn() {
  const { t } = useTranslation("auth");
  const { status, config, load } = useSession();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [devLink, setDevLink] = useState<string | null>(null);

  useEffect(() => {
    if (status === "loading") void load();
  }, [status, load]);

  if (status === "signedIn") {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== "/signin" ? from : "/logbook"} replace />;
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDevLink(null);
    try {
      await api("/api/auth/magic-link", { method: "POST", body: { email: email.trim() }, noRefresh: true });
      setSent(true);
      if (config?.dev_mailbox) {
        const messages = await api<MailboxMessage[]>("/dev/mailbox");
        const mine = messages
          .filter((m) => m.to.toLowerCase() === email.trim().toLowerCase())
          .sort((a, b) => Date.parse(b.sent_at) - Date.parse(a.sent_at))[0];
        const link = mine?.text.match(/https?:\/\/\S+\/auth\/verify\?token=[\w-]+/)?.[0];
        if (link) {
          const u = new URL(link);
          setDevLink(u.pathname + u.search); // this server, whatever host the link names
        }
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="center-page signin">
      <div className="signin-card card">
        <div className="signin-brand">
          <img src="/icon.svg" alt="" width={48} height={48} />
          <h1>{t("title")}</h1>
          <p>{t("subtitle")}</p>
        </div>
        {sent ? (
          <div className="stack" role="status">
            <p>{t("sent", { email })}</p>
            {devLink ? (
              <div className="banner banner-info">
                <p>{t("devMailbox")}</p>
                <a className="btn btn-primary" href={devLink} data-testid="dev-link">
                  {t("openLink")}
                </a>
              </div>
            ) : null}
            <Button variant="ghost" onClick={() => setSent(false)}>
              {t("useOther")}
            </Button>
          </div>
        ) : (
          <form onSubmit={submit} className="stack">
            <Field label={t("email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <Button variant="primary" type="submit" busy={busy}>
              {t("sendLink")}
            </Button>
          </form>
        )}
        <ErrorBanner error={error} />
        {config?.google_client_id ? (
          <div className="stack">
            <p className="divider">{t("or")}</p>
            <GoogleButton clientId={config.google_client_id} onError={setError} />
          </div>
        ) : null}
        <LanguageSelect />
      </div>
    </main>
  );
}
