// A full resync (docs/sync-protocol.md, "Retention"): the local copy becomes the export,
// and this device's unsent edits survive it.
import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it } from "vitest";
import { getEntity, listEntities, openLocalDB, type LocalDB } from "./db";
import { applyRemote, pending, record, replaceRemote, takeBatch } from "./outbox";
import { exportRows } from "./sync";
import type { AccountExport } from "../api/types";

let db: LocalDB;
let n = 0;
beforeEach(async () => {
  db = await openLocalDB(`resync-${++n}`);
});

const entry = (id: string, version: number, notes: string) => ({
  id,
  version,
  practiced_at: "2026-11-20T10:00:00Z",
  duration_minutes: 30,
  type: "practice",
  notes,
});

describe("resync from the export", () => {
  it("takes the export's rows and drops what the server no longer has, keeping unsent edits", async () => {
    // The device's copy: a, b, d synced; a favourite seen in CHANGES.
    await applyRemote(db, [
      { entity: "logbook_entry", id: "a", op: "upsert", version: 1, data: entry("a", 1, "a1") },
      { entity: "logbook_entry", id: "b", op: "upsert", version: 1, data: entry("b", 1, "b1") },
      { entity: "logbook_entry", id: "d", op: "upsert", version: 1, data: entry("d", 1, "d1") },
      { entity: "favorite", id: "s1", op: "upsert", data: { score_id: "s1" } },
    ]);
    // Unsent edits: c created offline, d's notes changed, e (deleted on the server) edited.
    await record(db, { entity: "logbook_entry", id: "c", op: "upsert", data: entry("c", 0, "offline") });
    await record(db, { entity: "logbook_entry", id: "d", op: "upsert", data: { notes: "mine" }, fields: ["notes"] });
    await applyRemote(db, [{ entity: "goal", id: "e", op: "upsert", version: 2, data: { id: "e", title: "Scales" } }]);
    await record(db, { entity: "goal", id: "e", op: "upsert", data: { title: "Arpeggios" }, fields: ["title"] });
    await takeBatch(db); // in flight when the socket was told to resync
    const queued = (await pending(db)).map((i) => i.client_change_id);

    // The server's state: a and d changed elsewhere, b and e deleted (their tombstones pruned).
    const exp: AccountExport = {
      sync_cursor: 42,
      logbook: [entry("a", 3, "a3"), entry("d", 2, "d2")] as unknown as AccountExport["logbook"],
      repertoire: [],
      goals: [],
    };
    const changed = await replaceRemote(db, exportRows(exp));

    expect(changed).toEqual(new Set(["logbook_entry", "favorite"]));
    const a = await getEntity<{ notes: string }>(db, "logbook_entry", "a");
    expect(a?.version).toBe(3);
    expect(a?.data.notes).toBe("a3");
    expect(await getEntity(db, "logbook_entry", "b")).toBeUndefined();
    expect(await getEntity(db, "favorite", "s1")).toBeUndefined();
    expect((await getEntity<{ notes: string }>(db, "logbook_entry", "c"))?.data.notes).toBe("offline");
    const d = await getEntity<{ notes: string }>(db, "logbook_entry", "d");
    expect(d?.version).toBe(2);
    expect(d?.data.notes).toBe("mine");
    expect((await getEntity<{ title: string }>(db, "goal", "e"))?.data.title).toBe("Arpeggios");
    expect((await listEntities(db, "logbook_entry")).map((e) => e.id).sort()).toEqual(["a", "c", "d"]);
    expect((await pending(db)).map((i) => i.client_change_id)).toEqual(queued);
  });

  it("maps every kind of the export", () => {
    const rows = exportRows({
      sync_cursor: 7,
      logbook: [{ id: "l", version: 1 }],
      repertoire: [{ id: "r", version: 2 }],
      goals: [{ id: "g", version: 3 }],
    } as unknown as AccountExport);
    expect(rows.map((r) => [r.entity, r.id, r.version])).toEqual([
      ["logbook_entry", "l", 1],
      ["repertoire_item", "r", 2],
      ["goal", "g", 3],
    ]);
  });
});
