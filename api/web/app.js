// The planners' page: sign in, upload, policy, run, plan, explanations, the evaluation of past
// moves, scenarios, comparison, sweeps (in sweep.js).

import { ApiError, apiKey, call, clearApiKey, setApiKey } from "./api.js";
import { groupedBars, horizontalBars, intervals } from "./charts.js";
import { has, lang, num, setLang, t, time, translateStatic } from "./i18n.js";
import { readPolicy, renderPolicyForm, WEIGHTS } from "./policy.js";
import { renderSweep, resetSweep, setUpSweep, showSweep } from "./sweep.js";
import { DataTable } from "./table.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const $ = (id) => document.getElementById(id);

const state = {
  datasetId: null,
  runId: null, // the run shown in the plan section
  polling: null,
  plan: null, // {rows, figures, positions, units}
  runs: [], // finished runs of this tab: {id, label}
  counts: null,
  problems: null,
  changes: [],
  comparison: null, // the answer of POST /v1/compare
  evaluation: null, // the answer of GET /v1/datasets/{id}/evaluation
  forecast: null, // the answer of GET /v1/runs/{id}/forecast
  // What the service said in words, asked again when the language changes:
  refused: null, // the files of a refused upload
  failedRun: null, // the id of the run shown as failed
  explaining: null, // ["employee", nip] or ["position", id] while an explanation is open
};
let planTable = null; // the DataTable of the plan
let explainOpener = null; // where focus returns when the explanation closes

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function notice(text) {
  $("notice").textContent = text;
}

/** Put the page's text `key` into element `id`, kept so that a change of language says it
 * again in the new one (see `applyLanguage`). */
function say(id, key, values = {}) {
  const node = $(id);
  node.textContent = t(key, values);
  node.dataset.said = JSON.stringify([key, values]);
}

/** Empty element `id` of a text put there by `say`. */
function unsay(id) {
  $(id).textContent = "";
  delete $(id).dataset.said;
}

function sayAgain() {
  for (const node of document.querySelectorAll("[data-said]")) {
    const [key, values] = JSON.parse(node.dataset.said);
    node.textContent = t(key, values);
  }
}

function describeError(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(t("badKey"));
    return t("badKey");
  }
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------- sign in

async function signIn(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (!key) return;
  say("signin-status", "signingIn");
  setApiKey(key);
  try {
    await call("/v1/runs?limit=1");
  } catch (error) {
    clearApiKey();
    $("signin-status").textContent = error instanceof ApiError && error.status === 401 ? t("badKey") : describeError(error);
    return;
  }
  $("api-key").value = "";
  unsay("signin-status");
  showApp();
}

function showApp() {
  const signedIn = apiKey() !== null;
  $("signin").hidden = signedIn;
  $("app").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  if (signedIn) $("upload-title").focus?.();
}

function signOut(message) {
  clearApiKey();
  stopPolling();
  Object.assign(state, { datasetId: null, runId: null, plan: null, runs: [], counts: null, problems: null, changes: [], comparison: null,
    evaluation: null, forecast: null, refused: null, failedRun: null, explaining: null });
  planTable = null;
  resetSweep();
  for (const id of ["policy", "run", "plan", "explain", "evaluation", "scenario", "compare"]) $(id).hidden = true;
  for (const id of ["upload-counts", "upload-problems", "policy-problems", "plan-table", "kpis", "explain-body", "changes",
    "scenario-problems", "compare-runs", "compare-kpis", "compare-people", "diagnosis", ...EVALUATION_PARTS]) {
    $(id).replaceChildren();
  }
  for (const id of ["upload-status", "policy-status", "run-message", "scenario-status", "compare-status", "evaluation-status"]) {
    unsay(id);
  }
  showApp();
  notice(typeof message === "string" ? message : t("signedOut"));
  $("api-key").focus();
}

// ---------------------------------------------------------------- upload

async function upload(files) {
  if (!files.length) return;
  state.refused = null;
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  say("upload-status", "uploading");
  state.counts = null;
  state.problems = null;
  renderUpload();
  try {
    const dataset = await call("/v1/datasets", { method: "POST", body: form });
    state.datasetId = dataset.id;
    state.counts = dataset.counts;
    say("upload-status", "uploadOk");
    $("policy").hidden = false;
    showSweep(dataset.id);
    void loadEvaluation(dataset.id);
  } catch (error) {
    state.datasetId = null;
    $("policy").hidden = true;
    resetSweep();
    hideEvaluation();
    if (error instanceof ApiError && Array.isArray(error.body?.problems)) {
      state.problems = error.body.problems;
      state.refused = files;
      say("upload-status", "uploadBad", { n: state.problems.length });
    } else {
      say("upload-status", "uploadError", { detail: describeError(error) });
    }
  }
  renderUpload();
}

function renderUpload() {
  const counts = $("upload-counts");
  counts.replaceChildren();
  if (state.counts) {
    const rows = Object.entries(state.counts).map(([table, n]) => ({ table, n }));
    const table = new DataTable(counts, {
      caption: () => t("counts"),
      columns: [
        { key: "table", label: () => t("table") },
        { key: "n", label: () => t("rows"), type: "number", cell: (r) => num(r.n) },
      ],
    });
    table.setRows(rows);
  }
  problemsTable($("upload-problems"), state.problems);
}

