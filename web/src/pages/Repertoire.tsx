// The repertoire as a status board: a column per status, a card per piece. A piece moves with
// the select on its card (or by dragging it to another column); it is added, edited and
// deleted in a dialog. Everything is read from and written to this device's copy, and synced.
import { useMemo, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import { repertoireStatuses, type RepertoireItem, type RepertoireStatus } from "../api/types";
import { useEntityEditor } from "../components/useEntityEditor";
import { useEntities, useSave } from "../offline/context";
import { Button, ConfirmDelete, Dialog, Empty, ErrorBanner, Field, PageHeader, Spinner } from "../components/ui";
import { RepertoireCard } from "../components/repertoire/RepertoireCard";
import { RepertoireDetail } from "../components/repertoire/RepertoireDetail";
import { RepertoireForm } from "../components/repertoire/RepertoireForm";
import { bodyOf, changedFields, type RepertoireBody } from "../components/repertoire/body";

const ENTITY = "repertoire_item";

type DialogState =
  | { kind: "create" }
  | { kind: "edit"; id: string }
  | { kind: "detail"; id: string }
  | { kind: "delete"; id: string };

/** fold lowers case and drops accents, so "dvorak" finds "Dvořák". */
const fold = (s: string) => s.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

export default function RepertoirePage() {
  const { t, i18n } = useTranslation("repertoire");
  const items = useEntities<RepertoireItem>(ENTITY);
  const { save } = useSave();
  const [composer, setComposer] = useState("");
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [focusAfterMove, setFocusAfterMove] = useState<{ id: string; status: RepertoireStatus } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [dropTarget, setDropTarget] = useState<RepertoireStatus | null>(null);

  const all = useMemo(() => items.data ?? [], [items.data]);
  const columns = useMemo(() => {
    const wanted = fold(composer.trim());
    const collator = new Intl.Collator(i18n.language);
    const byStatus = new Map<RepertoireStatus, RepertoireItem[]>(repertoireStatuses.map((s) => [s, []]));
    for (const item of all) {
      if (wanted && !fold(item.composer ?? "").includes(wanted)) continue;
      byStatus.get(item.status)?.push(item);
    }
    for (const list of byStatus.values()) list.sort((a, b) => collator.compare(a.title, b.title));
    return byStatus;
  }, [all, composer, i18n.language]);
  const shown = [...columns.values()].reduce((n, l) => n + l.length, 0);

  const current = dialog && dialog.kind !== "create" ? all.find((i) => i.id === dialog.id) : undefined;
  const close = () => setDialog(null);
  const { create, update, destroy, failed } = useEntityEditor<RepertoireItem, RepertoireBody>(ENTITY, t, { bodyOf, changedFields, createdKey: "added", onDone: close });


  const move = async (item: RepertoireItem, status: RepertoireStatus, keyboard: boolean) => {
    if (status === item.status) return;
    if (keyboard) setFocusAfterMove({ id: item.id, status });
    try {
      await save(ENTITY, item.id, { ...bodyOf(item), status }, ["status"]);
      setAnnouncement(t("moved", { title: item.title, status: t(`status.${status}`) }));
    } catch (err) {
      failed(err);
    }
  };


  const drop = (status: RepertoireStatus) => (e: DragEvent) => {
    e.preventDefault();
    setDropTarget(null);
    const item = all.find((i) => i.id === e.dataTransfer.getData("text/plain"));
    if (item) void move(item, status, false);
  };

  let title = "";
  if (dialog?.kind === "create") title = t("addTitle");
  else if (dialog?.kind === "edit") title = t("editTitle");
  else if (dialog?.kind === "delete") title = t("deleteTitle");
  else if (dialog?.kind === "detail") title = current?.title ?? "";

  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: "create" })} data-testid="repertoire-add">
            {t("add")}
          </Button>
        }
      >
        <p className="muted">{t("intro")}</p>
      </PageHeader>

      {items.isPending ? (
        <Spinner />
      ) : items.isError ? (
        <ErrorBanner error={items.error} />
      ) : all.length === 0 ? (
        <Empty>{t("empty")}</Empty>
      ) : (
        <>
          <div className="filters rep-filters" role="search">
            <Field
              type="search"
              label={t("filterComposer")}
              placeholder={t("filterComposerPlaceholder")}
              value={composer}
              onChange={(e) => setComposer(e.target.value)}
              data-testid="repertoire-filter"
            />
            <p className="muted small" aria-live="polite">
              {t("shown", { count: shown, total: all.length })}
            </p>
          </div>
          {shown === 0 ? (
            <Empty>{t("noMatch")}</Empty>
          ) : (
            <div className="board" data-testid="repertoire-board">
              {repertoireStatuses.map((status) => {
                const list = columns.get(status) ?? [];
                return (
                  <section
                    key={status}
                    className={`board-col${dropTarget === status ? " drop-target" : ""}`}
                    aria-labelledby={`rep-col-${status}`}
                    data-testid={`repertoire-column-${status}`}
                    onDragOver={(e) => {
                      e.preventDefault();
                      e.dataTransfer.dropEffect = "move";
                      setDropTarget(status);
                    }}
                    onDragLeave={(e) => {
                      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget(null);
                    }}
                    onDrop={drop(status)}
                  >
                    <h2 id={`rep-col-${status}`}>
                      <span>{t(`status.${status}`)}</span>
                      <span className="badge" aria-label={t("count", { count: list.length })}>
                        {list.length}
                      </span>
                    </h2>
                    {list.length === 0 ? (
                      <p className="muted small">{t("emptyColumn")}</p>
                    ) : (
                      <ul className="rep-cards">
                        {list.map((item) => (
                          <RepertoireCard
                            key={item.id}
                            item={item}
                            focusMove={focusAfterMove?.id === item.id && focusAfterMove.status === item.status}
                            onMoved={() => setFocusAfterMove(null)}
                            onMove={(s) => void move(item, s, true)}
                            onOpen={() => setDialog({ kind: "detail", id: item.id })}
                            onEdit={() => setDialog({ kind: "edit", id: item.id })}
                            onDelete={() => setDialog({ kind: "delete", id: item.id })}
                          />
                        ))}
                      </ul>
                    )}
                  </section>
                );
              })}
            </div>
          )}
        </>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      <Dialog open={dialog !== null} title={title} onClose={close}>
        {dialog?.kind === "create" ? (
          <RepertoireForm onSave={create} onCancel={close} />
        ) : !current ? (
          <p className="muted">{t("gone")}</p>
        ) : dialog?.kind === "edit" ? (
          <RepertoireForm key={current.id} item={current} onSave={(body) => update(current, body)} onCancel={close} />
        ) : dialog?.kind === "detail" ? (
          <RepertoireDetail item={current} onEdit={() => setDialog({ kind: "edit", id: current.id })} onClose={close} />
        ) : (
          <ConfirmDelete message={t("deleteConfirm", { title: current.title })} onCancel={close} onConfirm={() => void destroy(current)} testId="repertoire-confirm-delete" />
        )}
      </Dialog>
    </>
  );
}
