// useOnline: whether the server can be reached, as far as this page can tell: the browser
// says it is online and the sync engine has not gone offline. Used by the features that only
// work online (goal progress, practice statistics, the account's data).
import { useSyncExternalStore } from "react";
import { useSyncStatus } from "../../offline/context";

function subscribe(onChange: () => void): () => void {
  addEventListener("online", onChange);
  addEventListener("offline", onChange);
  return () => {
    removeEventListener("online", onChange);
    removeEventListener("offline", onChange);
  };
}

export function useOnline(): boolean {
  const browserOnline = useSyncExternalStore(subscribe, () => navigator.onLine !== false, () => true);
  const syncOffline = useSyncStatus((s) => s.state === "offline");
  return browserOnline && !syncOffline;
}