/** A table of the service's `problems`; their messages marked as said in the language `said`
 * when given (a table drawn again after a language switch keeps the service's words). */
function problemsTable(container, problems, said) {
  container.replaceChildren();
  if (!problems) return;
  new DataTable(container, {
    caption: () => t("problems"),
    pageSize: 100,
    columns: [
      { key: "table", label: () => t("table") },
      { key: "row", label: () => t("row"), type: "number" },
      { key: "column", label: () => t("column") },
      { key: "message", label: () => t("message"), cell: said ? (r) => el("span", { lang: said, text: r.message }) : undefined },
    ],
  }).setRows(problems);
}

function setUpDropZone() {
  const zone = $("drop-zone");
  const input = $("file-input");
  input.addEventListener("change", () => {
    upload([...input.files]);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    upload([...(event.dataTransfer?.files ?? [])]);
  });
}

// ---------------------------------------------------------------- runs

async function startRun(event) {
  event.preventDefault();
  if (!state.datasetId) return;
  const policy = readPolicy($("policy-fields"));
  unsay("policy-status");
  $("policy-problems").replaceChildren();
  try {
    const run = await call("/v1/runs", { method: "POST", json: { dataset_id: state.datasetId, policy } });
    watchRun(run.id, (done) => showPlan(done.id));
  } catch (error) {
    say("policy-status", "errorGeneric", { detail: describeError(error) });
    if (error instanceof ApiError && Array.isArray(error.body?.problems)) {
      problemsTable($("policy-problems"), error.body.problems);
    }
  }
}

function stopPolling() {
  if (state.polling) clearTimeout(state.polling);
  state.polling = null;
}

/** Poll a run every half second, show its progress; call `onPlan(run)` when it has a plan. */
function watchRun(runId, onPlan) {
  stopPolling();
  $("run").hidden = false;
  $("diagnosis").replaceChildren();
  unsay("run-message");
  state.failedRun = null;
  $("cancel-run").disabled = false;
  $("cancel-run").dataset.runId = runId;
  const tick = async () => {
    let run;
    try {
      run = await call(`/v1/runs/${encodeURIComponent(runId)}`);
    } catch (error) {
      say("run-message", "errorGeneric", { detail: describeError(error) });
      return;
    }
    showProgress(run);
    if (run.status === "queued" || run.status === "running") {
      state.polling = setTimeout(tick, 500);
      return;
    }
    state.polling = null;
    $("cancel-run").disabled = true;
    $("run-bar").value = 1;
    $("run-bar").max = 1;
    if (run.status === "succeeded") {
      rememberRun(run);
      onPlan(run);
    } else if (run.status === "failed") {
      state.failedRun = run.id;
      say("run-message", "runError", { error: run.error ?? "" });
      if (run.summary?.status === "INFEASIBLE") showDiagnosis(run.id);
    }
  };
  tick();
}

function showProgress(run) {
  say("run-status", run.status);
  $("run-status").dataset.status = run.status;
  const p = run.progress ?? {};
  const summary = run.summary ?? {};
  $("run-objective").textContent = num(summary.objective ?? p.best_objective);
  $("run-bound").textContent = num(summary.bound ?? p.best_bound);
  $("run-elapsed").textContent = p.elapsed_s === null || p.elapsed_s === undefined ? "–" : num(p.elapsed_s, 1);
  if (run.status === "queued" || run.status === "running") $("run-bar").removeAttribute("value");
}

async function cancelRun() {
  const runId = $("cancel-run").dataset.runId;
  if (!runId) return;
  try {
    const run = await call(`/v1/runs/${encodeURIComponent(runId)}`, { method: "DELETE" });
    stopPolling();
    showProgress(run);
    $("cancel-run").disabled = true;
  } catch (error) {
    say("run-message", "errorGeneric", { detail: describeError(error) });
  }
}

