// The policy form: every key of the data contract (§2), its default and a one-line explanation.

import { lang, t } from "./i18n.js";

/** Policy keys: name, kind, default, and the explanation in Indonesian and English. */
export const POLICY_FIELDS = [
  { key: "reference_date", name: { id: "Tanggal acuan", en: "Reference date" }, kind: "date", def: null,
    id: "Tanggal acuan untuk menghitung masa jabatan dan usia.",
    en: "The date at which tenure and age are measured." },
  { key: "min_tenure_months", name: { id: "Masa jabatan minimal (bulan)", en: "Minimum tenure (months)" }, kind: "int", def: 24, min: 0,
    id: "Bulan minimal di jabatan sekarang sebelum boleh dimutasi.",
    en: "Months in the current post before a move is allowed." },
  { key: "max_tenure_months", name: { id: "Masa jabatan maksimal (bulan)", en: "Maximum tenure (months)" }, kind: "int", def: 60, min: 0,
    id: "Lewat dari ini, tetap di jabatan diberi penalti (waktunya rotasi).",
    en: "Beyond this, staying is penalised (rotation due)." },
  { key: "retirement_buffer_months", name: { id: "Jarak ke pensiun (bulan)", en: "Retirement buffer (months)" }, kind: "int", def: 24, min: 0,
    id: "Pegawai yang pindah harus masih punya sekian bulan sebelum pensiun (BUP).",
    en: "A mover must have at least this long before retirement." },
  { key: "jpm_floor", name: { id: "JPM minimal (%)", en: "JPM floor (%)" }, kind: "number", def: 68, min: 0, max: 100, step: "0.01",
    id: "Job-Person Match (%) minimal untuk sebuah mutasi.",
    en: "Minimum Job-Person Match (%) for a move." },
  { key: "allow_pppk_moves", name: { id: "Izinkan mutasi PPPK", en: "Allow PPPK moves" }, kind: "bool", def: false,
    id: "PPPK boleh dimutasi.", en: "PPPK staff may move." },
  { key: "allow_jpt", name: { id: "Izinkan penempatan JPT", en: "Allow JPT placements" }, kind: "bool", def: false,
    id: "Jabatan JPT menerima pegawai baru (jika tidak, hanya daftar pendek).",
    en: "JPT positions take newcomers (otherwise shortlist only)." },
  { key: "separate_relations", name: { id: "Pisahkan hubungan", en: "Keep relations apart" }, kind: "relations", def: ["spouse"],
    id: "Jenis hubungan yang tidak boleh berada di unit yang sama.",
    en: "Relation kinds that must not share a unit." },
  { key: "max_moves", name: { id: "Mutasi maksimal", en: "Maximum moves" }, kind: "int", def: null, min: 0,
    id: "Paling banyak sekian pegawai yang pindah.", en: "At most this many employees move." },
  { key: "max_unit_outflow", name: { id: "Arus keluar unit maksimal", en: "Maximum unit outflow" }, kind: "number", def: null, min: 0, max: 1, step: "0.01",
    id: "Bagian (0–1) pegawai sebuah unit yang boleh keluar dari unit itu.",
    en: "Fraction (0–1] of a unit's headcount that may leave it." },
  { key: "force_rotation", name: { id: "Wajib rotasi", en: "Force rotation" }, kind: "bool", def: false,
    id: "Pegawai yang melewati batas masa jabatan dan bisa pindah wajib pindah (G06).",
    en: "Employees past the tenure limit who can move must move (G06)." },
  { key: "no_justified_envy", name: { id: "Tanpa kecemburuan beralasan", en: "No justified envy" }, kind: "bool", def: false,
    id: "Tidak boleh ada pegawai yang lebih layak atas jabatan pilihannya namun kalah (X01).",
    en: "Nobody may prefer and outscore a holder of a position they are allowed (X01)." },
  { key: "disruption_weight", name: { id: "Bobot gangguan", en: "Disruption weight" }, kind: "number", def: 0, min: 0, step: "0.001",
    id: "Penalti per perubahan dari rencana sebelumnya (berlaku bila ada rencana sebelumnya).",
    en: "Penalty per change from a previous plan (applies when one is given)." },
  { key: "time_limit_s", name: { id: "Batas waktu (detik)", en: "Time limit (seconds)" }, kind: "number", def: null, min: 0, step: "1", group: "solve",
    id: "Batas waktu pemecahan dalam detik (bawaan layanan bila kosong).",
    en: "Solve time limit in seconds (the service default when empty)." },
  { key: "seed", name: { id: "Benih acak", en: "Seed" }, kind: "int", def: null, min: 0, group: "solve",
    id: "Benih acak untuk hasil yang dapat diulang.", en: "Random seed for a reproducible result." },
  { key: "solver", name: { id: "Pemecah", en: "Solver" }, kind: "solver", def: "auto", group: "solve",
    id: "Mesin pemecah; auto memilih sendiri.", en: "The solver back-end; auto chooses." },
];

