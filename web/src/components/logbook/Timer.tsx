// The practice timer: start, pause, resume; "stop and log" turns the time into an entry.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatClock } from "../../i18n/format";
import { Button, Card } from "../ui";
import { elapsed, minutesOf, useTimer } from "./timer";

export function Timer({ onStop }: { onStop: (startedAt: Date, minutes: number) => void }) {
  const { t } = useTranslation("logbook");
  const timer = useTimer();
  const [now, setNow] = useState(Date.now());
  const running = timer.runningSince !== null;
  const started = timer.startedAt !== null;

  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [running]);

  const ms = elapsed(timer, now);
  const stop = () => {
    const total = elapsed(useTimer.getState());
    const startedAt = new Date(timer.startedAt ?? Date.now());
    timer.pause();
    onStop(startedAt, minutesOf(total));
  };

  return (
    <Card title={t("timer.title")} className="timer-card">
      <div className="timer">
        <span className="timer-clock" role="timer" aria-live="off" aria-label={t("timer.elapsed")} data-testid="timer-clock">
          {formatClock(ms / 1000)}
        </span>
        <div className="row">
          {running ? (
            <Button onClick={() => timer.pause()}>{t("timer.pause")}</Button>
          ) : (
            <Button variant="primary" onClick={() => timer.start()}>
              {started ? t("timer.resume") : t("timer.start")}
            </Button>
          )}
          {started ? (
            <>
              <Button variant="primary" onClick={stop}>
                {t("timer.stop")}
              </Button>
              <Button variant="ghost" onClick={() => timer.reset()}>
                {t("timer.discard")}
              </Button>
            </>
          ) : null}
        </div>
      </div>
      <p className="muted small">{t("timer.hint")}</p>
    </Card>
  );
}
