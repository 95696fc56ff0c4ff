// ratsinfo-site search page: Pagefind's JS API, query and filters in the address bar.
// Loaded only on the search page; everything it loads comes from this site.
const root = document.getElementById("suche-app");
const config = JSON.parse(document.getElementById("suche-config").textContent);
const t = config.labels;
const PAGE = 20;

const form = document.getElementById("suchformular");
const input = document.getElementById("suchfeld");
const sortSelect = document.getElementById("sortierung");
const status = document.getElementById("suchstatus");
const list = document.getElementById("treffer");
const more = document.getElementById("mehr");
const filterBox = document.getElementById("filter");

let pagefind = null;
let shown = 0;
let current = [];
let runId = 0;

function readState() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const [name, param] of config.filters) {
    const values = params.getAll(param).filter(Boolean);
    if (values.length) filters[name] = values;
  }
  return { q: (params.get("q") || "").trim(), sort: params.get("sort") === "asc" ? "asc" : "desc", filters };
}

function writeState(state, replace) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [name, param] of config.filters) {
    for (const value of state.filters[name] || []) params.append(param, value);
  }
  if (state.sort === "asc") params.set("sort", "asc");
  const query = params.toString();
  const url = window.location.pathname + (query ? "?" + query : "");
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  if (!m) return iso || "";
  if (config.language === "de") return `${m[3]}.${m[2]}.${m[1]}`;
  return `${Number(m[3])} ${t.months[Number(m[2]) - 1]} ${m[1]}`;
}

// Pagefind's excerpt is plain text with <mark> around hits: escape all, then restore <mark>.
function excerptNode(excerpt) {
  const p = el("p", { class: "excerpt" });
  const parts = (excerpt || "").split(/(<mark>|<\/mark>)/);
  let marked = null;
  for (const part of parts) {
    if (part === "<mark>") { marked = el("mark"); p.append(marked); continue; }
    if (part === "</mark>") { marked = null; continue; }
    (marked || p).append(document.createTextNode(part));
  }
  return p;
}

const squash = (text) => (text || "").toLocaleLowerCase().replace(/[\p{P}\s]+/gu, "");

function isReferenceOf(meta, q) {
  const wanted = squash(q);
  if (!wanted) return false;
  const refs = [meta.reference, ...(meta.aliases ? meta.aliases.split(" | ") : [])];
  return refs.some((ref) => squash(ref) === wanted);
}

function resultNode(data, pinned) {
  const meta = data.meta || {};
  const facts = [meta.type, meta.reference, formatDate(meta.date), meta.result].filter(Boolean);
  const link = el("a", { href: data.url }, meta.title || data.url);
  return el("li", { class: "result" + (pinned ? " pinned" : "") },
    pinned ? el("p", { class: "badge" }, t.direct_hit) : null,
    el("h3", {}, link),
    el("p", { class: "meta" }, facts.join(" · ")),
    excerptNode(data.excerpt));
}

async function showMore() {
  const batch = current.slice(shown, shown + PAGE);
  const nodes = await Promise.all(batch.map(async (item) => resultNode(await item.result.data(), item.pinned)));
  list.append(...nodes);
  shown += batch.length;
  more.hidden = shown >= current.length;
}

function renderFilters(state, counts) {
  filterBox.replaceChildren();
  let any = false;
  for (const [name, param] of config.filters) {
    const values = Object.entries(counts[name] || {})
      .filter(([value, count]) => count > 0 || (state.filters[name] || []).includes(value));
    if (!values.length) continue;
    any = true;
    values.sort((a, b) => name === config.yearFilter ? b[0].localeCompare(a[0]) : a[0].localeCompare(b[0], config.language));
    const fieldset = el("fieldset", {}, el("legend", {}, name));
    values.forEach(([value, count], i) => {
      const id = `f-${param}-${i}`;
      const box = el("input", { type: "checkbox", id, name: param, value });
      box.checked = (state.filters[name] || []).includes(value);
      box.addEventListener("change", () => {
        const next = readState();
        const chosen = new Set(next.filters[name] || []);
        if (box.checked) chosen.add(value); else chosen.delete(value);
        next.filters[name] = [...chosen];
        writeState(next);
        run();
      });
      fieldset.append(el("div", { class: "check" }, box, el("label", { for: id }, `${value} (${count})`)));
    });
    filterBox.append(fieldset);
  }
  if (Object.keys(state.filters).length) {
    const reset = el("button", { type: "button", class: "secondary" }, t.filters_reset);
    reset.addEventListener("click", () => { const next = readState(); next.filters = {}; writeState(next); run(); });
    filterBox.append(reset);
  }
  filterBox.hidden = !any;
}

async function run() {
  const id = ++runId;
  const state = readState();
  input.value = state.q;
  sortSelect.value = state.sort;
  list.replaceChildren();
  more.hidden = true;
  if (!state.q) {
    filterBox.hidden = true;
    status.textContent = t.results_hint;
    return;
  }
  status.textContent = t.searching;
  const filters = {};
  for (const [name, values] of Object.entries(state.filters)) filters[name] = { any: values };
  try {
    pagefind = pagefind || await loadPagefind();
    const [sorted, relevant] = await Promise.all([
      pagefind.search(state.q, { filters, sort: { date: state.sort } }),
      /\d/.test(state.q) ? pagefind.search(state.q, { filters }) : null,
    ]);
    if (id !== runId) return;
    let pinned = null;
    if (relevant && relevant.results.length) {
      const top = await relevant.results[0].data();
      if (isReferenceOf(top.meta || {}, state.q)) pinned = relevant.results[0];
    }
    current = sorted.results.filter((r) => !pinned || r.id !== pinned.id).map((result) => ({ result, pinned: false }));
    if (pinned) current.unshift({ result: pinned, pinned: true });
    shown = 0;
    renderFilters(state, sorted.filters);
    await showMore();
    if (id !== runId) return;
    // The status changes last: once it says how many, the results are on screen.
    status.textContent = current.length
      ? t.results_count.replace("{count}", current.length).replace("{query}", state.q)
      : t.results_none.replace("{query}", state.q);
  } catch (error) {
    console.error(error);
    status.textContent = t.search_failed;
  }
}

async function loadPagefind() {
  const module = await import(config.bundle + "pagefind.js");
  await module.options({ basePath: config.bundle, baseUrl: config.base });
  await module.init();
  await module.filters(); // loads the filter chunks, so results carry counts per value
  return module;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const state = readState();
  state.q = input.value.trim();
  writeState(state);
  run();
});
sortSelect.addEventListener("change", () => {
  const state = readState();
  state.sort = sortSelect.value;
  writeState(state);
  run();
});
more.addEventListener("click", () => showMore());
window.addEventListener("popstate", () => run());
root.hidden = false;
run();
