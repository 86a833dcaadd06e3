// The sweep section: solve the uploaded dataset under the policy form's policy at several values
// of ONE policy key (a list, or from/to/step), watch the points arrive, and see the table and
// the trade-off between moves and mean JPM with the Pareto-efficient points marked.

import { ApiError, call } from "./api.js";
import { scatter } from "./charts.js";
import { lang, num, t } from "./i18n.js";
import { POLICY_FIELDS, WEIGHTS } from "./policy.js";
import { DataTable } from "./table.js";

const $ = (id) => document.getElementById(id);
// Most points the page asks for at once (the service has its own, larger, limit).
const MAX_POINTS = 100;
const SKIPPED = new Set(["seed", "time_limit_s"]);
// Stands for the service's words in a status template while the page's words around them are
// put in place.
const DETAIL = "\u2063";

const sweep = {
  datasetId: null,
  id: null, // the sweep being shown
  key: null, // its key
  record: null, // the last GET /v1/sweeps/{id}
  rows: null, // the last table of results
  lang: null, // the language of its request, which its points' reasons are said in
  // What the status line says instead of the progress, said again after a language switch:
  // {key, values, detail, said}, `detail` the service's words in the language `said`.
  message: null,
  problems: null, // {rows, said}: the service's problems with the last sweep asked for
  timer: null,
};
let hooks = null; // {el, describeError, problemsTable, basePolicy}

/** The keys a planner may sweep: numeric policy keys and the objective weights. */
function sweepKeys() {
  const fields = POLICY_FIELDS.filter((f) => (f.kind === "int" || f.kind === "number") && !SKIPPED.has(f.key))
    .map((f) => ({ key: f.key, label: t(`field_${f.key}`), integer: f.kind === "int" }));
  const weights = WEIGHTS.map((w) => ({ key: `weights.${w.key}`, label: `${t("weightsTitle")}: ${t(`weight_${w.key}`)}`, integer: false }));
  return [...fields, ...weights];
}

function renderKeys() {
  const select = $("sweep-key");
  const kept = select.value || "max_moves";
  select.replaceChildren(...sweepKeys().map((k) => hooks.el("option", { value: k.key, text: `${k.label} (${k.key})` })));
  select.value = kept;
  const mode = $("sweep-mode");
  const keptMode = mode.value || "list";
  mode.replaceChildren(hooks.el("option", { value: "list", text: t("sweepModeList") }), hooks.el("option", { value: "range", text: t("sweepModeRange") }));
  mode.value = keptMode;
  showMode();
}

function showMode() {
  const range = $("sweep-mode").value === "range";
  $("sweep-list-field").hidden = range;
  for (const field of document.querySelectorAll("#sweep [data-range]")) field.hidden = !range;
}

/** The values the form asks for, or the key (and values) of a text saying what is wrong. */
function readValues() {
  const key = sweepKeys().find((k) => k.key === $("sweep-key").value);
  let values;
  if ($("sweep-mode").value === "range") {
    const [from, to, step] = ["sweep-from", "sweep-to", "sweep-step"].map((id) => Number($(id).value));
    if (![from, to, step].every(Number.isFinite) || $("sweep-from").value === "" || $("sweep-to").value === "" || step <= 0 || to < from) {
      return { error: ["sweepBadRange"] };
    }
    values = [];
    for (let i = 0; from + i * step <= to + step * 1e-9 && values.length <= MAX_POINTS; i += 1) {
      values.push(Number((from + i * step).toFixed(6)));
    }
  } else {
    const parts = $("sweep-values").value.split(/[\s,;]+/).filter((s) => s !== "");
    values = parts.map(Number);
    if (!values.length || !values.every(Number.isFinite)) return { error: ["sweepBadValues"] };
  }
  if (key.integer && !values.every(Number.isInteger)) return { error: ["sweepWholeNumbers"] };
  if (values.length > MAX_POINTS) return { error: ["sweepTooMany", { n: MAX_POINTS }] };
  return { key: key.key, values: [...new Set(values)] };
}

