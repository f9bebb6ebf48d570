// The interface's building blocks: one look for every page (styles.css).
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type ReactNode, type InputHTMLAttributes, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { create } from "zustand";
import { ApiError } from "../api/client";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" | "ghost"; busy?: boolean };

export function Button({ variant = "secondary", busy, children, className, disabled, ...rest }: ButtonProps) {
  return (
    <button className={`btn btn-${variant} ${className ?? ""}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

interface FieldShell {
  label: string;
  hint?: string;
  error?: string;
}

export function Field({ label, hint, error, className, ...rest }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={hint || error ? id + "-d" : undefined} {...rest} />
      {error ? (
        <p className="field-error" id={id + "-d"}>
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={id + "-d"}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea({ label, hint, error, className, ...rest }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} {...rest} />
      {error ? <p className="field-error">{error}</p> : hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

export function Select({ label, error, className, children, ...rest }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} {...rest}>
        {children}
      </select>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ""}`}>
      {title || actions ? (
        <header className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{title}</h1>
        {children}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label ?? t("loading")}
    </p>
  );
}

/** errorText turns an error into a sentence for people. */
export function errorText(err: unknown, t: (k: string) => string): string {
  if (err instanceof ApiError) {
    if (err.offline) return t("errors.offline");
    if (err.details.length) return err.message + ": " + err.details.map((d) => `${d.field} ${d.message}`).join("; ");
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBanner({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      {errorText(error, t)}
    </div>
  );
}

export function Badge({ tone = "neutral", children }: { tone?: "neutral" | "good" | "warn" | "bad" | "info"; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div className="progress-bar" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** Dialog is a modal <dialog>: focus is trapped by the browser, Escape closes it. */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useTranslation();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={onClose} onCancel={onClose}>
      <header className="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label={t("close")}>
          ×
        </button>
      </header>
      {open ? children : null}
    </dialog>
  );
}

interface Toast {
  id: number;
  text: string;
  tone: "info" | "error";
}

export const useToasts = create<{ toasts: Toast[]; push(text: string, tone?: Toast["tone"]): void; dismiss(id: number): void }>((set) => ({
  toasts: [],
  push(text, tone = "info") {
    const id = Date.now() + Math.random();
    set((s) => ({ toasts: [...s.toasts, { id, text, tone }] }));
    setTimeout(() => set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) })), 6000);
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
  },
}));

export function Toasts() {
  const { toasts, dismiss } = useToasts();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((x) => (
        <div key={x.id} className={`toast toast-${x.tone}`} role={x.tone === "error" ? "alert" : "status"}>
          <span>{x.text}</span>
          <button type="button" className="btn btn-ghost" onClick={() => dismiss(x.id)} aria-label="×">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** TagInput edits a list of short strings (comma or Enter adds one). */
export function TagInput({ label, value, onChange, placeholder }: { label: string; value: string[]; onChange: (v: string[]) => void; placeholder?: string }) {
  const id = useId();
  const { t } = useTranslation();
  const add = (raw: string) => {
    const v = raw.trim();
    if (v && !value.includes(v)) onChange([...value, v]);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="tags">
        {value.map((v) => (
          <span className="tag" key={v}>
            {v}
            <button type="button" aria-label={t("removeItem", { item: v })} onClick={() => onChange(value.filter((x) => x !== v))}>
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          placeholder={placeholder}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === ",") {
              e.preventDefault();
              add(e.currentTarget.value);
              e.currentTarget.value = "";
            }
          }}
          onBlur={(e) => {
            add(e.currentTarget.value);
            e.currentTarget.value = "";
          }}
        />
      </div>
    </div>
  );
}

/** ConfirmDelete is the body of a dialog that asks before deleting: Cancel has the focus. */
export function ConfirmDelete({ message, onCancel, onConfirm, busy, error, testId }: { message: string; onCancel: () => void; onConfirm: () => void; busy?: boolean; error?: unknown; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <p>{message}</p>
      <p className="muted small">{t("confirmDelete")}</p>
      <ErrorBanner error={error} />
      <div className="row">
        <Button type="button" onClick={onCancel} autoFocus>
          {t("cancel")}
        </Button>
        <Button type="button" variant="danger" busy={busy} onClick={onConfirm} data-testid={testId}>
          {t("delete")}
        </Button>
      </div>
    </div>
  );
}
