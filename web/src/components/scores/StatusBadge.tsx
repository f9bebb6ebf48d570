// A score's pipeline status as a badge.
import { useTranslation } from "react-i18next";
import { Badge } from "../ui";
import type { ScoreStatus } from "./types";

const tones = { processing: "info", ready: "good", failed: "bad" } as const;

export function StatusBadge({ status }: { status: ScoreStatus }) {
  const { t } = useTranslation("scores");
  return <Badge tone={tones[status] ?? "neutral"}>{t(`status.${status}`)}</Badge>;
}