/** Objective weights (§4) with their defaults and explanations. */
export const WEIGHTS = [
  { key: "jpm", name: { id: "Kecocokan (JPM)", en: "Fit (JPM)" }, def: 1.0, id: "Kecocokan kompetensi (JPM).", en: "Competency fit (JPM)." },
  { key: "preference", name: { id: "Preferensi", en: "Preference" }, def: 0.3, id: "Pilihan pegawai sendiri.", en: "The employee's own preferences." },
  { key: "stay", name: { id: "Tetap", en: "Stay" }, def: 0.2, id: "Stabilitas: tetap di jabatan dalam masa wajar.", en: "Stability: staying within normal tenure." },
  { key: "performance", name: { id: "Kinerja", en: "Performance" }, def: 0.1, id: "Kinerja (SKP) bagi yang pindah.", en: "Performance (SKP) of movers." },
  { key: "fill", name: { id: "Pengisian", en: "Fill" }, def: 1.0, id: "Mengisi jabatan.", en: "Filling positions." },
  { key: "displaced", name: { id: "Tergusur", en: "Displaced" }, def: 1.0, id: "Mendahulukan pegawai yang jabatannya dihapus.", en: "Placing people whose post is abolished first." },
];

const RELATIONS = ["spouse", "family", "other"];
const SOLVERS = ["auto", "flow", "cpsat", "highs", "cbc"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children);
  return node;
}

function describe(field) {
  const def = field.def;
  let shown;
  if (def === null) shown = field.key === "reference_date" ? t("today") : t("none");
  else if (Array.isArray(def)) shown = def.join(", ");
  else if (typeof def === "boolean") shown = def ? t("yes") : t("no");
  else shown = String(def);
  return `${field[lang()]} ${t("defaultIs", { value: shown })}`;
}

function labelOf(field) {
  return [document.createTextNode(`${field.name[lang()]} `), el("code", { text: field.key })];
}

function fieldRow(field) {
  const inputId = `policy-${field.key}`;
  const helpId = `${inputId}-help`;
  const help = el("p", { class: "help", id: helpId, text: describe(field) });
  if (field.kind === "bool") {
    const box = el("input", { type: "checkbox", id: inputId, name: field.key, "aria-describedby": helpId });
    box.checked = field.def;
    return el("div", { class: "field check" }, box, el("label", { for: inputId }, ...labelOf(field)), help);
  }
  if (field.kind === "relations") {
    const set = el("fieldset", { class: "field", "aria-describedby": helpId },
      el("legend", {}, ...labelOf(field)));
    for (const kind of RELATIONS) {
      const id = `${inputId}-${kind}`;
      const box = el("input", { type: "checkbox", id, name: field.key, value: kind });
      box.checked = field.def.includes(kind);
      set.append(el("span", { class: "inline" }, box, el("label", { for: id, text: kind })));
    }
    set.append(help);
    return set;
  }
  let input;
  if (field.kind === "solver") {
    input = el("select", { id: inputId, name: field.key, "aria-describedby": helpId });
    for (const s of SOLVERS) input.append(el("option", { value: s, text: s }));
  } else {
    const type = field.kind === "date" ? "date" : "number";
    input = el("input", {
      type, id: inputId, name: field.key, "aria-describedby": helpId,
      min: field.min, max: field.max, step: field.kind === "int" ? "1" : field.step,
      placeholder: field.def === null ? "" : String(field.def), inputmode: type === "number" ? "decimal" : undefined,
    });
  }
  return el("div", { class: "field" }, el("label", { for: inputId }, ...labelOf(field)), input, help);
}

