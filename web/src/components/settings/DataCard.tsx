// The account's data: export it whole as JSON (GET /api/export) or the logbook as CSV
// (GET /api/export/logbook.csv), and import an export (POST /api/import; rows are matched by
// id, so importing the same file twice changes nothing). Imported rows reach this device
// through sync.
import { useId, useRef, useState, type ChangeEvent, type MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { Button, Card, ErrorBanner } from "../ui";
import { useOnline } from "../goals/useOnline";
import { download, stamp } from "./download";

/** store.ImportResult */
interface ImportResult {
  logbook: number;
  repertoire: number;
  goals: number;
  skipped: number;
}

/** An export file as read, before the server checks it row by row. */
interface ExportFile {
  format: string;
  logbook?: unknown[];
  repertoire?: unknown[];
  goals?: unknown[];
}

const exportFormat = "mirubato-export"; // store.ExportFormat

function isExport(v: unknown): v is ExportFile {
  return typeof v === "object" && v !== null && (v as { format?: unknown }).format === exportFormat;
}

const csvPath = "/api/export/logbook.csv";

export function DataCard() {
  const { t } = useTranslation("settings");
  const online = useOnline();
  const fileId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [exporting, setExporting] = useState<"json" | "csv" | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [file, setFile] = useState<{ name: string; data: ExportFile } | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const exportAs = async (kind: "json" | "csv") => {
    setExportError(null);
    setExporting(kind);
    try {
      if (kind === "json") await download("/api/export", `mirubato-export-${stamp()}.json`);
      else await download(csvPath, `mirubato-logbook-${stamp()}.csv`);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(null);
    }
  };

  // The CSV is a real link (it works without this page's script); the click goes through the
  // API client so that an expired session is refreshed first.
  const csvClick = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    if (online && !exporting) void exportAs("csv");
  };

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    setFile(null);
    setFileProblem(null);
    setResult(null);
    setImportError(null);
    const f = e.target.files?.[0];
    if (!f) return;
    try {
      const data: unknown = JSON.parse(await f.text());
      if (!isExport(data)) throw new Error("not an export");
      setFile({ name: f.name, data });
    } catch {
      setFileProblem(t("data.notExport"));
    }
  };

  const runImport = async () => {
    if (!file) return;
    setImportError(null);
    setImporting(true);
    try {
      setResult(await api<ImportResult>("/api/import", { method: "POST", body: file.data }));
      setFile(null);
      if (fileRef.current) fileRef.current.value = "";
    } catch (err) {
      setImportError(err);
    } finally {
      setImporting(false);
    }
  };

  const count = (rows: unknown[] | undefined) => rows?.length ?? 0;

  return (
    <Card title={t("data.title")}>
      <div className="stack">
        <section className="stack settings-section" aria-labelledby={fileId + "-export"}>
          <h3 id={fileId + "-export"}>{t("data.exportTitle")}</h3>
          <p className="muted small">{t("data.exportHelp")}</p>
          <div className="row">
            <Button onClick={() => void exportAs("json")} busy={exporting === "json"} disabled={!online || exporting !== null} data-testid="export-json">
              {t("data.exportJson")}
            </Button>
            <a
              className={`btn btn-secondary${!online ? " settings-disabled" : ""}`}
              href={csvPath}
              download
              onClick={csvClick}
              aria-disabled={!online || undefined}
              aria-busy={exporting === "csv" || undefined}
              data-testid="export-csv"
            >
              {exporting === "csv" ? <span className="spinner" aria-hidden="true" /> : null}
              {t("data.exportCsv")}
            </a>
          </div>
          <ErrorBanner error={exportError} />
        </section>

        <section className="stack settings-section" aria-labelledby={fileId + "-import"}>
          <h3 id={fileId + "-import"}>{t("data.importTitle")}</h3>
          <p className="muted small">{t("data.importHelp")}</p>
          <div className="field">
            <label htmlFor={fileId}>{t("data.file")}</label>
            <input
              id={fileId}
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              onChange={(e) => void pick(e)}
              aria-invalid={fileProblem ? true : undefined}
              aria-describedby={fileProblem ? fileId + "-problem" : undefined}
              data-testid="import-file"
            />
            {fileProblem ? (
              <p className="field-error" id={fileId + "-problem"}>
                {fileProblem}
              </p>
            ) : null}
          </div>
          {file ? (
            <p className="small">
              {t("data.fileSummary", {
                name: file.name,
                logbook: count(file.data.logbook),
                repertoire: count(file.data.repertoire),
                goals: count(file.data.goals),
              })}
            </p>
          ) : null}
          <div className="row">
            <Button variant="primary" onClick={() => void runImport()} busy={importing} disabled={!file || !online} data-testid="import-run">
              {t("data.import")}
            </Button>
          </div>
          <ErrorBanner error={importError} />
          {result ? (
            <div className="banner banner-info" role="status" data-testid="import-result">
              <p>{t("data.imported")}</p>
              <ul className="import-counts">
                <li>{t("data.counts.logbook", { count: result.logbook })}</li>
                <li>{t("data.counts.repertoire", { count: result.repertoire })}</li>
                <li>{t("data.counts.goals", { count: result.goals })}</li>
                {result.skipped > 0 ? <li>{t("data.counts.skipped", { count: result.skipped })}</li> : null}
              </ul>
            </div>
          ) : null}
        </section>
        {!online ? <p className="muted small">{t("offline")}</p> : null}
      </div>
    </Card>
  );
}
