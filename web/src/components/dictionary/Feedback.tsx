// A reader's word on an entry: helpful or not, and a report of a wrong or harmful one.
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Button, Dialog, ErrorBanner, Select, TextArea, useToasts } from "../ui";
import { reportEntry, sendFeedback } from "./api";
import { reportReasons, type DictionaryEntry, type ReportReason } from "./types";

function ReportDialog({ entry, open, onClose }: { entry: DictionaryEntry; open: boolean; onClose: () => void }) {
  const { t } = useTranslation("dictionary");
  const push = useToasts((s) => s.push);
  const [reason, setReason] = useState<ReportReason>("incorrect");
  const [comment, setComment] = useState("");
  const send = useMutation({
    mutationFn: () => reportEntry(entry.id, reason, comment.trim()),
    onSuccess: ({ created }) => {
      push(created ? t("report.sent") : t("report.already"));
      setComment("");
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  const close = () => {
    send.reset();
    onClose();
  };
  return (
    <Dialog open={open} title={t("report.title", { term: entry.term })} onClose={close}>
      <form className="stack" onSubmit={submit}>
        <p className="muted small">{t("report.intro")}</p>
        <Select label={t("report.reason")} value={reason} onChange={(e) => setReason(e.target.value as ReportReason)}>
          {reportReasons.map((r) => (
            <option key={r} value={r}>
              {t(`report.reasons.${r}`)}
            </option>
          ))}
        </Select>
        <TextArea
          label={t("report.comment")}
          hint={t("report.commentHint")}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={2000}
          rows={4}
        />
        <ErrorBanner error={send.error} />
        <div className="row">
          <Button type="submit" variant="primary" busy={send.isPending}>
            {t("report.submit")}
          </Button>
          <Button type="button" onClick={close}>
            {t("common:cancel")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** FeedbackBar: key it by the entry's id, so another entry starts without an answer. */
export function FeedbackBar({ entry }: { entry: DictionaryEntry }) {
  const { t } = useTranslation("dictionary");
  const [answer, setAnswer] = useState<boolean | null>(null);
  const [reporting, setReporting] = useState(false);
  const feedback = useMutation({
    mutationFn: (helpful: boolean) => sendFeedback(entry.id, helpful),
    onMutate: (helpful) => setAnswer(helpful),
  });

  return (
    <section className="dict-feedback" aria-labelledby="dict-feedback-title">
      <h3 id="dict-feedback-title" className="small">
        {t("feedback.question")}
      </h3>
      <div className="row">
        <Button type="button" className="btn-small" aria-pressed={answer === true} busy={feedback.isPending && answer === true} onClick={() => feedback.mutate(true)}>
          {t("feedback.helpful")}
        </Button>
        <Button type="button" className="btn-small" aria-pressed={answer === false} busy={feedback.isPending && answer === false} onClick={() => feedback.mutate(false)}>
          {t("feedback.notHelpful")}
        </Button>
        <Button type="button" variant="ghost" className="btn-small" onClick={() => setReporting(true)}>
          {t("report.open")}
        </Button>
      </div>
      <div aria-live="polite">
        {feedback.data ? (
          <p className="small muted">{t("feedback.thanks", { helpful: feedback.data.helpful, notHelpful: feedback.data.not_helpful })}</p>
        ) : null}
        <ErrorBanner error={feedback.error} />
      </div>
      <ReportDialog entry={entry} open={reporting} onClose={() => setReporting(false)} />
    </section>
  );
}
