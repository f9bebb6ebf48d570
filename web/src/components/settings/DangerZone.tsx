// Deleting the account: the user types their email to confirm; DELETE /api/user/me (202)
// hides the account and signs it out at once, and a job deletes its data. This device's copy
// of the data is forgotten too.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../auth/session";
import { clearAll } from "../../offline/db";
import { useOffline } from "../../offline/context";
import { Button, Card, Dialog, ErrorBanner, Field } from "../ui";
import { useOnline } from "../goals/useOnline";

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function ConfirmForm({ email, onCancel }: { email: string; onCancel: () => void }) {
  const { t } = useTranslation("settings");
  const online = useOnline();
  const { db, engine, queryClient } = useOffline();
  const forget = useSession((s) => s.forget);
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const matches = same(typed, email);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!matches || !online) return;
    setError(null);
    setBusy(true);
    try {
      await api("/api/user/me", { method: "DELETE" });
    } catch (err) {
      setError(err);
      setBusy(false);
      return;
    }
    engine.stop();
    await clearAll(db).catch(() => undefined);
    queryClient.clear();
    forget();
    navigate("/signin", { replace: true });
  };

  return (
    <form className="stack" onSubmit={submit} data-testid="delete-account-form">
      <p>{t("danger.confirmText")}</p>
      <Field
        type="email"
        label={t("danger.typeEmail", { email })}
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        data-testid="delete-account-email"
      />
      {!online ? <p className="muted small">{t("offline")}</p> : null}
      <ErrorBanner error={error} />
      <div className="row settings-actions">
        <Button type="button" onClick={onCancel}>
          {t("common:cancel")}
        </Button>
        <Button type="submit" variant="danger" busy={busy} disabled={!matches || !online} data-testid="delete-account-confirm">
          {t("danger.confirm")}
        </Button>
      </div>
    </form>
  );
}

export function DangerZone() {
  const { t } = useTranslation("settings");
  const email = useSession((s) => s.user?.email ?? "");
  const [open, setOpen] = useState(false);
  return (
    <Card title={t("danger.title")} className="danger-zone">
      <p className="small">{t("danger.help")}</p>
      <Button variant="danger" onClick={() => setOpen(true)} data-testid="delete-account">
        {t("danger.delete")}
      </Button>
      <Dialog open={open} title={t("danger.dialogTitle")} onClose={() => setOpen(false)}>
        <ConfirmForm email={email} onCancel={() => setOpen(false)} />
      </Dialog>
    </Card>
  );
}
