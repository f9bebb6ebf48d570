// The page a sign-in link opens: it trades the link's token for a session.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { User } from "../api/types";
import { useSession } from "../auth/session";
import { ErrorBanner, Spinner } from "../components/ui";

export default function Verify() {
  const { t } = useTranslation("auth");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signedIn = useSession((s) => s.signedIn);
  const [error, setError] = useState<unknown>(null);
  const once = useRef(false);

  useEffect(() => {
    if (once.current) return; // a token is single-use: StrictMode must not spend it twice
    once.current = true;
    const token = params.get("token") ?? "";
    api<{ user: User }>("/api/auth/magic-link/verify", { method: "POST", body: { token }, noRefresh: true })
      .then((res) => {
        signedIn(res.user);
        navigate("/logbook", { replace: true });
      })
      .catch(setError);
  }, [params, navigate, signedIn]);

  return (
    <main id="main" className="center-page">
      <h1>{t("verifying")}</h1>
      {error ? (
        <>
          <ErrorBanner error={error} />
          <Link to="/signin" className="btn btn-primary">
            {t("again")}
          </Link>
        </>
      ) : (
        <Spinner />
      )}
    </main>
  );
}
