// The app's offline store and sync engine, given to every page by context, and the hooks
// pages read and write synced data with.
import { createContext, useContext, type ReactNode } from "react";
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { create } from "zustand";
import { listEntities, getEntity, type LocalDB } from "./db";
import type { SyncEngine, SyncState } from "./sync";

export interface Offline {
  db: LocalDB;
  engine: SyncEngine;
  queryClient: QueryClient;
}

const Ctx = createContext<Offline | null>(null);

export function OfflineProvider({ value, children }: { value: Offline; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useOffline(): Offline {
  const v = useContext(Ctx);
  if (!v) throw new Error("useOffline outside OfflineProvider");
  return v;
}

/** The sync engine's state, for the status indicator. */
export const useSyncStatus = create<{ state: SyncState; pending: number; set(state: SyncState, pending: number): void }>((set) => ({
  state: "stopped",
  pending: 0,
  set: (state, pending) => set({ state, pending }),
}));

/** localKey is the query key of a kind's local copy; the engine invalidates it on changes. */
export const localKey = (entity: string) => ["local", entity] as const;

/** useEntities reads every entity of a kind from this device's copy (works offline). */
export function useEntities<T>(entity: string) {
  const { db } = useOffline();
  return useQuery({
    queryKey: localKey(entity),
    queryFn: async () => (await listEntities<T>(db, entity)).map((r) => ({ ...(r.data as T), version: r.version })),
    networkMode: "always",
    staleTime: Infinity,
  });
}

/** useEntity reads one entity from this device's copy. */
export function useEntity<T>(entity: string, id: string | undefined) {
  const { db } = useOffline();
  return useQuery({
    queryKey: [...localKey(entity), id],
    queryFn: async () => {
      const r = id ? await getEntity<T>(db, entity, id) : undefined;
      return r ? { ...(r.data as T), version: r.version } : null;
    },
    networkMode: "always",
    staleTime: Infinity,
  });
}

/** useSave returns functions that change synced entities: applied here at once, pushed when online. */
export function useSave() {
  const { engine } = useOffline();
  return {
    save: (entity: string, id: string, data: Record<string, unknown>, fields?: string[]) => engine.edit({ entity, id, op: "upsert", data, fields }),
    remove: (entity: string, id: string) => engine.edit({ entity, id, op: "delete" }),
  };
}
