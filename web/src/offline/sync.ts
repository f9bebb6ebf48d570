// The sync engine: keeps the local copy (IndexedDB) and the server in step over the sync
// WebSocket (docs/sync-protocol.md), or over REST when a socket cannot be had.
//
//   - First start for a user: the account's data is read whole (GET /api/export), with the
//     change log's cursor it is the state at, so a new device does not replay history. The
//     same again when the server no longer keeps the changes after this device's cursor
//     (ERROR resync_required and close 4004, or 410 on pull): the local copy becomes the
//     export, unsent edits kept, and sync goes on from the export's cursor.
//   - Connected: HELLO with the cursor; BULK_SYNC and CHANGES are applied as they come; the
//     outbox is pushed (PUSH, ACK) whenever it has changes and nothing is in flight.
//   - A dropped socket reconnects with backoff; the browser's "online" event reconnects at
//     once. In-flight changes are pushed again (the server applies a change id once).
//   - After three failed sockets in a row the engine pulls and pushes over REST every 15 s,
//     and tries a socket again every minute.
import { api, ApiError, refreshSession } from "../api/client";
import type { AccountExport, Change, PushResult } from "../api/types";
import { clearAll, deleteMeta, getMeta, setMeta, type LocalDB } from "./db";
import * as outbox from "./outbox";

export type SyncState = "offline" | "connecting" | "live" | "polling" | "stopped";

export interface SyncEvents {
  /** changed: the local copy of these kinds changed (by the server or by an ACK). */
  changed(kinds: Set<string>): void;
  state(state: SyncState, pending: number): void;
  /** rejected: the server refused an edit of this device's. */
  rejected(items: { entity: string; id: string; error: string }[]): void;
  signedOut(): void;
}

const entityOfExport: [keyof AccountExport, string][] = [
  ["logbook", "logbook_entry"],
  ["repertoire", "repertoire_item"],
  ["goals", "goal"],
];

/** Every kind of synced data: what a whole new copy of the account may change. */
const allKinds = ["logbook_entry", "repertoire_item", "goal", "goal_progress", "favorite", "collection", "collection_score", "preferences"];

/** exportRows are the export's entities as the local copy keeps them. */
/** The ERROR codes that answer a PUSH the server did not take (or took only in part: each
 * change is applied once by its client_change_id, so the same PUSH may be sent again). */
export const pushRetryCodes = ["rate_limited", "unavailable", "internal", "bad_push", "malformed"] as const;

export function pushNotTaken(code: string): boolean {
  return (pushRetryCodes as readonly string[]).includes(code);
}

export function exportRows(exp: AccountExport): outbox.RemoteChange[] {
  const rows: outbox.RemoteChange[] = [];
  for (const [field, entity] of entityOfExport) {
    for (const row of (exp[field] as { id: string; version: number }[]) ?? []) {
      rows.push({ entity, id: row.id, op: "upsert", version: row.version, data: row });
    }
  }
  return rows;
}

/** What each kind's REST resource is, to read one again. */
const resourceOf: Record<string, string> = {
  logbook_entry: "/api/logbook/entries/",
  repertoire_item: "/api/repertoire/",
  goal: "/api/goals/",
};

export class SyncEngine {
  private ws: WebSocket | null = null;
  private state: SyncState = "stopped";
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private pushing = false;
  private inbox: Promise<void> = Promise.resolve();
  private connecting = false;
  private stopped = true;
  private deviceId = "";
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.goOffline();

  constructor(
    private readonly db: LocalDB,
    private readonly events: SyncEvents,
    private readonly base = location.origin,
  ) {}

  /** start syncs userId's data until stop. */
  async start(userId: string): Promise<void> {
    this.stopped = false;
    if ((await getMeta<string>(this.db, "user_id")) !== userId) {
      await clearAll(this.db); // another account's data never shows
      await setMeta(this.db, "user_id", userId);
      this.events.changed(new Set(allKinds));
    }
    this.deviceId = (await getMeta<string>(this.db, "device_id")) ?? "";
    if (!this.deviceId) {
      this.deviceId = "web-" + crypto.randomUUID();
      await setMeta(this.db, "device_id", this.deviceId);
    }
    await outbox.requeue(this.db);
    addEventListener("online", this.onOnline);
    addEventListener("offline", this.onOffline);
    if (navigator.onLine === false) {
      this.setState("offline");
      return;
    }
    this.connect();
  }

