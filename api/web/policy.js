// The policy form: every key of the data contract (§2), its default and a one-line explanation.

import { num, t } from "./i18n.js";

/** Policy keys: kind and default; each one's name and explanation are in i18n.js
 * (`field_<key>`, `fieldHelp_<key>`). */
export const POLICY_FIELDS = [
  { key: "reference_date", kind: "date", def: null },
  { key: "min_tenure_months", kind: "int", def: 24, min: 0 },
  { key: "max_tenure_months", kind: "int", def: 60, min: 0 },
  { key: "retirement_buffer_months", kind: "int", def: 24, min: 0 },
  { key: "jpm_floor", kind: "number", def: 68, min: 0, max: 100, step: "0.01" },
  { key: "allow_pppk_moves", kind: "bool", def: false },
  { key: "allow_jpt", kind: "bool", def: false },
  { key: "separate_relations", kind: "relations", def: ["spouse"] },
  { key: "max_moves", kind: "int", def: null, min: 0 },
  { key: "max_unit_outflow", kind: "number", def: null, min: 0, max: 1, step: "0.01" },
  { key: "force_rotation", kind: "bool", def: false },
  { key: "no_justified_envy", kind: "bool", def: false },
  { key: "disruption_weight", kind: "number", def: 0, min: 0, step: "0.001" },
  { key: "time_limit_s", kind: "number", def: null, min: 0, step: "1", group: "solve" },
  { key: "seed", kind: "int", def: null, min: 0, group: "solve" },
  { key: "solver", kind: "solver", def: "auto", group: "solve" },
];

/** Objective weights (§4) with their defaults; names and explanations are in i18n.js
 * (`weight_<key>`, `weightHelp_<key>`). */
export const WEIGHTS = [
  { key: "jpm", def: 1 },
  { key: "preference", def: 0.3 },
  { key: "stay", def: 0.2 },
  { key: "performance", def: 0.1 },
  { key: "fill", def: 1 },
  { key: "displaced", def: 1 },
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
  else if (Array.isArray(def)) shown = def.map((kind) => t(`relation_${kind}`)).join(", ");
  else if (typeof def === "boolean") shown = def ? t("yes") : t("no");
  else if (typeof def === "number") shown = num(def);
  else shown = String(def);
  return `${t(`fieldHelp_${field.key}`)} ${t("defaultIs", { value: shown })}`;
}

function labelOf(name, key) {
  return [document.createTextNode(`${name} `), el("code", { text: key })];
}

function fieldRow(field) {
  const inputId = `policy-${field.key}`;
  const helpId = `${inputId}-help`;
  const help = el("p", { class: "help", id: helpId, text: describe(field) });
  if (field.kind === "bool") {
    const box = el("input", { type: "checkbox", id: inputId, name: field.key, "aria-describedby": helpId });
    box.checked = field.def;
    return el("div", { class: "field check" }, box, el("label", { for: inputId }, ...labelOf(t(`field_${field.key}`), field.key)), help);
  }
  if (field.kind === "relations") {
    const set = el("fieldset", { class: "field", "aria-describedby": helpId },
      el("legend", {}, ...labelOf(t(`field_${field.key}`), field.key)));
    for (const kind of RELATIONS) {
      const id = `${inputId}-${kind}`;
      const box = el("input", { type: "checkbox", id, name: field.key, value: kind });
      box.checked = field.def.includes(kind);
      set.append(el("span", { class: "inline" }, box, el("label", { for: id, text: t(`relation_${kind}`) })));
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
  return el("div", { class: "field" }, el("label", { for: inputId }, ...labelOf(t(`field_${field.key}`), field.key)), input, help);
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
      el("label", { for: id }, ...labelOf(t(`weight_${w.key}`), w.key)),
      el("input", { type: "number", id, name: `weights.${w.key}`, min: "0", step: "0.001",
        placeholder: String(w.def), "aria-describedby": helpId, inputmode: "decimal" }),
      el("p", { class: "help", id: helpId, text: `${t(`weightHelp_${w.key}`)} ${t("defaultIs", { value: num(w.def) })}` })));
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
