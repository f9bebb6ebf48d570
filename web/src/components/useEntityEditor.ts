// Create, change and delete synced entities of one kind from a page: each is applied on
// this device (useSave), told to the user, and followed by onDone (closing a dialog).
import type { TFunction } from "i18next";
import { useSave } from "../offline/context";
import { useToasts } from "./ui";

interface Options<T, B> {
  /** bodyOf is an entity as the form edits it; changedFields compares two of them. */
  bodyOf: (entity: T) => B;
  changedFields: (before: B, after: B) => string[];
  /** createdKey names the message of a creation ("created", "added"…); the namespace also
   * has "saved", "deleted" and "saveFailed", each with {{title}} or {{message}}. */
  createdKey: string;
  onDone: () => void;
}

export function useEntityEditor<T extends { id: string; title: string }, B extends { title: string }>(entity: string, t: TFunction, o: Options<T, B>) {
  const { save, remove } = useSave();
  const push = useToasts((s) => s.push);
  const failed = (err: unknown) => push(t("saveFailed", { message: err instanceof Error ? err.message : String(err) }), "error");
  const run = async (change: () => Promise<void>, done: string) => {
    try {
      await change();
      push(done);
      o.onDone();
    } catch (err) {
      failed(err);
    }
  };
  const data = (body: B) => body as unknown as Record<string, unknown>;
  return {
    failed,
    create: (body: B) => run(() => save(entity, crypto.randomUUID(), data(body)), t(o.createdKey, { title: body.title })),
    /** update sends only the fields that changed (none: nothing is sent). */
    update: (current: T, body: B) => {
      const fields = o.changedFields(o.bodyOf(current), body);
      return run(async () => {
        if (fields.length > 0) await save(entity, current.id, data(body), fields);
      }, t("saved", { title: body.title }));
    },
    destroy: (current: T) => run(() => remove(entity, current.id), t("deleted", { title: current.title })),
  };
}
