// The session: who is signed in (zustand). The tokens themselves are httpOnly cookies the
// page never sees; the user is remembered on this device so the app opens offline.
import { create } from "zustand";
import { api, ApiError } from "../api/client";
import type { ClientConfig, User } from "../api/types";

type Status = "loading" | "signedOut" | "signedIn";

interface SessionState {
  status: Status;
  user?: User;
  config?: ClientConfig;
  /** offline: the user came from this device's memory; the server was not reached. */
  offline: boolean;
  load(): Promise<void>;
  signedIn(user: User): void;
  setUser(user: User): void;
  signOut(): Promise<void>;
  forget(): void;
}

const userKey = "mirubato.user";

function remembered(): User | undefined {
  try {
    const raw = localStorage.getItem(userKey);
    return raw ? (JSON.parse(raw) as User) : undefined;
  } catch {
    return undefined;
  }
}

function remember(user: User | undefined) {
  try {
    if (user) localStorage.setItem(userKey, JSON.stringify(user));
    else localStorage.removeItem(userKey);
  } catch {
    // private mode: nothing is remembered
  }
}

export const useSession = create<SessionState>((set, get) => ({
  status: "loading",
  offline: false,
  async load() {
    const config = await api<ClientConfig>("/api/config").catch(() => get().config);
    try {
      const user = await api<User>("/api/user/me");
      remember(user);
      set({ status: "signedIn", user, config, offline: false });
    } catch (err) {
      const mine = remembered();
      if (err instanceof ApiError && err.offline && mine) {
        set({ status: "signedIn", user: mine, config, offline: true });
        return;
      }
      remember(undefined);
      set({ status: "signedOut", user: undefined, config, offline: false });
    }
  },
  signedIn(user) {
    remember(user);
    set({ status: "signedIn", user, offline: false });
  },
  setUser(user) {
    remember(user);
    set({ user });
  },
  async signOut() {
    await api("/api/auth/logout", { method: "POST", body: {}, noRefresh: true }).catch(() => undefined);
    get().forget();
  },
  forget() {
    remember(undefined);
    set({ status: "signedOut", user: undefined, offline: false });
  },
}));
