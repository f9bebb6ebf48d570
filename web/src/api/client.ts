// The API client: same-origin fetches authenticated by the session's httpOnly cookies. A 401
// refreshes the session once (the refresh cookie rotates) and retries; when that fails the
// session is over and onSignedOut is told.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { field: string; message: string }[];
  constructor(status: number, code: string, message: string, details: { field: string; message: string }[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** offline: the request never reached the server. */
  get offline(): boolean {
    return this.status === 0;
  }
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

/** onSignedOut registers fn to run when the session cannot be refreshed. */
export function onSignedOut(fn: Listener): () => void {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

export interface RequestOptions {
  method?: string;
  body?: unknown; // JSON-encoded unless FormData
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** noRefresh: a 401 is final (the refresh call itself, sign-in). */
  noRefresh?: boolean;
}

/** A refresh's outcome: a new session, no session (signed out), or the server not reached. */
export type Refreshed = true | false | "offline";

let refreshing: Promise<Refreshed> | null = null;

/** refreshSession exchanges the refresh cookie for a new session; concurrent callers share one. */
export function refreshSession(): Promise<Refreshed> {
  if (!refreshing) {
    refreshing = fetch("/api/auth/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Requested-With": "mirubato" },
      body: "{}",
    })
      .then((r): Refreshed => (r.ok ? true : r.status >= 500 ? "offline" : false))
      .catch((): Refreshed => "offline")
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { "X-Requested-With": "mirubato", ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  try {
    return await fetch(path, { method: opts.method ?? "GET", headers, body, credentials: "same-origin", signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "offline", "The server cannot be reached. Check your connection.");
  }
}

/** errorOf reads the API's one error shape: {"error": {code, message, details}}. */
export async function errorOf(resp: Response): Promise<ApiError> {
  let code = "http_" + resp.status;
  let message = resp.statusText || "Request failed";
  let details: { field: string; message: string }[] = [];
  try {
    const body = await resp.json();
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? [];
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(resp.status, code, message, details);
}

/** request sends a request and returns the raw response (2xx/304), or throws an ApiError. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  let resp = await send(path, opts);
  if (resp.status === 401 && !opts.noRefresh) {
    const refreshed = await refreshSession();
    if (refreshed === "offline") {
      throw new ApiError(0, "offline", "The server cannot be reached. Check your connection.");
    }
    // Another tab may have refreshed first (a refresh token is single-use): its new cookie
    // is ours too, so the request is tried again either way.
    resp = await send(path, opts);
    if (resp.status === 401) {
      signedOutListeners.forEach((fn) => fn());
    }
  }
  if (!resp.ok) throw await errorOf(resp);
  return resp;
}

/** api sends a request and decodes its JSON answer (undefined for 204). */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const resp = await request(path, opts);
  if (resp.status === 204) return undefined as T;
  return (await resp.json()) as T;
}

/** query builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? "?" + s : "";
}
