// Builds the client into dist/ for the Go binary to embed (web/embed.go):
//   1. empties dist/ (but .gitkeep, which lets `go build` work on a fresh clone);
//   2. runs Vite;
//   3. measures the JavaScript a first visit loads (the entry, its static imports and the
//      English strings), gzipped, prints every chunk, and fails above the budget (200 KB);
//   4. writes x.gz beside every compressible file (served to browsers that accept gzip);
//   5. writes the service worker with the list of files of the app shell.
import { build } from "vite";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const budget = 200 * 1024;

for (const name of existsSync(dist) ? readdirSync(dist) : []) {
  if (name !== ".gitkeep") rmSync(join(dist, name), { recursive: true, force: true });
}

await build({ root, logLevel: "warn", build: { manifest: true } });

const manifestPath = join(dist, ".vite", "manifest.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
rmSync(join(dist, ".vite"), { recursive: true, force: true });

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imp of chunk.imports ?? []) visit(imp);
};
visit(entryKey);
// The app waits for its English strings (the fallback of every language) before the first
// render: they count as the first visit's too. Another language adds its own files, of about
// the same size.
for (const chunk of Object.values(manifest)) {
  if (/^assets\/locale-en-/.test(chunk.file)) initial.add(chunk.file);
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name !== ".gitkeep") files.push(relative(dist, p));
  }
};
walk(dist);

const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";
const js = files.filter((f) => f.endsWith(".js")).map((f) => ({ f, size: statSync(join(dist, f)).size, gz: gz(f) }));
js.sort((a, b) => b.gz - a.gz);
console.log("chunk                                              raw        gzip   loaded");
for (const c of js) {
  console.log(`${c.f.padEnd(48)} ${kb(c.size)} ${kb(c.gz)}   ${initial.has(c.f) ? "first visit" : "on demand"}`);
}
const initialGz = js.filter((c) => initial.has(c.f)).reduce((n, c) => n + c.gz, 0);
const css = files.filter((f) => f.endsWith(".css")).reduce((n, f) => n + gz(f), 0);
console.log(`\ninitial JavaScript: ${kb(initialGz).trim()} gzipped (budget ${kb(budget).trim()}); CSS ${kb(css).trim()} gzipped`);
if (initialGz > budget) {
  console.error("error: the initial JavaScript is over budget; load the heavy parts on demand (React.lazy, import())");
  process.exit(1);
}

for (const f of files) {
  if (!/\.(js|css|html|svg|json|webmanifest)$/.test(f)) continue;
  const body = readFileSync(join(dist, f));
  if (body.length < 512) continue;
  const z = gzipSync(body, { level: 9 });
  if (z.length < body.length) writeFileSync(join(dist, f + ".gz"), z);
}

const shell = ["/index.html", ...files.filter((f) => f !== "index.html").map((f) => "/" + f)].filter((f) => !f.endsWith(".gz"));
const version = createHash("sha256").update(shell.join("\n")).digest("hex").slice(0, 16);
const sw = readFileSync(join(root, "sw.template.js"), "utf8").replace("__VERSION__", version).replace("__SHELL__", JSON.stringify(shell));
writeFileSync(join(dist, "sw.js"), sw);
console.log(`service worker: ${shell.length} files in the app shell (version ${version})`);
