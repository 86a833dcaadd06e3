// A sortable, paginated table: only one page of rows is in the document at a time, so it stays
// fast with thousands of rows. Sorting is by buttons in the column headers (Enter or Space).

import { num, t } from "./i18n.js";

const collator = new Intl.Collator("id", { numeric: true, sensitivity: "base" });

function compare(a, b, type) {
  const emptyA = a === null || a === undefined || a === "";
  const emptyB = b === null || b === undefined || b === "";
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (type === "number") return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/**
 * A table of `rows` (objects) with `columns` ({key, label: () => text, type?, cell?(row)}).
 * `cell` returns a Node or text for the cell; sorting uses `sortValue(row)` or `row[key]`.
 */
export class DataTable {
  constructor(container, { columns, caption, pageSize = 50, idPrefix = "table" }) {
    this.container = container;
    this.columns = columns;
    this.caption = caption;
    this.pageSize = pageSize;
    this.idPrefix = idPrefix;
    this.rows = [];
    this.view = [];
    this.page = 0;
    this.sortKey = null;
    this.sortDir = 1;
  }

  setRows(rows) {
    this.rows = rows;
    this.page = 0;
    this.refresh();
  }

  /** Re-sort the rows (for example after a filter changed the set) and draw page one. */
  refresh() {
    this.view = this.rows.slice();
    if (this.sortKey !== null) {
      const col = this.columns.find((c) => c.key === this.sortKey);
      const value = col.sortValue ?? ((row) => row[col.key]);
      const dir = this.sortDir;
      this.view.sort((a, b) => dir * compare(value(a), value(b), col.type));
    }
    this.page = Math.min(this.page, Math.max(0, this.pages() - 1));
    this.render();
  }

  pages() {
    return Math.max(1, Math.ceil(this.view.length / this.pageSize));
  }

  sortBy(key) {
    if (this.sortKey === key) this.sortDir = -this.sortDir;
    else {
      this.sortKey = key;
      this.sortDir = 1;
    }
    this.refresh();
    this.container.querySelector(`th[data-key="${key}"] button`)?.focus();
  }

  render() {
    const doc = document;
    const table = doc.createElement("table");
    if (this.caption) {
      const caption = doc.createElement("caption");
      caption.textContent = this.caption();
      table.append(caption);
    }
    const head = doc.createElement("thead");
    const headRow = doc.createElement("tr");
    for (const col of this.columns) {
      const th = doc.createElement("th");
      th.scope = "col";
      th.dataset.key = col.key;
      const sorted = this.sortKey === col.key;
      th.setAttribute("aria-sort", sorted ? (this.sortDir > 0 ? "ascending" : "descending") : "none");
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = col.label();
      button.title = t("sortBy", { col: col.label() });
      const mark = doc.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = sorted ? (this.sortDir > 0 ? " ▲" : " ▼") : " ↕";
      button.append(mark);
      button.addEventListener("click", () => this.sortBy(col.key));
      th.append(button);
      headRow.append(th);
    }
    head.append(headRow);
    const body = doc.createElement("tbody");
    const start = this.page * this.pageSize;
    for (const row of this.view.slice(start, start + this.pageSize)) {
      const tr = doc.createElement("tr");
      for (const col of this.columns) {
        const td = doc.createElement("td");
        if (col.type === "number") td.className = "num";
        const content = col.cell ? col.cell(row) : row[col.key];
        if (content instanceof Node) td.append(content);
        else td.textContent = content === null || content === undefined ? "" : String(content);
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(head, body);
    const wrap = doc.createElement("div");
    wrap.className = "table-wrap";
    wrap.append(table);
    this.container.replaceChildren(wrap);
    if (this.view.length > this.pageSize) this.container.append(this.pager());
  }

  pager() {
    const nav = document.createElement("nav");
    nav.className = "pager";
    nav.setAttribute("aria-label", this.caption ? this.caption() : t("pageSize"));
    const prev = document.createElement("button");
    prev.type = "button";
    prev.textContent = t("prevPage");
    prev.disabled = this.page === 0;
    prev.addEventListener("click", () => this.go(this.page - 1, "prev"));
    const next = document.createElement("button");
    next.type = "button";
    next.textContent = t("nextPage");
    next.disabled = this.page >= this.pages() - 1;
    next.addEventListener("click", () => this.go(this.page + 1, "next"));
    const status = document.createElement("span");
    status.className = "page-status";
    status.setAttribute("aria-live", "polite");
    status.textContent = t("pageOf", { page: num(this.page + 1), pages: num(this.pages()), n: num(this.view.length) });
    prev.dataset.role = "prev";
    next.dataset.role = "next";
    nav.append(prev, status, next);
    return nav;
  }

  go(page, focus) {
    this.page = Math.max(0, Math.min(page, this.pages() - 1));
    this.render();
    const target = this.container.querySelector(`.pager button[data-role="${focus}"]`);
    if (target && !target.disabled) target.focus();
    else this.container.querySelector(".pager button:not([disabled])")?.focus();
  }
}