  /** stop closes the socket and timers; the local copy stays. */
  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.onOnline);
    removeEventListener("offline", this.onOffline);
    this.clearTimers();
    this.dropSocket();
    this.setState("stopped");
  }

  /** deviceId names this browser's copy (X-Device-Id, HELLO). */
  get device(): string {
    return this.deviceId;
  }

  /** edit records a change locally and pushes it when it can. */
  async edit(e: outbox.Edit): Promise<void> {
    await outbox.record(this.db, e);
    this.events.changed(new Set([e.entity]));
    await this.reportState();
    void this.flush();
  }

  private clearTimers() {
    if (this.timer) clearTimeout(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.timer = this.pollTimer = null;
  }

  private async reportState() {
    this.events.state(this.state, (await outbox.pending(this.db)).length);
  }

  private setState(s: SyncState) {
    this.state = s;
    void this.reportState();
  }

  /** dropSocket closes the socket; what it had in flight is pushed again later. */
  private dropSocket() {
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    this.pushing = false;
    void outbox.requeue(this.db);
  }

  private goOffline() {
    this.dropSocket();
    this.clearTimers();
    this.setState("offline");
  }

  private reconnectNow() {
    if (this.stopped) return;
    this.failures = 0;
    this.clearTimers();
    if (!this.ws && !this.connecting) void this.connect();
  }

  /** bootstrap reads the whole account once per device and user, and again after the
   * cursor was forgotten (resync_required). */
  private async bootstrap(): Promise<number> {
    const known = await getMeta<number>(this.db, "cursor");
    if (known !== undefined) return known;
    const exp = await api<AccountExport>("/api/export");
    await outbox.replaceRemote(this.db, exportRows(exp));
    await setMeta(this.db, "cursor", exp.sync_cursor);
    // Favourites and collections are read from the server: they may have changed unseen too.
    this.events.changed(new Set(allKinds));
    return exp.sync_cursor;
  }

  /** forgetCursor makes the next connection read the whole account again: the server no
   * longer keeps the changes after this device's cursor. Stored first, so a reload meanwhile
   * resyncs too. */
  private async forgetCursor() {
    await deleteMeta(this.db, "cursor");
  }

  private async connect() {
    if (this.stopped || this.connecting) return;
    this.setState("connecting");
    let cursor: number;
    this.connecting = true;
    try {
      cursor = await this.bootstrap();
    } catch (err) {
      this.fail(err);
      return;
    } finally {
      this.connecting = false;
    }
    if (this.stopped || this.ws) return;
    const url = this.base.replace(/^http/, "ws") + "/api/sync/ws";
    const ws = new WebSocket(url);
    this.ws = ws;
    let welcomed = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: "HELLO", device_id: this.deviceId, cursor, name: "Web browser" }));
    // Messages are handled one at a time, in order: a cursor is stored only after the
    // changes before it are.
    ws.onmessage = (ev) => {
      this.inbox = this.inbox.then(() => this.onMessage(ws, JSON.parse(String(ev.data)), () => (welcomed = true))).catch(() => undefined);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      void outbox.requeue(this.db).then(() => (this.pushing = false));
      if (this.stopped || this.state === "offline") return;
      if (ev.code === 4003) {
        this.events.signedOut();
        return;
      }
      if (ev.code === 4004) {
        // resync_required: read the account again, then reconnect from the export's cursor
        // (not a failure of the socket).
        this.inbox = this.inbox.then(() => this.forgetCursor()).catch(() => undefined);
        void this.inbox.then(() => this.retry());
        return;
      }
      if (ev.code === 4001) {
        void refreshSession().then(async (ok) => {
          if (ok === false) {
            // Another tab may have refreshed first; its cookie is ours too.
            try {
              await api("/api/auth/verify");
            } catch (err) {
              if (err instanceof ApiError && err.status === 401) return this.events.signedOut();
            }
          }
          this.retry();
        });
        return;
      }
      if (!welcomed) this.failures++;
      this.retry();
    };
  }

  private fail(err: unknown) {
    if (err instanceof ApiError && err.status === 401) {
      this.events.signedOut();
      return;
    }
    this.failures++;
    this.retry();
  }

  private retry() {
    if (this.stopped) return;
    if (this.failures >= 3) {
      this.startPolling();
      this.timer = setTimeout(() => this.connect(), 60_000);
      return;
    }
    this.setState("connecting");
    const delay = Math.min(30_000, 1000 * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private async onMessage(ws: WebSocket, msg: Record<string, unknown>, welcome: () => void) {
    switch (msg.type) {
      case "WELCOME":
        welcome();
        this.failures = 0;
        if (this.pollTimer) clearInterval(this.pollTimer);
        this.pollTimer = null;
        this.setState("live");
        void this.flush();
        break;
      case "BULK_SYNC":
      case "CHANGES":
        await this.applyChanges((msg.changes as Change[]) ?? [], msg.cursor as number);
        break;
      case "ACK":
        await this.settle([...((msg.applied as PushResult[]) ?? []), ...((msg.conflicts as PushResult[]) ?? [])]);
        this.pushing = false;
        void this.flush();
        break;
      case "ERROR":
        if (msg.code === "token_expired") {
          // The server closes with 4001 next; onclose refreshes and reconnects.
        } else if (msg.code === "account_gone") {
          this.events.signedOut();
        } else if (msg.code === "resync_required") {
          await this.forgetCursor(); // the server closes with 4004 next; onclose reconnects
        } else if (this.pushing && pushNotTaken(String(msg.code))) {
          // The PUSH was not taken (or only in part: each change is applied once, so sending
          // it again is safe): send it again a little later.
          await outbox.requeue(this.db);
          setTimeout(() => {
            this.pushing = false;
            void this.flush();
          }, 2000);
        }
        break;
    }
    if (ws !== this.ws) ws.close();
  }

  private async applyChanges(changes: Change[], cursor: number | undefined) {
    const changed = await outbox.applyRemote(this.db, changes);
    if (typeof cursor === "number") await setMeta(this.db, "cursor", cursor);
    if (changed.size) this.events.changed(changed);
  }

  private async settle(results: PushResult[]) {
    const out = await outbox.ack(this.db, results);
    for (const r of out.refetch) {
      const path = resourceOf[r.entity];
      if (!path) continue;
      try {
        const fresh = await api<{ id: string; version: number }>(path + r.id);
        await outbox.applyRemote(this.db, [{ entity: r.entity, id: r.id, op: "upsert", version: fresh.version, data: fresh }]);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          await outbox.applyRemote(this.db, [{ entity: r.entity, id: r.id, op: "delete" }]);
        }
      }
    }
    if (out.rejected.length) this.events.rejected(out.rejected);
    this.events.changed(out.changed);
    await this.reportState();
  }

  /** flush pushes the outbox: over the socket when live, else over REST when polling. */
  async flush(): Promise<void> {
    if (this.pushing || this.stopped) return;
    if (this.state === "live" && this.ws?.readyState === WebSocket.OPEN) {
      const ws = this.ws;
      this.pushing = true; // one PUSH in flight
      const batch = await outbox.takeBatch(this.db);
      if (batch.length === 0 || ws !== this.ws || ws.readyState !== WebSocket.OPEN) {
        if (batch.length) await outbox.requeue(this.db);
        this.pushing = false;
        return;
      }
      ws.send(JSON.stringify({ type: "PUSH", changes: batch.map(outbox.toWire) }));
      return;
    }
    if (this.state === "polling") await this.pushREST();
  }

  private async pushREST() {
    if (this.pushing) return;
    this.pushing = true;
    try {
      for (;;) {
        const batch = await outbox.takeBatch(this.db);
        if (batch.length === 0) break;
        const res = await api<{ applied?: PushResult[]; conflicts?: PushResult[] }>("/api/sync/push", {
          method: "POST",
          body: { device_id: this.deviceId, changes: batch.map(outbox.toWire) },
        });
        await this.settle([...(res.applied ?? []), ...(res.conflicts ?? [])]);
      }
    } catch {
      await outbox.requeue(this.db);
    } finally {
      this.pushing = false;
    }
  }

  private startPolling() {
    this.setState("polling");
    if (this.pollTimer) return;
    const poll = async () => {
      try {
        await this.pushREST();
        let cursor = (await getMeta<number>(this.db, "cursor")) ?? (await this.bootstrap());
        let resynced = false;
        for (;;) {
          let page: { changes: Change[]; cursor: number; more: boolean };
          try {
            page = await api(`/api/sync/pull?since=${cursor}&device_id=${encodeURIComponent(this.deviceId)}`);
          } catch (err) {
            if (err instanceof ApiError && err.status === 410 && !resynced) {
              // resync_required: the changes after this cursor are no longer kept.
              resynced = true;
              await this.forgetCursor();
              cursor = await this.bootstrap();
              continue;
            }
            throw err;
          }
          await this.applyChanges(page.changes, page.cursor);
          cursor = page.cursor;
          if (!page.more) break;
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.events.signedOut();
      }
    };
    void poll();
    this.pollTimer = setInterval(poll, 15_000);
  }
}
