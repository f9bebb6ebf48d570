// Operators: the pipelines' queues, recent failures (with a retry), and IMSLP imports.
// Admins only: the API answers 403 to anyone else, and so does this page.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api/client";
import { formatAgo, formatDateTime, formatNumber, formatPercent, formatSeconds } from "../i18n/format";
import { Badge, Button, Card, Empty, ErrorBanner, PageHeader, Progress, Spinner, useToasts } from "../components/ui";

interface QueueActivity {
  queue: string;
  available: number;
  running: number;
  waiting: number;
  oldest_age_seconds: number;
  completed_last_hour: number;
  failed_last_hour: number;
  discarded_last_hour: number;
}

interface FailedJob {
  id: number;
  queue: string;
  kind: string;
  state: "retryable" | "discarded";
  attempt: number;
  max_attempts: number;
  error: string;
  failed_at: string;
  next_attempt_at?: string;
}

interface ImportBatch {
  id: string;
  status: string;
  total: number;
  progress: number;
  created_at: string;
  counts: Record<string, number>;
  request: { composer?: string; instrumentation?: string };
}

interface PipelinesPage {
  queues: QueueActivity[];
  failures: FailedJob[];
  imports: ImportBatch[];
  river_ui: string;
  generated_at: string;
}

export default function Pipelines() {
  const { t, i18n } = useTranslation(["ops", "common"]);
  const lng = i18n.language;
  const qc = useQueryClient();
  const push = useToasts((s) => s.push);
  const page = useQuery({
    queryKey: ["remote", "ops", "pipelines"],
    queryFn: () => api<PipelinesPage>("/api/ops/pipelines"),
    refetchInterval: 5000,
    retry: (n, err) => !(err instanceof ApiError && (err.status === 403 || err.status === 401)) && n < 2,
  });
  const retry = useMutation({
    mutationFn: (id: number) => api<{ id: number; state: string }>(`/api/ops/jobs/${id}/retry`, { method: "POST" }),
    onSuccess: (job) => {
      push(t("retried", { id: job.id }));
      void qc.invalidateQueries({ queryKey: ["remote", "ops"] });
    },
    onError: (err) => push(err instanceof Error ? err.message : String(err), "error"),
  });

  if (page.error instanceof ApiError && page.error.status === 403) {
    return (
      <>
        <PageHeader title={t("title")} />
        <div className="banner banner-error" role="alert" data-testid="forbidden">
          {t("common:errors.forbidden")} {t("adminsOnly")}
        </div>
      </>
    );
  }
  if (page.isLoading) return <Spinner />;
  if (page.error || !page.data) return <ErrorBanner error={page.error} />;
  const p = page.data;

  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <a className="btn" href={p.river_ui}>
            {t("riverUI")}
          </a>
        }
      >
        <p className="muted small">{t("updated", { when: formatDateTime(p.generated_at, lng) })}</p>
      </PageHeader>

      <Card title={t("queues")}>
        <div className="table-wrap">
          <table data-testid="queues">
            <thead>
              <tr>
                <th scope="col">{t("queue")}</th>
                <th scope="col" className="num">{t("available")}</th>
                <th scope="col" className="num">{t("running")}</th>
                <th scope="col" className="num">{t("waiting")}</th>
                <th scope="col" className="num">{t("oldest")}</th>
                <th scope="col" className="num">{t("completedHour")}</th>
                <th scope="col" className="num">{t("failedHour")}</th>
                <th scope="col" className="num">{t("discardedHour")}</th>
              </tr>
            </thead>
            <tbody>
              {p.queues.map((q) => (
                <tr key={q.queue}>
                  <th scope="row">{q.queue}</th>
                  <td className="num">{formatNumber(q.available, lng)}</td>
                  <td className="num">{formatNumber(q.running, lng)}</td>
                  <td className="num">{formatNumber(q.waiting, lng)}</td>
                  <td className="num">{q.available ? formatSeconds(q.oldest_age_seconds, lng) : "—"}</td>
                  <td className="num">{formatNumber(q.completed_last_hour, lng)}</td>
                  <td className="num">{q.failed_last_hour ? <Badge tone="bad">{formatNumber(q.failed_last_hour, lng)}</Badge> : "0"}</td>
                  <td className="num">{q.discarded_last_hour ? <Badge tone="bad">{formatNumber(q.discarded_last_hour, lng)}</Badge> : "0"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card title={t("failures")}>
        {p.failures.length === 0 ? (
          <Empty>{t("noFailures")}</Empty>
        ) : (
          <ul className="list" data-testid="failures">
            {p.failures.map((f) => (
              <li className="list-item" key={f.id}>
                <div>
                  <h3>
                    {f.kind} <span className="muted small">#{f.id} · {f.queue}</span>
                  </h3>
                  <p className="failure-reason">{f.error || t("noReason")}</p>
                  <p className="muted small">
                    <Badge tone={f.state === "discarded" ? "bad" : "warn"}>{t(`states.${f.state}`)}</Badge>{" "}
                    {t("attempt", { attempt: f.attempt, max: f.max_attempts })} · {formatAgo((Date.now() - Date.parse(f.failed_at)) / 1000, lng)}
                    {f.next_attempt_at ? ` · ${t("nextAttempt", { when: formatDateTime(f.next_attempt_at, lng) })}` : ""}
                  </p>
                </div>
                <Button onClick={() => retry.mutate(f.id)} busy={retry.isPending && retry.variables === f.id} aria-label={t("retryJob", { id: f.id })}>
                  {t("common:retry")}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("imports")}>
        {p.imports.length === 0 ? (
          <Empty>{t("noImports")}</Empty>
        ) : (
          <ul className="list">
            {p.imports.map((b) => (
              <li className="list-item" key={b.id}>
                <div className="stack" style={{ flex: 1 }}>
                  <h3>{b.request.composer ? t("composerImport", { composer: b.request.composer }) : t("worksImport", { count: b.total })}</h3>
                  <Progress value={b.progress} label={t("importProgress")} />
                  <p className="muted small">
                    {formatPercent(b.progress, lng)} · {Object.entries(b.counts)
                      .filter(([, n]) => n > 0)
                      .map(([k, n]) => `${t(`itemStates.${k}`)} ${formatNumber(n, lng)}`)
                      .join(" · ")}
                  </p>
                </div>
                <Badge tone={b.status === "done" ? "good" : b.status === "failed" ? "bad" : "info"}>{t(`batchStates.${b.status}`)}</Badge>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