function stopWatching() {
  if (sweep.timer) clearTimeout(sweep.timer);
  sweep.timer = null;
}

/** Say `key` (with `values`) on the status line until the progress is shown again. */
function tell(key, values = {}) {
  sweep.message = { key, values, detail: null, said: null };
  renderStatus();
}

/** Say that `error` happened, in the service's words when it gave some. */
function tellError(error) {
  sweep.message = { key: "errorGeneric", values: {}, detail: hooks.describeError(error), said: lang() };
  renderStatus();
}

/** Show the sweep's progress on the status line again. */
function showProgress() {
  sweep.message = null;
  renderStatus();
}

async function startSweep(event) {
  event.preventDefault();
  sweep.problems = null;
  renderProblems();
  const asked = readValues();
  if (asked.error) {
    tell(...asked.error);
    return;
  }
  try {
    const said = lang();
    const created = await call("/v1/sweeps", {
      method: "POST",
      json: { dataset_id: sweep.datasetId, policy: hooks.basePolicy(), grid: { [asked.key]: asked.values } },
    });
    Object.assign(sweep, { id: created.id, key: asked.key, record: created, rows: null, lang: said });
    $("cancel-sweep").disabled = false;
    showProgress();
    renderResults();
    watch(created.id);
  } catch (error) {
    tellError(error);
    if (error instanceof ApiError && Array.isArray(error.body?.problems)) {
      sweep.problems = { rows: error.body.problems, said: lang() };
      renderProblems();
    }
  }
}

/** Poll the sweep every half second; fetch the table whenever a point has arrived. */
function watch(sweepId) {
  stopWatching();
  let shown = -1;
  const tick = async () => {
    if (sweep.id !== sweepId) return;
    try {
      const record = await call(`/v1/sweeps/${encodeURIComponent(sweepId)}`);
      sweep.record = record;
      const active = record.status === "queued" || record.status === "running";
      if (record.progress.done !== shown || !active) {
        shown = record.progress.done;
        const results = await call(`/v1/sweeps/${encodeURIComponent(sweepId)}/results`);
        if (sweep.id !== sweepId) return;
        sweep.rows = results.points;
        renderResults();
      }
      showProgress();
      if (active) {
        sweep.timer = setTimeout(tick, 500);
      } else {
        sweep.timer = null;
        $("cancel-sweep").disabled = true;
      }
    } catch (error) {
      tellError(error);
    }
  };
  tick();
}

async function cancelSweep() {
  if (!sweep.id) return;
  try {
    sweep.record = await call(`/v1/sweeps/${encodeURIComponent(sweep.id)}`, { method: "DELETE" });
    $("cancel-sweep").disabled = true;
    showProgress();
  } catch (error) {
    tellError(error);
  }
}

function settingOf(row) {
  const value = row[sweep.key];
  return value === null || value === undefined ? "" : String(value);
}

function renderChart() {
  const rows = (sweep.rows ?? []).filter((r) => r.moves !== null && r.mean_jpm_after !== null);
  const box = $("chart-sweep");
  if (!rows.length) {
    box.replaceChildren(hooks.el("p", { text: sweep.rows ? t("sweepNoChart") : "" }));
    return;
  }
  const points = rows.map((r) => ({ x: r.moves, y: r.mean_jpm_after, efficient: r.pareto, label: `${sweep.key} = ${settingOf(r)}` }));
  const detail = points.map((p) => `${p.label}: ${num(p.x)} / ${num(p.y, 2)}${p.efficient ? ` (${t("sweepPareto")})` : ""}`).join("; ");
  box.replaceChildren(scatter({
    points, xLabel: t("kpiMoves"), yLabel: t("sweepMeanJpm"), frontName: t("sweepPareto"),
    description: t("chartSweepLabel", { detail }),
  }));
}