/** Build the form's fields into `container` (policy keys, weights, pins and forbids). */
export function renderPolicyForm(container) {
  const kept = readPolicyRaw(container);
  container.replaceChildren();
  const main = el("fieldset", { class: "grid" }, el("legend", { text: t("rulesTitle") }));
  const solve = el("fieldset", { class: "grid" }, el("legend", { text: t("solveTitle") }));
  for (const field of POLICY_FIELDS) (field.group === "solve" ? solve : main).append(fieldRow(field));
  const weights = el("fieldset", { class: "grid" }, el("legend", { text: t("weightsTitle") }));
  for (const w of WEIGHTS) {
    const id = `weight-${w.key}`;
    const helpId = `${id}-help`;
    weights.append(el("div", { class: "field" },
      el("label", { for: id }, ...labelOf(w)),
      el("input", { type: "number", id, name: `weights.${w.key}`, min: "0", step: "0.001",
        placeholder: String(w.def), "aria-describedby": helpId, inputmode: "decimal" }),
      el("p", { class: "help", id: helpId, text: `${w[lang()]} ${t("defaultIs", { value: w.def })}` })));
  }
  const pairs = el("fieldset", { class: "grid" }, el("legend", { text: t("pinsTitle") }));
  for (const key of ["pins", "forbid"]) {
    const id = `policy-${key}`;
    pairs.append(el("div", { class: "field wide" },
      el("label", { for: id, text: t(key) }),
      el("textarea", { id, name: key, rows: "3", "aria-describedby": "pins-help", spellcheck: "false" })));
  }
  pairs.append(el("p", { class: "help", id: "pins-help", text: t("pinsHelp") }));
  container.append(main, weights, pairs, solve);
  writePolicyRaw(container, kept);
}

function readPolicyRaw(container) {
  const raw = {};
  for (const input of container.querySelectorAll("input, select, textarea")) {
    raw[input.id] = input.type === "checkbox" ? input.checked : input.value;
  }
  return raw;
}

function writePolicyRaw(container, raw) {
  for (const input of container.querySelectorAll("input, select, textarea")) {
    if (!(input.id in raw)) continue;
    if (input.type === "checkbox") input.checked = raw[input.id];
    else input.value = raw[input.id];
  }
}

function pairsOf(text) {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
    const [nip, position] = line.split(/[,;\t]/).map((s) => s.trim());
    return { nip: nip ?? "", position_id: position ?? "" };
  });
}

/** The policy the form describes: only the keys that differ from their defaults. */
export function readPolicy(container) {
  const policy = {};
  for (const field of POLICY_FIELDS) {
    const id = `policy-${field.key}`;
    if (field.kind === "bool") {
      const value = container.querySelector(`#${id}`).checked;
      if (value !== field.def) policy[field.key] = value;
    } else if (field.kind === "relations") {
      const kinds = RELATIONS.filter((k) => container.querySelector(`#${id}-${k}`).checked);
      if (kinds.join() !== field.def.join()) policy[field.key] = kinds;
    } else {
      const value = container.querySelector(`#${id}`).value.trim();
      if (value === "" || value === String(field.def)) continue;
      policy[field.key] = field.kind === "date" || field.kind === "solver" ? value : Number(value);
    }
  }
  const weights = {};
  for (const w of WEIGHTS) {
    const value = container.querySelector(`#weight-${w.key}`).value.trim();
    if (value !== "" && Number(value) !== w.def) weights[w.key] = Number(value);
  }
  if (Object.keys(weights).length) policy.weights = weights;
  for (const key of ["pins", "forbid"]) {
    const list = pairsOf(container.querySelector(`#policy-${key}`).value);
    if (list.length) policy[key] = list;
  }
  return policy;
}