async function showDiagnosis(runId) {
  const box = $("diagnosis");
  box.replaceChildren(el("p", { text: t("loading") }));
  try {
    const diagnosis = await call(`/v1/runs/${encodeURIComponent(runId)}/diagnosis`, { retries: 10 });
    const list = el("ul");
    for (const item of diagnosis.conflict ?? []) {
      list.append(el("li", { text: Object.entries(item).map(([k, v]) => `${fieldName(k)}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ") }));
    }
    box.replaceChildren(...[
      el("h3", { text: t("diagnosisTitle") }),
      el("p", { class: "diagnosis-text", text: diagnosis.text ?? "" }),
      list,
      diagnosis.minimal ? el("p", { class: "help", text: t("diagnosisMinimal") }) : null,
    ].filter(Boolean));
  } catch (error) {
    box.replaceChildren(el("p", { text: t("errorGeneric", { detail: describeError(error) }) }));
  }
}

function rememberRun(run) {
  if (!state.runs.some((r) => r.id === run.id)) {
    state.runs.push({ id: run.id, created: run.created_at });
    renderCompareChoices();
  }
}

// ---------------------------------------------------------------- the plan

function kindOf(row) {
  if (!row.to_position) return "unplaced";
  if (!row.from_position) return "new";
  return row.moved ? "move" : "stay";
}

const KIND_TEXT = { move: "kindMove", stay: "kindStay", new: "kindNew", unplaced: "kindUnplaced" };

/** The page's texts naming a field of the service's answers, where the page has one. */
const FIELD_TEXT = { rule: "rule", nip: "nip", position_id: "position", unit: "filterUnit", score: "score",
  preference_rank: "prefRank", capacity: "capacity" };

/** A field of an answer by the page's name for it, else by its own. */
function fieldName(key) {
  return key in FIELD_TEXT ? t(FIELD_TEXT[key]) : key;
}

/** A score term's name: the objective weight's where it is one, else the field's. */
function termName(key) {
  return has(`weight_${key}`) ? t(`weight_${key}`) : fieldName(key);
}

async function showPlan(runId) {
  const started = performance.now();
  state.runId = runId;
  const [plan, figures] = await Promise.all([
    call(`/v1/runs/${encodeURIComponent(runId)}/plan`),
    call(`/v1/runs/${encodeURIComponent(runId)}/figures`, { retries: 10 }),
  ]).catch((error) => {
    say("run-message", "errorGeneric", { detail: describeError(error) });
    return [null, null];
  });
  if (!plan) return;
  const received = performance.now();
  const names = new Map();
  const jpmBefore = new Map();
  figures.employees.nip.forEach((nip, i) => {
    names.set(nip, figures.employees.name[i]);
    jpmBefore.set(nip, figures.employees.jpm_before[i]);
  });
  const units = new Map();
  figures.units.unit.forEach((code, i) => units.set(code, figures.units.name[i]));
  const positions = new Map();
  figures.positions.position_id.forEach((id, i) => {
    positions.set(id, { title: figures.positions.title[i], unit: figures.positions.unit[i], jobClass: figures.positions.job_class[i] });
  });
  const rows = plan.rows.map((row) => ({
    ...row,
    name: names.get(row.nip) ?? "",
    from_unit_name: units.get(row.from_unit) ?? row.from_unit,
    to_unit_name: units.get(row.to_unit) ?? row.to_unit,
    kind: kindOf(row),
    job_class: positions.get(row.to_position || row.from_position)?.jobClass ?? "",
    jpm_before: jpmBefore.get(row.nip) ?? "",
  }));
  state.plan = { rows, figures, positions, units };
  $("plan").hidden = false;
  $("scenario").hidden = false;
  $("compare").hidden = false;
  say("plan-viewing", "viewing", { id: runId });
  renderKpis();
  renderCharts();
  renderFilters();
  renderPlanTable();
  // Reading layout forces the browser to lay out the table before the clock stops.
  void $("plan-table").offsetHeight;
  const rendered = performance.now();
  const renderMs = rendered - received;
  $("plan-table").dataset.renderMs = renderMs.toFixed(1);
  $("plan-table").dataset.totalMs = (rendered - started).toFixed(1);
  say("render-note", "renderNote", { ms: num(renderMs, 0) });
  fillDatalists();
  $("plan-title").scrollIntoView?.({ block: "start" });
  void loadForecast(runId);
}

function renderKpis() {
  const k = state.plan.figures.kpis;
  const cards = [
    ["kpiMoves", num(k.moves)],
    ["kpiNew", num(k.new_placements)],
    ["kpiVacancies", num(k.vacancies_filled)],
    ["kpiUnplaced", num(k.unplaced)],
    ["kpiJpm", `${num(k.mean_jpm_before, 2)} → ${num(k.mean_jpm_after, 2)}`],
    ["kpiCategories", `${num(k.categories_after.MS)} / ${num(k.categories_after.MMS)} / ${num(k.categories_after.KMS)}`],
    ["kpiPreferences", `${num(k.preferences_met)} / ${num(k.preferences_given)}`],
    ["kpiObjective", `${num(k.objective)} (${k.status})`],
  ];
  const expected = state.forecast?.without_training;
  if (expected) cards.push(["kpiSkp", signed(expected.estimate)]);
  $("kpis").replaceChildren(...cards.map(([label, value]) =>
    el("div", { class: "kpi", "data-kpi": label }, el("span", { class: "kpi-label", text: t(label) }), el("strong", { class: "kpi-value", text: value }))));
}

function renderCharts() {
  const f = state.plan.figures;
  const labels = [...Array(9).keys()].map((i) => `${i * 10}–`).concat(["90–100"]);
  const summary = `${t("before")}: ${f.jpm_bins.before.join(", ")}; ${t("after")}: ${f.jpm_bins.after.join(", ")}.`;
  $("chart-jpm").replaceChildren(groupedBars({
    labels,
    description: t("chartJpmLabel", { detail: summary }),
    series: [
      { name: t("before"), className: "bar-before", values: f.jpm_bins.before },
      { name: t("after"), className: "bar-after", values: f.jpm_bins.after },
    ],
  }));
  const top = f.unit_moves.slice(0, 12).map(([from, to, n]) => ({ label: `${unitName(from)} → ${unitName(to)}`, value: n }));
  if (!top.length) {
    $("chart-moves").replaceChildren(el("p", { text: t("noMoves") }));
    return;
  }
  const detail = top.map((m) => `${m.label}: ${m.value}`).join("; ");
  $("chart-moves").replaceChildren(horizontalBars({ items: top, description: t("chartMovesLabel", { detail }) }));
}

// A unit's name from the dataset's units table, or its code where the dataset names none.
function unitName(code) {
  return state.plan?.units.get(code) ?? code;
}

function options(select, values, labelOf = (v) => v) {
  const kept = select.value;
  select.replaceChildren(el("option", { value: "", text: t("all") }), ...values.map((v) => el("option", { value: v, text: labelOf(v) })));
  if (values.includes(kept)) select.value = kept;
}

function renderFilters() {
  const rows = state.plan.rows;
  const units = [...new Set(rows.flatMap((r) => [r.from_unit, r.to_unit]).filter(Boolean))]
    .sort((a, b) => unitName(a).localeCompare(unitName(b)));
  const classes = [...new Set(rows.map((r) => r.job_class).filter(Boolean))].sort();
  options($("filter-unit"), units, unitName);
  options($("filter-class"), classes);
  options($("filter-kind"), ["move", "stay", "new", "unplaced"], (k) => t(KIND_TEXT[k]));
}

function filteredRows() {
  const unit = $("filter-unit").value;
  const jobClass = $("filter-class").value;
  const kind = $("filter-kind").value;
  const search = $("filter-search").value.trim().toLowerCase();
  return state.plan.rows.filter((r) =>
    (!unit || r.from_unit === unit || r.to_unit === unit)
    && (!jobClass || r.job_class === jobClass)
    && (!kind || r.kind === kind)
    && (!search || r.nip.includes(search) || r.name.toLowerCase().includes(search)));
}

function linkButton(text, label, onClick) {
  if (!text) return document.createTextNode("");
  const button = el("button", { type: "button", class: "link", text, "aria-label": label });
  button.addEventListener("click", onClick);
  return button;
}

function positionLink(id) {
  if (!id) return document.createTextNode(t("unplacedWord"));
  const title = state.plan?.positions.get(id)?.title ?? "";
  return linkButton(id, `${t("explainTitle")}: ${id} ${title}`.trim(), () => explainPosition(id));
}

function renderPlanTable() {
  planTable = new DataTable($("plan-table"), {
    caption: () => t("planTitle"),
    pageSize: 50,
    columns: [
      { key: "nip", label: () => t("nip"), cell: (r) => linkButton(r.nip, `${t("explainTitle")}: ${r.nip} ${r.name}`, () => explainEmployee(r.nip)) },
      { key: "name", label: () => t("name") },
      { key: "from_position", label: () => t("fromPosition"), cell: (r) => positionLink(r.from_position) },
      { key: "to_position", label: () => t("toPosition"), cell: (r) => positionLink(r.to_position) },
      { key: "from_unit_name", label: () => t("fromUnit") },
      { key: "to_unit_name", label: () => t("toUnit") },
      { key: "job_class", label: () => t("jobClass") },
      { key: "kind", label: () => t("change"), cell: (r) => el("span", { class: `tag ${r.kind}`, text: t(KIND_TEXT[r.kind]) }) },
      { key: "jpm_before", label: () => t("jpmBefore"), type: "number" },
      { key: "jpm", label: () => t("jpmAfter"), type: "number" },
      { key: "score", label: () => t("score"), type: "number" },
      { key: "preference_rank", label: () => t("prefRank"), type: "number" },
    ],
  });
  planTable.setRows(filteredRows());
}

function applyFilters() {
  if (!planTable) return;
  planTable.rows = filteredRows();
  planTable.page = 0;
  planTable.refresh();
}

async function download(kind) {
  const id = encodeURIComponent(state.runId);
  const spec = {
    csv: { path: `/v1/runs/${id}/plan`, accept: "text/csv", name: `plan-${state.runId}.csv` },
    xlsx: { path: `/v1/runs/${id}/plan`, accept: XLSX, name: `plan-${state.runId}.xlsx` },
    decree: { path: `/v1/runs/${id}/decree`, accept: XLSX, name: `lampiran-sk-mutasi-${state.runId}.xlsx` },
  }[kind];
  try {
    const response = await call(spec.path, { accept: spec.accept, raw: true, retries: 10 });
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: spec.name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    notice(t("downloadFailed", { detail: describeError(error) }));
  }
}

// ---------------------------------------------------------------- explanations

function openExplain(again) {
  if (!again && !$("explain").contains(document.activeElement)) explainOpener = document.activeElement;
  const section = $("explain");
  section.hidden = false;
  $("explain-body").replaceChildren(el("p", { text: t("loading") }));
  section.focus();
  return section;
}

function simpleTable(caption, head, rows) {
  const table = el("table", {}, el("caption", { text: caption }));
  table.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))));
  const body = el("tbody");
  for (const row of rows) body.append(el("tr", {}, ...row.map((c) => el("td", {}, c instanceof Node ? c : String(c ?? "")))));
  table.append(body);
  return el("div", { class: "table-wrap" }, table);
}

async function explainEmployee(nip, again = false) {
  state.explaining = ["employee", nip];
  openExplain(again);
  const runId = state.runId;
  try {
    const x = await call(`/v1/runs/${encodeURIComponent(runId)}/explain/employees/${encodeURIComponent(nip)}`, {
      retries: 20, onWait: () => $("explain-body").replaceChildren(el("p", { text: t("stillComputing") })),
    });
    const terms = Object.entries(x.terms).filter(([k]) => !k.startsWith("jpm_"));
    const cf = x.counterfactual;
    $("explain-body").replaceChildren(
      el("h3", { text: `${x.name} (${x.nip})` }),
      el("p", { class: "placement", text: `${t("placement")}: ${x.from_position || "–"} → ${x.to_position || t("unplacedWord")} · ${t("kindLabel")}: ${t(KIND_TEXT[x.kind] ?? x.kind)}` }),
      simpleTable(t("terms"), [t("term"), t("value")], terms.map(([k, v]) => [termName(k), num(v)])),
      simpleTable(t("alternatives"), [t("position"), t("prefRank"), t("score"), "JPM", t("allowed"), t("blockedBy"), t("betterBy")],
        x.alternatives.map((a) => [
          positionLink(a.position_id), num(a.preference_rank), num(a.score), num(a.jpm), a.allowed ? t("yes") : t("no"),
          a.blocked_by.map((b) => `${b.rule}: ${b.text}`).join("; ") || (a.holders?.length ? `${t("holders")}: ${a.holders.join(", ")}` : ""),
          a.better_by === null || a.better_by === undefined ? "" : num(a.better_by),
        ])),
      el("h4", { text: t("counterfactual") }),
      el("p", { class: "counterfactual", text: cf
        ? t("cfText", { change: cf.change, position: cf.position_id, score: num(cf.score), objective: num(cf.objective) })
        : t("noCounterfactual", { n: x.counterfactuals_tried }) }),
    );
  } catch (error) {
    $("explain-body").replaceChildren(el("p", { text: t("errorGeneric", { detail: describeError(error) }) }));
  }
}

async function explainPosition(positionId, again = false) {
  state.explaining = ["position", positionId];
  openExplain(again);
  try {
    const x = await call(`/v1/runs/${encodeURIComponent(state.runId)}/explain/positions/${encodeURIComponent(positionId)}`, {
      retries: 20, onWait: () => $("explain-body").replaceChildren(el("p", { text: t("stillComputing") })),
    });
    const who = (list) => list.map((nip) => `${nip} ${state.plan.rows.find((r) => r.nip === nip)?.name ?? ""}`.trim()).join("; ") || "–";
    $("explain-body").replaceChildren(...[
      el("h3", { text: `${x.position_id} · ${x.title} (${unitName(x.unit)})` }),
      el("p", { text: `${t("capacity")}: ${num(x.capacity)} · ${has(`state_${x.state}`) ? t(`state_${x.state}`) : x.state}` }),
      x.shortlist ? el("p", { class: "help", text: t("shortlist") }) : null,
      el("p", { text: `${t("holdersBefore")}: ${who(x.holders_before)}` }),
      el("p", { text: `${t("holdersAfter")}: ${who(x.holders_after)}` }),
      simpleTable(t("candidates"), [t("nip"), t("name"), t("kindLabel"), t("score"), "JPM", t("prefRank"), t("placedThere")],
        x.candidates.map((c) => [
          linkButton(c.nip, `${t("explainTitle")}: ${c.nip} ${c.name}`, () => explainEmployee(c.nip)),
          c.name, t(KIND_TEXT[c.kind] ?? c.kind), num(c.score), num(c.jpm), num(c.preference_rank), c.placed_there ? t("yes") : t("no"),
        ])),
      simpleTable(t("excluded"), [t("rule"), t("count")], Object.entries(x.excluded).map(([rule, n]) => [rule, num(n)])),
    ].filter(Boolean));
  } catch (error) {
    $("explain-body").replaceChildren(el("p", { text: t("errorGeneric", { detail: describeError(error) }) }));
  }
}

// ---------------------------------------------------------------- scenarios

const OPS = [
  ["close", "opClose", ["position_id"]],
  ["abolish", "opAbolish", ["position_id"]],
  ["open", "opOpen", ["position_id"]],
  ["capacity", "opCapacity", ["position_id", "capacity"]],
  ["pin", "opPin", ["nip", "position_id"]],
  ["forbid", "opForbid", ["nip", "position_id"]],
  ["weights", "opWeights", ["weight", "value"]],
  ["remove_employee", "opRemove", ["nip"]],
  ["disruption", "opDisruption", ["penalty"]],
];

function fillDatalists() {
  $("position-ids").replaceChildren(...[...state.plan.positions.entries()].map(([id, p]) => el("option", { value: id, text: `${p.title} (${unitName(p.unit)})` })));
  $("employee-nips").replaceChildren(...state.plan.rows.map((r) => el("option", { value: r.nip, text: r.name })));
}

function renderChanges() {
  const list = $("changes");
  list.replaceChildren();
  state.changes.forEach((change, i) => {
    const n = i + 1;
    const opId = `change-${n}-op`;
    const select = el("select", { id: opId });
    for (const [op, label] of OPS) select.append(el("option", { value: op, text: t(label) }));
    select.value = change.op;
    select.addEventListener("change", () => {
      change.op = select.value;
      renderChanges();
      $(opId).focus();
    });
    const fields = OPS.find(([op]) => op === change.op)[2];
    const item = el("li", { class: "change" },
      el("div", { class: "field" }, el("label", { for: opId, text: `${t("operation")} ${n}` }), select));
    for (const name of fields) {
      const id = `change-${n}-${name}`;
      let input;
      if (name === "weight") {
        input = el("select", { id });
        for (const w of WEIGHTS) input.append(el("option", { value: w.key, text: w.key }));
      } else {
        input = el("input", {
          id, type: ["capacity", "value", "penalty"].includes(name) ? "number" : "text", autocomplete: "off",
          list: name === "position_id" ? "position-ids" : name === "nip" ? "employee-nips" : undefined,
          min: name === "capacity" ? "1" : name === "value" || name === "penalty" ? "0" : undefined,
          step: name === "value" || name === "penalty" ? "0.001" : undefined,
        });
      }
      input.value = change[name] ?? (name === "weight" ? WEIGHTS[0].key : "");
      if (name === "weight") change.weight = input.value;
      input.addEventListener("input", () => { change[name] = input.value; });
      input.addEventListener("change", () => { change[name] = input.value; });
      const label = { position_id: t("position"), nip: t("nip"), capacity: t("capacity"), weight: t("weightName"), value: t("weightValue"), penalty: t("penalty") }[name];
      item.append(el("div", { class: "field" }, el("label", { for: id, text: label }), input));
    }
    const remove = el("button", { type: "button", class: "remove", text: "✕", "aria-label": t("removeChange", { n }) });
    remove.addEventListener("click", () => {
      state.changes.splice(i, 1);
      renderChanges();
      $("add-change").focus();
    });
    item.append(remove);
    list.append(item);
  });
}

function changePayload(change) {
  switch (change.op) {
    case "capacity": return { op: "capacity", position_id: change.position_id, capacity: Number(change.capacity) };
    case "pin":
    case "forbid": return { op: change.op, nip: change.nip, position_id: change.position_id };
    case "weights": return { op: "weights", weights: { [change.weight]: Number(change.value) } };
    case "remove_employee": return { op: "remove_employee", nip: change.nip };
    // Re-optimise against the shown run's plan, with this penalty per changed assignment.
    case "disruption": return { op: "policy", key: "disruption_weight", value: Number(change.penalty) };
    default: return { op: change.op, position_id: change.position_id };
  }
}

async function runScenario(event) {
  event.preventDefault();
  $("scenario-problems").replaceChildren();
  if (!state.changes.length) {
    say("scenario-status", "scenarioNeedsChange");
    return;
  }
  const baseRunId = state.runId;
  try {
    const scenario = await call("/v1/scenarios", {
      method: "POST", json: { base_run_id: baseRunId, changes: state.changes.map(changePayload) },
    });
    say("scenario-status", "scenarioRun", { id: scenario.id, status: t(scenario.run.status) });
    watchRun(scenario.id, (run) => {
      $("scenario-status").replaceChildren(
        document.createTextNode(`${t("scenarioRun", { id: run.id, status: t(run.status) })} `),
        linkButton(t("showPlan"), `${t("showPlan")} ${run.id}`, () => showPlan(run.id)),
      );
      for (const box of $("compare-runs").querySelectorAll("input")) box.checked = box.value === baseRunId || box.value === run.id;
    });
  } catch (error) {
    if (error instanceof ApiError && Array.isArray(error.body?.problems)) {
      say("scenario-status", "scenarioRejected", { n: error.body.problems.length });
      problemsTable($("scenario-problems"), error.body.problems);
    } else {
      say("scenario-status", "errorGeneric", { detail: describeError(error) });
    }
  }
}

// ---------------------------------------------------------------- comparison

function renderCompareChoices() {
  const box = $("compare-runs");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  box.replaceChildren(...state.runs.map((run) => {
    const id = `compare-${run.id}`;
    const input = el("input", { type: "checkbox", id, value: run.id });
    input.checked = checked.has(run.id);
    const when = time(run.created);
    return el("span", { class: "inline" }, input, el("label", { for: id, text: t("runLabel", { id: run.id, when }) }));
  }));
}

async function compareRuns(event) {
  event.preventDefault();
  const ids = [...$("compare-runs").querySelectorAll("input:checked")].map((i) => i.value);
  if (ids.length < 2) {
    say("compare-status", "compareNeedsTwo");
    return;
  }
  say("compare-status", "loading");
  try {
    const result = await call("/v1/compare", { method: "POST", json: { run_ids: ids }, retries: 10 });
    unsay("compare-status");
    state.comparison = result;
    renderComparison();
  } catch (error) {
    say("compare-status", "errorGeneric", { detail: describeError(error) });
  }
}

function renderComparison() {
  const result = state.comparison;
  if (!result) return;
  const short = (id) => id.slice(0, 8);
  $("compare-kpis").replaceChildren(simpleTable(t("kpi"), [t("kpi"), ...result.runs.map(short)],
    Object.entries(result.kpis).map(([k, values]) => [k, ...values.map((v) => (v === null ? "–" : typeof v === "number" ? num(v) : v))])));
  const container = $("compare-people");
  container.replaceChildren();
  if (!result.people.length) {
    container.append(el("p", { text: t("nobodyDiffers") }));
    return;
  }
  const columns = [
    { key: "nip", label: () => t("nip") },
    ...result.runs.map((id, i) => ({ key: `p${i}`, label: () => `${t("position")} ${short(id)}` })),
    ...result.runs.map((id, i) => ({ key: `s${i}`, label: () => `${t("score")} ${short(id)}`, type: "number" })),
  ];
  const rows = result.people.map((p) => {
    const row = { nip: p.nip };
    result.runs.forEach((id, i) => {
      const pos = p.positions[id];
      row[`p${i}`] = pos === null ? "–" : pos || t("unplacedWord");
      row[`s${i}`] = p.scores[id];
    });
    return row;
  });
  new DataTable(container, { caption: () => t("peopleDiff"), columns }).setRows(rows);
}

// ---------------------------------------------------------------- evaluation of past moves

const EVALUATION_PARTS = ["evaluation-summary", "chart-evaluation", "evaluation-groups", "evaluation-forecast", "evaluation-warnings"];
const GROUP_ORDER = ["jpm_category", "prior_tenure", "trained", "reason"];

function signed(value) {
  if (value === null || value === undefined) return "–";
  return (value > 0 ? "+" : "") + num(value, 2);
}

function hideEvaluation() {
  state.evaluation = null;
  state.forecast = null;
  $("evaluation").hidden = true;
  for (const id of EVALUATION_PARTS) $(id).replaceChildren();
  unsay("evaluation-status");
}

/** Ask for the evaluation of the uploaded dataset; a dataset without history has none. */
async function loadEvaluation(datasetId) {
  hideEvaluation();
  say("evaluation-status", "evaluationLoading");
  let found = null;
  try {
    found = await call(`/v1/datasets/${encodeURIComponent(datasetId)}/evaluation`, {
      retries: 60, onWait: () => { say("evaluation-status", "evaluationWaiting"); },
    });
  } catch (error) {
    if (state.datasetId !== datasetId) return;
    if (error instanceof ApiError && error.status === 409) {
      hideEvaluation();
      return;
    }
    $("evaluation").hidden = false;
    say("evaluation-status", "errorGeneric", { detail: describeError(error) });
    return;
  }
  if (state.datasetId !== datasetId) return;
  state.evaluation = found;
  $("evaluation").hidden = false;
  unsay("evaluation-status");
  renderEvaluation();
  if (state.runId) void loadForecast(state.runId);
}

/** Ask for what the shown plan's moves are expected to do, when the dataset has history. */
async function loadForecast(runId) {
  state.forecast = null;
  if (!state.evaluation) return;
  try {
    const found = await call(`/v1/runs/${encodeURIComponent(runId)}/forecast`, { retries: 60 });
    if (state.runId !== runId) return;
    state.forecast = found;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) {
      say("evaluation-status", "errorGeneric", { detail: describeError(error) });
    }
  }
  renderEvaluation();
  if (state.plan) renderKpis();
}

function significant(e) {
  return e.ci_low > 0 || e.ci_high < 0;
}

function effectCells(e) {
  if (!e || e.estimate === null) return ["–", "–", num(e?.moves ?? 0)];
  return [`${signed(e.estimate)}${significant(e) ? "" : " *"}`, `${signed(e.ci_low)} … ${signed(e.ci_high)}`, num(e.moves)];
}

function renderEvaluation() {
  const found = state.evaluation;
  if (!found) return;
  const att = found.att;
  const years = found.years ? `${found.years[0]}–${found.years[1]}` : "–";
  const summary = [el("p", { text: t("evaluationSummary", { years, moves: num(found.moves), people: num(found.people) }) })];
  if (att.estimate !== null) {
    summary.push(el("p", { class: "lead", text: t("evaluationOverall", {
      value: signed(att.estimate), low: signed(att.ci_low), high: signed(att.ci_high),
      flag: significant(att) ? "" : t("notSignificant"),
    }) }));
  }
  const naive = found.naive;
  summary.push(el("p", { class: "help", text: t("naiveNote", { before: signed(naive.before_after), stayers: signed(naive.movers_vs_stayers) }) }));
  $("evaluation-summary").replaceChildren(...summary);

  const points = found.event_study.filter((e) => e.estimate !== null).map((e) => ({
    x: e.event_year, label: `${t("eventYear")} ${e.event_year}`, value: e.estimate, low: e.ci_low, high: e.ci_high,
  }));
  const detail = points.map((p) => `${p.x}: ${signed(p.value)} (${signed(p.low)} … ${signed(p.high)})`).join("; ");
  $("chart-evaluation").replaceChildren(intervals({ points, description: t("chartEvaluationLabel", { detail }) }));

  const rows = [];
  for (const dimension of GROUP_ORDER) {
    for (const [label, g] of Object.entries(found.groups[dimension] ?? {})) {
      const shown = t(`label_${label}`) === `label_${label}` ? label : t(`label_${label}`);
      rows.push([`${t(`dim_${dimension}`)}: ${shown}`, ...effectCells(g.att), ...effectCells(g.year0)]);
    }
  }
  const head = [t("group"), t("effect"), t("interval"), t("movesCount"), t("effectYear0"), t("interval"), t("movesCount")];
  $("evaluation-groups").replaceChildren(simpleTable(t("groupsCaption"), head, rows));

  const forecast = state.forecast;
  const without = forecast?.without_training;
  const withList = forecast?.with_training;
  $("evaluation-forecast").replaceChildren(...(forecast ? [el("p", { class: "lead", "data-forecast": "",
    text: without && withList ? t("forecastText", {
      moves: num(forecast.moves), without: signed(without.estimate), low: signed(without.ci_low), high: signed(without.ci_high),
      with: signed(withList.estimate), listed: num(forecast.training_listed),
    }) : t("forecastNone") })] : []));

  const warnings = found.warnings;
  $("evaluation-warnings").replaceChildren(...(warnings.length ? [
    el("h3", { text: t("evaluationWarnings") }),
    el("ul", {}, ...warnings.map((w) => el("li", { text: w }))),
  ] : []));
}

// ---------------------------------------------------------------- language

function applyLanguage() {
  translateStatic();
  const toggle = $("lang-toggle");
  toggle.lang = lang() === "id" ? "en" : "id";
  toggle.setAttribute("aria-pressed", String(lang() === "en"));
  renderPolicyForm($("policy-fields"));
  renderUpload();
  renderChanges();
  renderCompareChoices();
  renderComparison();
  renderEvaluation();
  renderSweep();
  if (state.plan) {
    renderKpis();
    renderCharts();
    renderFilters();
    planTable?.render();
  }
  sayAgain();
  askAgain();
}

/** Ask the service again for what it said in words, now in the page's new language. */
function askAgain() {
  if (state.refused) void upload(state.refused);
  if (state.failedRun) void showFailure(state.failedRun);
  if (state.explaining && !$("explain").hidden) {
    const [kind, id] = state.explaining;
    void (kind === "employee" ? explainEmployee(id, true) : explainPosition(id, true));
  }
  if (state.evaluation && state.datasetId) void refreshEvaluation(state.datasetId, state.runId);
}

/** The evaluation (its warnings are the service's words) asked for again, shown as it is
 * until the new one arrives. */
async function refreshEvaluation(datasetId, runId) {
  try {
    const found = await call(`/v1/datasets/${encodeURIComponent(datasetId)}/evaluation`, { retries: 60 });
    const forecast = runId ? await call(`/v1/runs/${encodeURIComponent(runId)}/forecast`, { retries: 60 }) : null;
    if (state.datasetId !== datasetId || state.runId !== runId) return;
    state.evaluation = found;
    if (forecast) state.forecast = forecast;
    renderEvaluation();
  } catch (error) {
    say("evaluation-status", "errorGeneric", { detail: describeError(error) });
  }
}

async function showFailure(runId) {
  try {
    const run = await call(`/v1/runs/${encodeURIComponent(runId)}`);
    if (state.failedRun !== runId) return;
    say("run-message", "runError", { error: run.error ?? "" });
    if (run.summary?.status === "INFEASIBLE") await showDiagnosis(run.id);
  } catch (error) {
    say("run-message", "errorGeneric", { detail: describeError(error) });
  }
}

function init() {
  setLang(localStorage.getItem("penempatan.lang") ?? "id");
  applyLanguage();
  $("lang-toggle").addEventListener("click", () => {
    setLang(lang() === "id" ? "en" : "id");
    localStorage.setItem("penempatan.lang", lang());
    applyLanguage();
  });
  $("signin-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  setUpDropZone();
  $("policy-form").addEventListener("submit", startRun);
  $("cancel-run").addEventListener("click", cancelRun);
  for (const id of ["filter-unit", "filter-class", "filter-kind"]) $(id).addEventListener("change", applyFilters);
  $("filter-search").addEventListener("input", applyFilters);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-xlsx").addEventListener("click", () => download("xlsx"));
  $("download-decree").addEventListener("click", () => download("decree"));
  $("close-explain").addEventListener("click", () => {
    $("explain").hidden = true;
    state.explaining = null;
    const back = explainOpener?.isConnected ? explainOpener : $("plan-table").querySelector("button");
    back?.focus();
  });
  $("add-change").addEventListener("click", () => {
    state.changes.push({ op: "close" });
    renderChanges();
    $(`change-${state.changes.length}-op`).focus();
  });
  $("scenario-form").addEventListener("submit", runScenario);
  $("compare-form").addEventListener("submit", compareRuns);
  setUpSweep({ el, describeError, problemsTable, basePolicy: () => readPolicy($("policy-fields")) });
  showApp();
}

init();
