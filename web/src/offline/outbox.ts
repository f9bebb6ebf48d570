// The outbox: edits made on this device, kept in IndexedDB until the server has taken them.
// An edit is applied to the local copy at once (the UI never waits for the network) and
// pushed when a connection is there. Edits of one entity made while offline are merged into
// one change, so a device that was offline for a week pushes each entity once.
import type { IDBPTransaction } from "idb";
import { entityKey, type LocalDB, type OutboxItem, type Schema, type StoredEntity } from "./db";
import type { PushResult } from "../api/types";

export interface Edit {
  entity: string;
  id: string;
  op: "upsert" | "delete";
  /** data: the whole entity as the API takes it (upserts). */
  data?: Record<string, unknown>;
  /** fields: the fields this edit changed (absent: a new entity, or all of them). */
  fields?: string[];
  now?: Date;
}

/** What became of pushed changes, for the UI. */
export interface AckOutcome {
  /** refetch: entities whose server state this device should read again (merged ones). */
  refetch: { entity: string; id: string }[];
  /** rejected: changes the server refused, with why. */
  rejected: { entity: string; id: string; error: string }[];
  changed: Set<string>; // entity kinds whose local copy changed
}

const newId = () => crypto.randomUUID();

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a || !b) return undefined; // one of them is the whole entity
  return [...new Set([...a, ...b])];
}

/**
 * record applies an edit to the local copy and queues it. It merges with a queued change of
 * the same entity that has not been pushed yet: an upsert after an upsert keeps the first
 * base version and the union of the fields; a delete of an entity the server never had
 * cancels its creation.
 */
export async function record(db: LocalDB, edit: Edit): Promise<void> {
  const tx = db.transaction(["entities", "outbox"], "readwrite");
  const entities = tx.objectStore("entities");
  const outbox = tx.objectStore("outbox");
  const key = entityKey(edit.entity, edit.id);
  const current = (await entities.get(key)) as StoredEntity | undefined;
  const baseVersion = current?.version ?? 0;
  const ts = (edit.now ?? new Date()).toISOString();

  let pending: OutboxItem | undefined;
  let sent = false; // the server has seen (or may have seen) a change of this entity
  for (const item of await outbox.getAll()) {
    if (item.entity !== edit.entity || item.id !== edit.id) continue;
    if (item.inFlight || item.sent) sent = true;
    else pending = item;
  }

  if (edit.op === "delete") {
    await entities.delete(key);
    if (pending && pending.base_version === 0 && pending.op === "upsert" && !sent) {
      await outbox.delete(pending.seq!); // created and deleted offline: the server need not know
    } else if (pending) {
      await outbox.put({ ...pending, op: "delete", data: undefined, fields: undefined, client_ts: ts });
    } else {
      await outbox.add({ client_change_id: newId(), entity: edit.entity, id: edit.id, op: "delete", base_version: baseVersion, client_ts: ts });
    }
  } else {
    const data = { ...(current?.data as Record<string, unknown> | undefined), ...edit.data, id: edit.id };
    await entities.put({ key, entity: edit.entity, id: edit.id, version: baseVersion, data });
    if (pending) {
      await outbox.put({
        ...pending,
        op: "upsert",
        data,
        fields: pending.base_version === 0 ? undefined : union(pending.fields, edit.fields),
        client_ts: ts,
      });
    } else {
      await outbox.add({
        client_change_id: newId(),
        entity: edit.entity,
        id: edit.id,
        op: "upsert",
        base_version: baseVersion,
        client_ts: ts,
        data,
        fields: baseVersion === 0 ? undefined : edit.fields,
      });
    }
  }
  await tx.done;
}

/** pending returns the queued changes, oldest first. */
export async function pending(db: LocalDB): Promise<OutboxItem[]> {
  return db.getAll("outbox");
}

/** takeBatch marks up to max queued changes as in flight and returns them, to push. */
export async function takeBatch(db: LocalDB, max = 100): Promise<OutboxItem[]> {
  const tx = db.transaction("outbox", "readwrite");
  const items = (await tx.store.getAll()).filter((i) => !i.inFlight).slice(0, max);
  for (const item of items) await tx.store.put({ ...item, inFlight: true, sent: true });
  await tx.done;
  return items;
}

/** requeue puts in-flight changes back in the queue (the connection dropped before the ACK;
 * the server applies a change id once, so sending it again is safe). */
export async function requeue(db: LocalDB): Promise<void> {
  const tx = db.transaction("outbox", "readwrite");
  for (const item of await tx.store.getAll()) {
    if (item.inFlight) await tx.store.put({ ...item, inFlight: false });
  }
  await tx.done;
}

/** toWire is a change as PUSH sends it. */
export function toWire(item: OutboxItem) {
  const { client_change_id, entity, id, op, base_version, client_ts, fields, data } = item;
  return { client_change_id, entity, id, op, base_version, client_ts, fields, data: op === "delete" ? undefined : data };
}

/**
 * ack settles pushed changes by the server's results: each is taken out of the outbox; the
 * local copy takes the new version (applied, merged), the winning state (conflict), or is
 * read again (rejected, merged with lost fields).
 */
