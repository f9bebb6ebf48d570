import "fake-indexeddb/auto";
import { describe, expect, it, beforeEach } from "vitest";
import { openLocalDB, getEntity, type LocalDB } from "./db";
import { ack, applyRemote, pending, record, requeue, takeBatch, toWire } from "./outbox";

let db: LocalDB;
let n = 0;
beforeEach(async () => {
  db = await openLocalDB(`test-${++n}`);
});

const entry = (minutes: number, notes = "") => ({ practiced_at: "2026-11-20T10:00:00Z", duration_minutes: minutes, type: "practice", notes });

describe("outbox", () => {
  it("applies an edit locally at once and queues it", async () => {
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(30) });
    const local = await getEntity<{ duration_minutes: number }>(db, "logbook_entry", "a");
    expect(local?.data.duration_minutes).toBe(30);
    expect(local?.version).toBe(0);
    const queued = await pending(db);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ entity: "logbook_entry", id: "a", op: "upsert", base_version: 0, fields: undefined });
  });

  it("merges offline edits of one entity into one change, keeping the first base version", async () => {
    await applyRemote(db, [{ entity: "logbook_entry", id: "a", op: "upsert", version: 3, data: { id: "a", ...entry(30) } }]);
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(45), fields: ["duration_minutes"] });
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(45, "slow practice"), fields: ["notes"] });
    const queued = await pending(db);
    expect(queued).toHaveLength(1);
    expect(queued[0].base_version).toBe(3);
    expect(queued[0].fields?.sort()).toEqual(["duration_minutes", "notes"]);
    expect(queued[0].data).toMatchObject({ duration_minutes: 45, notes: "slow practice" });
  });

  it("forgets an entity created and deleted while offline", async () => {
    await record(db, { entity: "goal", id: "g", op: "upsert", data: { title: "Scales" } });
    await record(db, { entity: "goal", id: "g", op: "delete" });
    expect(await pending(db)).toHaveLength(0);
    expect(await getEntity(db, "goal", "g")).toBeUndefined();
  });

  it("turns a queued edit of a synced entity into a delete", async () => {
    await applyRemote(db, [{ entity: "goal", id: "g", op: "upsert", version: 2, data: { id: "g", title: "Scales" } }]);
    await record(db, { entity: "goal", id: "g", op: "upsert", data: { title: "Arpeggios" }, fields: ["title"] });
    await record(db, { entity: "goal", id: "g", op: "delete" });
    const queued = await pending(db);
    expect(queued).toHaveLength(1);
    expect(toWire(queued[0])).toMatchObject({ op: "delete", base_version: 2, data: undefined });
  });

  it("does not merge a new edit into a change in flight, and requeues in-flight changes", async () => {
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(30) });
    const batch = await takeBatch(db);
    expect(batch).toHaveLength(1);
    expect(await takeBatch(db)).toHaveLength(0);
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(40), fields: ["duration_minutes"] });
    expect(await pending(db)).toHaveLength(2);
    await requeue(db);
    expect((await takeBatch(db)).map((i) => i.client_change_id)).toContain(batch[0].client_change_id);
  });

  it("never merges an edit into a change already sent (the server answers a sent id with its first result)", async () => {
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(30) });
    const [sent] = await takeBatch(db);
    await requeue(db); // the socket dropped before the ACK
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(30, "new notes"), fields: ["notes"] });
    const queued = await pending(db);
    expect(queued).toHaveLength(2);
    expect(queued[0]).toMatchObject({ client_change_id: sent.client_change_id, sent: true });
    expect(queued[1].data).toMatchObject({ notes: "new notes" });
    // A delete of a creation already sent must reach the server too.
    await record(db, { entity: "logbook_entry", id: "a", op: "delete" });
    expect((await pending(db)).map((i) => i.op)).toEqual(["upsert", "delete"]);
  });

  it("settles an ACK: new version, then a later edit is based on it", async () => {
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(30) });
    const [sent] = await takeBatch(db);
    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: entry(40), fields: ["duration_minutes"] });
    const out = await ack(db, [{ client_change_id: sent.client_change_id, entity: "logbook_entry", id: "a", status: "applied", version: 1 }]);
    expect(out.changed.has("logbook_entry")).toBe(true);
    expect((await getEntity(db, "logbook_entry", "a"))?.version).toBe(1);
    const rest = await pending(db);
    expect(rest).toHaveLength(1);
    expect(rest[0].client_change_id).not.toBe(sent.client_change_id);
    // The ACK of a change sent twice settles nothing more.
    const again = await ack(db, [{ client_change_id: sent.client_change_id, entity: "logbook_entry", id: "a", status: "applied", version: 1 }]);
    expect(again.changed.size).toBe(0);
  });

  it("takes the winner of a conflict, and drops a creation the server rejected", async () => {
    await applyRemote(db, [{ entity: "goal", id: "g", op: "upsert", version: 2, data: { id: "g", title: "Mine" } }]);
    await record(db, { entity: "goal", id: "g", op: "upsert", data: { title: "Local" }, fields: ["title"] });
    await record(db, { entity: "goal", id: "bad", op: "upsert", data: { title: "" } });
    const batch = await takeBatch(db);
    const out = await ack(db, [
      { client_change_id: batch[0].client_change_id, entity: "goal", id: "g", status: "conflict", state: { id: "g", title: "Theirs", version: 5 } },
      { client_change_id: batch[1].client_change_id, entity: "goal", id: "bad", status: "rejected", error: "title is required" },
    ]);
    const g = await getEntity<{ title: string }>(db, "goal", "g");
    expect(g?.data.title).toBe("Theirs");
    expect(g?.version).toBe(5);
    expect(await getEntity(db, "goal", "bad")).toBeUndefined();
    expect(out.rejected).toEqual([{ entity: "goal", id: "bad", error: "title is required" }]);
    expect(await pending(db)).toHaveLength(0);
  });

  it("applies remote changes by version and keeps unsent local fields", async () => {
    await applyRemote(db, [{ entity: "logbook_entry", id: "a", op: "upsert", version: 2, data: { id: "a", ...entry(30, "old") } }]);
    await applyRemote(db, [{ entity: "logbook_entry", id: "a", op: "upsert", version: 1, data: { id: "a", ...entry(10) } }]);
    expect((await getEntity<{ duration_minutes: number }>(db, "logbook_entry", "a"))?.data.duration_minutes).toBe(30);

    await record(db, { entity: "logbook_entry", id: "a", op: "upsert", data: { notes: "mine" }, fields: ["notes"] });
    const changed = await applyRemote(db, [{ entity: "logbook_entry", id: "a", op: "upsert", version: 3, data: { id: "a", ...entry(50, "theirs") } }]);
    expect(changed.has("logbook_entry")).toBe(true);
    const local = await getEntity<{ duration_minutes: number; notes: string }>(db, "logbook_entry", "a");
    expect(local?.version).toBe(3);
    expect(local?.data.duration_minutes).toBe(50);
    expect(local?.data.notes).toBe("mine");

    await applyRemote(db, [{ entity: "repertoire_item", id: "r", op: "upsert", version: 1, data: { id: "r" } }]);
    await applyRemote(db, [{ entity: "repertoire_item", id: "r", op: "delete" }]);
    expect(await getEntity(db, "repertoire_item", "r")).toBeUndefined();
  });
});
