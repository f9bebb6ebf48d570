// Downloads of the account's data: fetched with the API client (so an expired session is
// refreshed first) and handed to the browser as a file.
import { request } from "../../api/client";

/** saveBlob offers blob to the user as a file called name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** download fetches path and saves the answer as name. */
export async function download(path: string, name: string): Promise<void> {
  const resp = await request(path);
  saveBlob(await resp.blob(), name);
}

/** stamp is today's date for a file name, e.g. 2026-11-23. */
export function stamp(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}