export async function ack(db: LocalDB, results: PushResult[]): Promise<AckOutcome> {
  const out: AckOutcome = { refetch: [], rejected: [], changed: new Set() };
  const tx = db.transaction(["entities", "outbox"], "readwrite");
  const entities = tx.objectStore("entities");
  const byKey = tx.objectStore("outbox").index("byKey");
  for (const r of results) {
    const item = await byKey.get(r.client_change_id);
    if (!item) continue; // settled already (an ACK of a change sent twice)
    await tx.objectStore("outbox").delete(item.seq!);
    const key = entityKey(item.entity, item.id);
    const newer = (await tx.objectStore("outbox").getAll()).some((i) => i.entity === item.entity && i.id === item.id);
    const current = (await entities.get(key)) as StoredEntity | undefined;
    switch (r.status) {
      case "applied":
      case "merged":
        if (item.op === "upsert" && current && r.version !== undefined) {
          // A newer version from another device may have arrived before this ACK.
          await entities.put({ ...current, version: Math.max(current.version, r.version) });
          // An edit made since this one was pushed is based on the version just written.
          if (newer) {
            for (const later of await tx.objectStore("outbox").getAll()) {
              if (later.entity === item.entity && later.id === item.id && !later.inFlight && later.base_version === item.base_version) {
                await tx.objectStore("outbox").put({ ...later, base_version: r.version });
              }
            }
          }
        }
        if (r.status === "merged" && r.lost_fields?.length) out.refetch.push({ entity: item.entity, id: item.id });
        break;
      case "conflict": {
        const later = (await tx.objectStore("outbox").getAll()).filter((i) => i.entity === item.entity && i.id === item.id);
        if (r.state) {
          // The winner, with the fields of edits made here since (they are still to be pushed).
          let data = r.state as Record<string, unknown>;
          if (later.length && current) {
            const local = current.data as Record<string, unknown>;
            data = { ...data };
            for (const f of later.some((i) => !i.fields) ? Object.keys(local) : later.flatMap((i) => i.fields ?? [])) data[f] = local[f];
          }
          await entities.put({ key, entity: item.entity, id: item.id, version: (r.state as { version?: number }).version ?? r.version ?? 0, data });
        } else if (!newer) {
          await entities.delete(key);
        }
        break;
      }
      case "rejected":
        out.rejected.push({ entity: item.entity, id: item.id, error: r.error ?? "rejected" });
        if (item.base_version === 0 && item.op === "upsert" && !newer) {
          await entities.delete(key); // a creation the server refused
        } else {
          out.refetch.push({ entity: item.entity, id: item.id });
        }
        break;
    }
    out.changed.add(item.entity);
  }
  await tx.done;
  return out;
}

/** A change from the server, as applyRemote takes it. */
export interface RemoteChange {
  entity: string;
  id: string;
  op: "upsert" | "delete";
  version?: number;
  data?: unknown;
}

type EntitiesTx = IDBPTransaction<Schema, ("entities" | "outbox")[], "readwrite">;

/**
 * applyRemote applies changes from the server (BULK_SYNC, CHANGES, pull) to the local copy.
 * A copy is replaced only by a newer version; an entity with queued edits keeps them over
 * the server's fields.
 */
export async function applyRemote(db: LocalDB, changes: RemoteChange[]): Promise<Set<string>> {
  const changed = new Set<string>();
  if (changes.length === 0) return changed;
  const tx = db.transaction(["entities", "outbox"], "readwrite");
  await applyIn(tx, changes, changed);
  await tx.done;
  return changed;
}

/**
 * replaceRemote makes the local copy the server's whole state, read at once (GET
 * /api/export): on a first start, and when the server no longer keeps the changes after
 * this device's cursor (resync_required). Entities the server no longer has are removed
 * (their tombstones may be among the changes it dropped), unless this device has unsent
 * edits of them: the outbox is kept whole and pushed as usual.
 */
export async function replaceRemote(db: LocalDB, rows: RemoteChange[]): Promise<Set<string>> {
  const changed = new Set<string>();
  const tx = db.transaction(["entities", "outbox"], "readwrite");
  const entities = tx.objectStore("entities");
  const queued = new Set((await tx.objectStore("outbox").getAll()).map((i) => entityKey(i.entity, i.id)));
  const current = new Set(rows.map((r) => entityKey(r.entity, r.id)));
  for (const e of await entities.getAll()) {
    if (current.has(e.key) || queued.has(e.key)) continue;
    await entities.delete(e.key);
    changed.add(e.entity);
  }
  await applyIn(tx, rows, changed);
  await tx.done;
  return changed;
}

async function applyIn(tx: EntitiesTx, changes: RemoteChange[], changed: Set<string>) {
  const entities = tx.objectStore("entities");
  const queued = await tx.objectStore("outbox").getAll();
  for (const c of changes) {
    const key = entityKey(c.entity, c.id);
    const mine = queued.filter((i) => i.entity === c.entity && i.id === c.id);
    const current = (await entities.get(key)) as StoredEntity | undefined;
    if (mine.some((i) => i.op === "delete")) continue; // deleted here; the push settles it
    if (c.op === "delete") {
      if (mine.length === 0) await entities.delete(key);
      changed.add(c.entity);
      continue;
    }
    const version = c.version ?? 0;
    if (current && c.version !== undefined && current.version > version) continue; // stale
    let data = c.data as Record<string, unknown>;
    if (mine.length > 0 && current) {
      // Keep this device's unsent edits over the server's copy.
      const local = current.data as Record<string, unknown>;
      const fields = mine.some((i) => !i.fields) ? Object.keys(local) : mine.flatMap((i) => i.fields ?? []);
      data = { ...data };
      for (const f of fields) data[f] = local[f];
    }
    await entities.put({ key, entity: c.entity, id: c.id, version, data });
    changed.add(c.entity);
  }
}
