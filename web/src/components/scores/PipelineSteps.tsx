// The live state of a score's pipeline: each step, in order, with its progress.
import { useTranslation } from "react-i18next";
import { Badge, Progress } from "../ui";
import { stepsOf, type PipelineStatus } from "./types";

const tones = { running: "info", done: "good", failed: "bad", pending: "neutral" } as const;

export function PipelineSteps({ pipeline }: { pipeline: PipelineStatus }) {
  const { t } = useTranslation("scores");
  const steps = stepsOf(pipeline);
  const done = steps.filter((s) => pipeline.steps[s]?.state === "done").length;
  const overall = pipeline.state === "done" ? 1 : done / steps.length;
  return (
    <div className="stack" data-testid="pipeline" data-state={pipeline.state}>
      <Progress value={overall} label={t("pipeline.overall")} />
      <ol className="score-pipeline-steps">
        {steps.map((name) => {
          const step = pipeline.steps[name];
          const state = step?.state ?? "pending";
          return (
            <li key={name} className={`score-pipeline-step score-pipeline-step-${state}`} data-step={name} data-state={state} aria-current={pipeline.step === name && state === "running" ? "step" : undefined}>
              <div className="row score-pipeline-step-head">
                <span className="score-pipeline-step-name">{t(`pipeline.steps.${name}`)}</span>
                <Badge tone={tones[state] ?? "neutral"}>{t(`pipeline.states.${state}`)}</Badge>
                {step && step.total > 1 ? (
                  <span className="small muted">{t("pipeline.count", { done: step.done, total: step.total })}</span>
                ) : null}
              </div>
              {state === "running" && step && step.total > 1 ? <Progress value={step.done / step.total} label={t(`pipeline.steps.${name}`)} /> : null}
              {step?.error ? <p className="small field-error">{step.error}</p> : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
