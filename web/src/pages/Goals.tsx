// Goals, grouped by status, each with its progress towards the target. Goals are synced
// entities (created, edited and deleted on this device, pushed by the sync engine); progress
// is recorded on the server (online only) and comes back through sync. Until it has, the
// goal shows the server's answer.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Goal } from "../api/types";
import { useSession } from "../auth/session";
import { localKey, useEntities, useOffline } from "../offline/context";
import { useEntityEditor } from "../components/useEntityEditor";
import { Button, ConfirmDelete, Card, Dialog, Empty, ErrorBanner, PageHeader, Spinner, useToasts } from "../components/ui";
import { GoalForm } from "../components/goals/GoalForm";
import { GoalItem } from "../components/goals/GoalItem";
import { ProgressForm } from "../components/goals/ProgressForm";
import { bodyOf, changedFields, goalStatuses, today, type GoalBody, type GoalStatus } from "../components/goals/body";
import { useOnline } from "../components/goals/useOnline";

const ENTITY = "goal";

type DialogState =
  | { kind: "create" }
  | { kind: "edit"; id: string }
  | { kind: "progress"; id: string }
  | { kind: "delete"; id: string };

/** Active goals by due date (none last), the others most recently changed first. */
function order(status: GoalStatus, collator: Intl.Collator) {
  return (a: Goal, b: Goal) => {
    if (status === "active") {
      const due = (a.due_date ?? "9999-12-31").localeCompare(b.due_date ?? "9999-12-31");
      return due !== 0 ? due : collator.compare(a.title, b.title);
    }
    return (b.updated_at ?? "").localeCompare(a.updated_at ?? "") || collator.compare(a.title, b.title);
  };
}

export default function GoalsPage() {
  const { t, i18n } = useTranslation("goals");
  const goals = useEntities<Goal>(ENTITY);
  const { queryClient } = useOffline();
  const push = useToasts((s) => s.push);
  const online = useOnline();
  const timeZone = useSession((s) => s.user?.timezone);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  // The server's answers to recorded progress, shown until sync brings that version here.
  const [recorded, setRecorded] = useState<Record<string, Goal>>({});

  const all = useMemo(
    () =>
      (goals.data ?? []).map((g) => {
        const r = recorded[g.id];
        return r && r.version > g.version ? { ...g, current_value: r.current_value, status: r.status } : g;
      }),
    [goals.data, recorded],
  );
  const groups = useMemo(() => {
    const collator = new Intl.Collator(i18n.language);
    return goalStatuses.map((status) => ({ status, goals: all.filter((g) => g.status === status).sort(order(status, collator)) }));
  }, [all, i18n.language]);

  const current = dialog && dialog.kind !== "create" ? all.find((g) => g.id === dialog.id) : undefined;
  const close = () => setDialog(null);
  const { create, update, destroy } = useEntityEditor<Goal, GoalBody>(ENTITY, t, { bodyOf, changedFields, createdKey: "created", onDone: close });


  const progressed = (before: Goal, updated: Goal) => {
    setRecorded((r) => ({ ...r, [updated.id]: updated }));
    void queryClient.invalidateQueries({ queryKey: localKey(ENTITY) });
    push(before.status === "active" && updated.status === "completed" ? t("reached", { title: updated.title }) : t("progressRecorded"));
    close();
  };

  let title = "";
  if (dialog?.kind === "create") title = t("createTitle");
  else if (dialog?.kind === "edit") title = t("editTitle");
  else if (dialog?.kind === "progress") title = t("progressTitle", { title: current?.title ?? "" });
  else if (dialog?.kind === "delete") title = t("deleteTitle");

  const day = today(timeZone);
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: "create" })} data-testid="goal-add">
            {t("add")}
          </Button>
        }
      >
        <p className="muted">{t("intro")}</p>
      </PageHeader>

      {!online && all.length > 0 ? (
        <p className="banner banner-info" role="status">
          {t("progressOffline")}
        </p>
      ) : null}

      {goals.isPending ? (
        <Spinner />
      ) : goals.isError ? (
        <ErrorBanner error={goals.error} />
      ) : all.length === 0 ? (
        <Empty>{t("empty")}</Empty>
      ) : (
        groups.map(({ status, goals: list }) => (
          <Card key={status} title={t("group", { status: t(`status.${status}`), count: list.length })} className="goal-group">
            {list.length === 0 ? (
              <p className="muted small">{t(`none.${status}`)}</p>
            ) : (
              <ul className="list" data-testid={`goals-${status}`}>
                {list.map((goal) => (
                  <GoalItem
                    key={goal.id}
                    goal={goal}
                    online={online}
                    today={day}
                    onProgress={() => setDialog({ kind: "progress", id: goal.id })}
                    onEdit={() => setDialog({ kind: "edit", id: goal.id })}
                    onDelete={() => setDialog({ kind: "delete", id: goal.id })}
                  />
                ))}
              </ul>
            )}
          </Card>
        ))
      )}

      <Dialog open={dialog !== null} title={title} onClose={close}>
        {dialog?.kind === "create" ? (
          <GoalForm onSave={create} onCancel={close} />
        ) : !current ? (
          <p className="muted">{t("gone")}</p>
        ) : dialog?.kind === "edit" ? (
          <GoalForm key={current.id} goal={current} onSave={(body) => update(current, body)} onCancel={close} />
        ) : dialog?.kind === "progress" ? (
          <ProgressForm goal={current} onDone={(updated) => progressed(current, updated)} onCancel={close} />
        ) : (
          <ConfirmDelete message={t("deleteConfirm", { title: current.title })} onCancel={close} onConfirm={() => void destroy(current)} testId="goal-confirm-delete" />
        )}
      </Dialog>
    </>
  );
}
