// SQL in the browser: DuckDB-WASM (vendored) over a release's parquet files, fetched from this site.
// DuckDB-WASM's own parquet reader is an extension it would fetch from DuckDB's extension host, so
// parquet-wasm (vendored too) decodes each file into Arrow, and DuckDB-WASM loads the Arrow.
import * as duckdb from "../vendor/duckdb-wasm/duckdb-browser.mjs";
import initParquet, { readParquet } from "../vendor/parquet-wasm/parquet_wasm.js";

const catalog = JSON.parse(document.getElementById("catalog").textContent);
const $ = (id) => document.getElementById(id);
const status = (text, state) => {
  $("status").textContent = text;
  document.body.dataset.state = state;
};
const ArrowType = globalThis.Arrow.Type;

let db = null;
let loaded = null;

async function start() {
  const base = new URL("vendor/duckdb-wasm/", document.baseURI);
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", base));
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", base).href);
  await initParquet({ module_or_path: new URL("vendor/parquet-wasm/parquet_wasm_bg.wasm", document.baseURI) });
  const conn = await db.connect();
  try {
    // Never reach for an extension over the network: a query that needs one fails with a message.
    await conn.query("SET autoinstall_known_extensions = false");
    await conn.query("SET autoload_known_extensions = false");
  } finally {
    await conn.close();
  }
}

async function useVersion(version) {
  if (loaded === version) return;
  const info = catalog.versions.find((v) => v.version === version);
  const conn = await db.connect();
  try {
    for (const table of info.tables) {
      const name = `${version}/${table}.parquet`;
      const response = await fetch(`releases/${name}`);
      if (!response.ok) throw new Error(`releases/${name}: HTTP ${response.status}`);
      const arrow = readParquet(new Uint8Array(await response.arrayBuffer())).intoIPCStream();
      await conn.query(`DROP TABLE IF EXISTS "${table}"`);
      await conn.insertArrowFromIPCStream(arrow, { name: table, create: true });
    }
    await conn.query(
      `CREATE OR REPLACE VIEW release_info AS SELECT '${version}' AS version, '${info.schema_revision}' AS schema_revision`,
    );
  } finally {
    await conn.close();
  }
  loaded = version;
}

// One text per cell, written as Python writes the same value (the browser test compares the two).
function cell(value, type) {
  if (value === null || value === undefined) return "NULL";
  if (type.typeId === ArrowType.Date || type.typeId === ArrowType.Timestamp) {
    const iso = new Date(Number(value)).toISOString();
    return type.typeId === ArrowType.Date ? iso.slice(0, 10) : iso.replace("T", " ").replace(/\.000Z$|Z$/, "");
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

function show(result) {
  const fields = result.schema.fields;
  const table = document.createElement("table");
  table.className = "result";
  const head = table.createTHead().insertRow();
  for (const f of fields) head.appendChild(document.createElement("th")).textContent = f.name;
  const body = table.createTBody();
  const columns = fields.map((_, i) => result.getChildAt(i));
  for (let r = 0; r < result.numRows; r++) {
    const row = body.insertRow();
    fields.forEach((f, i) => {
      row.insertCell().textContent = cell(columns[i].get(r), f.type);
    });
  }
  $("result").replaceChildren(table);
}

async function run() {
  const version = $("version").value;
  const started = performance.now();
  status(`running on release ${version}…`, "running");
  try {
    await useVersion(version);
    const conn = await db.connect();
    try {
      const result = await conn.query($("sql").value);
      show(result);
      const ms = Math.round(performance.now() - started);
      status(`${result.numRows} row(s) from release ${version} in ${ms} ms`, "done");
    } finally {
      await conn.close();
    }
  } catch (err) {
    $("result").replaceChildren();
    status(`error: ${err.message}`, "error");
  }
}

function pick(id) {
  const example = catalog.examples.find((x) => x.id === id) || catalog.examples[0];
  $("sql").value = example.sql;
  for (const b of document.querySelectorAll("#examples button")) b.setAttribute("aria-pressed", b.dataset.id === example.id);
}

const params = new URLSearchParams(location.search);
for (const v of [...catalog.versions].reverse()) $("version").add(new Option(v.version, v.version));
$("version").value = catalog.versions.some((v) => v.version === params.get("version")) ? params.get("version") : catalog.newest;
for (const x of catalog.examples) {
  const b = $("examples").appendChild(document.createElement("button"));
  b.type = "button";
  b.dataset.id = x.id;
  b.textContent = x.title;
  b.addEventListener("click", () => { pick(x.id); run(); });
}
pick(params.get("example"));
$("run").addEventListener("click", run);
$("sql").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) run(); });
status("loading DuckDB-WASM…", "loading");
start().then(run, (err) => status(`error: DuckDB-WASM did not start: ${err.message}`, "error"));
