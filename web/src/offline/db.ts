// The device's copy of the user's synced data, in IndexedDB: entities as the server last
// sent them (with this device's unsent edits applied over them), the outbox of those edits,
// and the sync cursor.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface StoredEntity<T = unknown> {
  key: string; // entity + ":" + id
  entity: string;
  id: string;
  version: number; // the server's version this copy is based on (0: never synced)
  data: T;
}

/** A change waiting to be pushed (docs/sync-protocol.md, "Pushing changes"). */
export interface OutboxItem {
  seq?: number;
  client_change_id: string;
  entity: string;
  id: string;
  op: "upsert" | "delete";
  base_version: number;
  client_ts: string;
  fields?: string[];
  data?: unknown;
  /** inFlight: pushed, waiting for its ACK. */
  inFlight?: boolean;
  /** sent: pushed at least once. The server answers a change id it has seen with its first
   * result, so a sent change is never merged with a later edit (which would be lost). */
  sent?: boolean;
}

export interface Schema extends DBSchema {
  entities: { key: string; value: StoredEntity; indexes: { byEntity: string } };
  outbox: { key: number; value: OutboxItem; indexes: { byKey: string } };
  meta: { key: string; value: unknown };
}

export type LocalDB = IDBPDatabase<Schema>;

export const entityKey = (entity: string, id: string) => `${entity}:${id}`;

/** openLocalDB opens (creating or upgrading) the database of this browser profile. */
export function openLocalDB(name = "mirubato"): Promise<LocalDB> {
  return openDB<Schema>(name, 1, {
    upgrade(db) {
      const entities = db.createObjectStore("entities", { keyPath: "key" });
      entities.createIndex("byEntity", "entity");
      const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("byKey", "client_change_id", { unique: true });
      db.createObjectStore("meta");
    },
  });
}

export async function getMeta<T>(db: LocalDB, key: string): Promise<T | undefined> {
  return (await db.get("meta", key)) as T | undefined;
}

export async function setMeta(db: LocalDB, key: string, value: unknown): Promise<void> {
  await db.put("meta", value, key);
}

export async function deleteMeta(db: LocalDB, key: string): Promise<void> {
  await db.delete("meta", key);
}

/** listEntities returns the stored entities of a kind. */
export async function listEntities<T>(db: LocalDB, entity: string): Promise<StoredEntity<T>[]> {
  return (await db.getAllFromIndex("entities", "byEntity", entity)) as StoredEntity<T>[];
}

export async function getEntity<T>(db: LocalDB, entity: string, id: string): Promise<StoredEntity<T> | undefined> {
  return (await db.get("entities", entityKey(entity, id))) as StoredEntity<T> | undefined;
}

/** clearAll forgets everything: another user signed in on this browser, or this one left. */
export async function clearAll(db: LocalDB): Promise<void> {
  const tx = db.transaction(["entities", "outbox", "meta"], "readwrite");
  await Promise.all([tx.objectStore("entities").clear(), tx.objectStore("outbox").clear(), tx.objectStore("meta").clear(), tx.done]);
}