function renderTable() {
  const box = $("sweep-table");
  box.replaceChildren();
  if (!sweep.rows) return;
  new DataTable(box, {
    caption: () => t("sweepTableCaption"),
    idPrefix: "sweep",
    columns: [
      { key: "point", label: () => t("sweepPoint"), type: "number" },
      { key: "setting", label: () => sweep.key, type: "number", sortValue: (r) => r[sweep.key], cell: settingOf },
      { key: "status", label: () => t("status") },
      { key: "objective", label: () => t("kpiObjective"), type: "number", cell: (r) => num(r.objective) },
      { key: "moves", label: () => t("kpiMoves"), type: "number", cell: (r) => num(r.moves) },
      { key: "mean_jpm_after", label: () => t("sweepMeanJpm"), type: "number", cell: (r) => num(r.mean_jpm_after, 2) },
      { key: "preferences_met", label: () => t("kpiPreferences"), type: "number", cell: (r) => num(r.preferences_met) },
      { key: "pareto", label: () => t("sweepPareto"), cell: (r) => (r.pareto ? "✓" : "") },
      { key: "error", label: () => t("sweepReason"), cell: (r) => (r.error ? saidIn(r.error, sweep.lang) : "") },
    ],
  }).setRows(sweep.rows);
}

/** The service's words `text`, marked with the language `code` they were said in: a switch of
 * the page's language does not translate them. */
function saidIn(text, code) {
  return hooks.el("span", { lang: code ?? lang(), text });
}

function renderStatus() {
  const message = sweep.message;
  if (!message) {
    renderProgress();
    return;
  }
  if (message.detail === null) {
    $("sweep-status").textContent = t(message.key, message.values);
    return;
  }
  const [before, after = ""] = t(message.key, { ...message.values, detail: DETAIL }).split(DETAIL);
  $("sweep-status").replaceChildren(before, saidIn(message.detail, message.said), after);
}

function renderProblems() {
  const problems = sweep.problems;
  hooks.problemsTable($("sweep-problems"), problems?.rows, problems?.said);
}

function renderProgress() {
  const record = sweep.record;
  if (!record) {
    $("sweep-status").textContent = "";
    return;
  }
  const p = record.progress;
  $("sweep-status").textContent = t("sweepProgress", { status: t(record.status), done: num(p.done), total: num(p.total), without: num(p.without_plan) });
  $("sweep-status").dataset.status = record.status;
  $("sweep-bar").max = Math.max(p.total, 1);
  $("sweep-bar").value = p.done;
}

function renderResults() {
  renderChart();
  renderTable();
}

/** Draw the section from the state (again after a language switch). */
export function renderSweep() {
  if (!hooks) return;
  renderKeys();
  renderStatus();
  renderProblems();
  renderResults();
}

/** Offer sweeps of a newly uploaded dataset. */
export function showSweep(datasetId) {
  resetSweep();
  sweep.datasetId = datasetId;
  $("sweep").hidden = false;
  renderSweep();
}

/** Forget the dataset and the sweep shown (sign out, refused upload). */
export function resetSweep() {
  stopWatching();
  Object.assign(sweep, { datasetId: null, id: null, key: null, record: null, rows: null, lang: null, message: null, problems: null });
  if (!hooks) return;
  $("sweep").hidden = true;
  for (const id of ["sweep-problems", "chart-sweep", "sweep-table"]) $(id).replaceChildren();
  $("sweep-status").textContent = "";
  $("sweep-bar").value = 0;
  $("cancel-sweep").disabled = true;
}

/** Wire the section: `el`, `describeError`, `problemsTable` and `basePolicy()` come from the page. */
export function setUpSweep(pageHooks) {
  hooks = pageHooks;
  $("sweep-form").addEventListener("submit", startSweep);
  $("cancel-sweep").addEventListener("click", cancelSweep);
  $("sweep-mode").addEventListener("change", showMode);
  renderKeys();
}
