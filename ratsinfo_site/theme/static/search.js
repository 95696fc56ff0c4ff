// ratsinfo-site search page: Pagefind's JS API, query and filters in the address bar.
// Loaded only on the search page; everything it loads comes from this site.
const root = document.getElementById("search-app");
const config = JSON.parse(document.getElementById("search-config").textContent);
const t = config.labels;
const PAGE = 10;

const form = document.getElementById("search-form");
const input = document.getElementById("search-field");
const sortSelect = document.getElementById("search-sort");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const filterBox = document.getElementById("search-filters");
const filterCount = document.getElementById("search-filter-count");
// The filter box starts closed, so that the results come first and a query loads only the
// index parts it needs: counts per filter value need every part (see showFilters).
const filterDetails = document.getElementById("search-filter-box");
const filterSummary = filterDetails.querySelector("summary");
const filterHeading = filterSummary.textContent;
const narrow = window.matchMedia("(max-width: 40rem)"); // as the style sheet's phone layout

let pagefind = null;
let filterCounts = false; // whether counts are shown: the filter box was opened (see showFilters)
let shown = 0;
let current = []; // the results known so far, in order
let complete = false; // whether every index part has been searched for them
let runId = 0;
let busyFor = null; // the search whose next batch of results is being shown

function readState() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const [name, param] of config.filters) {
    const values = params.getAll(param).filter(Boolean);
    if (values.length) filters[name] = values;
  }
  const q = plainQuery(params.get("q") || "");
  return { q, words: wordsFor.get(q) ?? searchWords(q), sort: params.get("sort") === "asc" ? "asc" : "desc", filters };
}

// Invisible characters that text copied from a PDF, Word or a web page keeps (soft hyphen,
// zero-width space, word joiner, byte-order mark; in a query also direction marks) are
// not in the index (the build drops them): a query keeps none either. The index holds "ü"
// as one character (NFC), as the build reads it: so does a query, however it was typed.
// A phrase in the quotes a German keyboard types („…“, »…«, “…”) is one, as in "…".
const plainQuery = (q) =>
  q.replace(/[\u00ad\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"').normalize("NFC").trim();

// Symbols that begin or end a word ("€" of "25.000 €" or "3.000€", also within a
// phrase's quotes): Pagefind's index has the words without them, but its search keeps
// them (it drops only punctuation), and so found nothing for the query. A currency
// written as a word after an amount ("50.000 EUR", "50.000 Euro") is left to the amount
// as well, where no word of a phrase follows it: papers write the same amount in all
// three ways, and every word of a query must be on the pages it finds.
//
// The content's function words (German "am", "des", "für": pages.FUNCTION_WORDS) are left
// out of a query, but in a phrase or where it has no other word: each word of a query
// must be on the pages it finds, and a session's page, a few lines, has none of them
// ("Kreistag am 31.03.2021" did not find the session "Kreistag, 31.03.2021"; a paper's
// text has them all, so leaving them out finds what it did).
const FUNCTION_WORDS = new Set(config.functionWords || []);
const isFunctionWord = (word) => FUNCTION_WORDS.has(word.toLocaleLowerCase());
const withoutFunctionWords = (text) =>
  text.split(/(\s+)/).filter((word) => !isFunctionWord(word)).join("");

const searchWords = (q) => {
  const parts = q.replace(/(^|[\s"])\p{S}+|\p{S}+(?=["\s]|$)/gu, "$1")
    .split(/("[^"]*")/) // the phrases at odd places
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/(\d)\s+(?:eur|euro)(?=\s|$)/giu, "$1");
      const phrase = part.slice(1, -1).replace(/(\d)\s+(?:eur|euro)\s*$/iu, "$1").trim();
      return phrase ? `"${phrase}"` : " ";
    });
  const others = parts.map((part, i) => (i % 2 === 0 ? withoutFunctionWords(part) : part));
  const kept = /[^\s"]/.test(others.join("")) ? others : parts;
  return kept.join("").replace(/\s+/g, " ").trim() || q;
};

function writeState(state, replace) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [name, param] of config.filters) {
    for (const value of state.filters[name] || []) params.append(param, value);
  }
  if (state.sort === "asc") params.set("sort", "asc");
  const query = params.toString();
  const url = window.location.pathname + (query ? "?" + query : "");
  if (replace) {
    window.history.replaceState(null, "", url);
  } else {
    remember({ scroll: window.scrollY }); // where the results before were, for "back"
    window.history.pushState(null, "", url);
  }
}

// Going back to the results (from a result, or a reload) showed the first ten again, at
// the top of the page: how many were shown and how far the page was scrolled are kept
// in the history entry, and given back once the results are on screen (see run).
window.history.scrollRestoration = "manual";

function remember(values) {
  window.history.replaceState({ ...(window.history.state || {}), ...values }, "");
}

window.addEventListener("pagehide", () => remember({ scroll: window.scrollY }));

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
function excerptNode(excerpt, attrs) {
  const p = el("p", { class: "excerpt", ...attrs });
  const parts = (excerpt || "").split(/(<mark>|<\/mark>)/);
  let marked = null;
  for (const [i, part] of parts.entries()) {
    if (part === "<mark>") { marked = el("mark"); p.append(marked); continue; }
    if (part === "</mark>") { marked = null; continue; }
    // the page's words from somewhere in it: not from a separator ("· 2021/7/014 …")
    const text = i === 0 ? decode(part).replace(/^[\s·•|–—,;:]+/u, "") : decode(part);
    (marked || p).append(document.createTextNode(text));
  }
  return p;
}

// Pagefind escapes the excerpt's text (&lt; &amp;): decode it to text, never to markup.
const parser = new DOMParser();
const decode = (text) => (text.includes("&")
  ? parser.parseFromString(`<p>${text}</p>`, "text/html").documentElement.textContent : text);

const squash = (text) => (text || "").toLocaleLowerCase().replace(/[\p{P}\s]+/gu, "");

// Whether the paper's reference or one of its aliases is among ``wanted``: the query's
// runs of words, squashed ("2021/7/014", or "2021/7/014 Integrationskonzept" as a
// citation gives it; see referenceAt).
function isReferenceOf(meta, wanted) {
  return [meta.reference, ...(meta.aliases ? meta.aliases.split(" | ") : [])]
    .some((ref) => wanted.has(squash(ref)));
}

// The runs of neighbouring words of a query that have a digit, longest first
// ("Nr. 2021/7/014 Integration": "Nr. 2021/7/014 Integration" … "2021/7/014"), of at most
// RUN_WORDS words (a text pasted as the query has thousands of runs).
const RUN_WORDS = 8; // "A 2021 / 7 / 014" is six
function runsOf(q) {
  const words = q.split(/\s+/).filter(Boolean);
  const runs = [];
  for (let length = Math.min(words.length, RUN_WORDS); length > 0; length -= 1) {
    for (let i = 0; i + length <= words.length; i += 1) {
      const run = words.slice(i, i + length).join(" ");
      if (/\d/.test(run)) runs.push(run);
    }
  }
  return runs;
}

function resultNode(data, pinned) {
  const meta = data.meta || {};
  // Titles, excerpts and the paper's type are content: marked with its language when the
  // interface has another.
  const lang = config.contentLanguage ? { lang: config.contentLanguage } : {};
  const facts = [meta.type && el("span", lang, meta.type), meta.reference,
    formatDate(meta.date), meta.result].filter(Boolean);
  const link = el("a", { href: data.url, ...lang }, meta.title || data.url);
  return el("li", { class: "result" + (pinned ? " pinned" : "") },
    pinned ? el("p", { class: "badge" }, t.direct_hit) : null,
    el("h3", {}, link),
    el("p", { class: "meta" }, ...facts.flatMap((fact, i) => (i ? [" · ", fact] : [fact]))),
    excerptNode(data.excerpt, lang));
}

// One batch at a time: a second press (a double click) while the first batch is still
// coming showed it twice and skipped the next. The button stays enabled meanwhile
// (aria-disabled): a disabled button loses the keyboard focus to the page.
async function showMore() {
  const id = runId;
  if (busyFor === id) return;
  busyFor = id;
  more.setAttribute("aria-disabled", "true");
  try {
    await showBatch(id);
  } finally {
    if (busyFor === id) {
      busyFor = null;
      more.removeAttribute("aria-disabled");
    }
  }
}

async function showBatch(id) {
  if (!complete && shown + PAGE > current.length) {
    await collect(readState(), shown + PAGE, id); // the next parts load
    if (id !== runId) return;
    announce(readState());
  }
  const batch = current.slice(shown, shown + PAGE);
  const data = await Promise.all(batch.map(dataOf));
  if (id !== runId) return;
  const nodes = batch.map((item, i) => resultNode(data[i], item.pinned))
    .filter((node, i) => !(data[i].meta || {}).sentinel);
  list.append(...nodes);
  shown += batch.length;
  remember({ shown });
  const pressed = document.activeElement === more;
  more.hidden = complete && shown >= current.length;
  // The last batch hides the button that had the focus: it goes on to the first new result
  // (not back to the top of the page).
  if (pressed && more.hidden && nodes.length) nodes[0].querySelector("a").focus();
}

function renderFilters(state, counts) {
  // The control that had the focus (the box just ticked) has it again in the new list.
  const had = filterBox.contains(document.activeElement) ? document.activeElement : null;
  const wanted = had && (had.type === "checkbox" ? `${had.name}=${had.value}` : "reset");
  let focus = null;
  filterBox.replaceChildren();
  let any = false;
  for (const [name, param] of config.filters) {
    // A value chosen in the address that the index does not know (a year without papers, a
    // renamed topic) is shown too, ticked: else nothing would say why nothing is found.
    const chosen = new Set(state.filters[name] || []);
    const values = Object.entries(counts[name] || {})
      .filter(([value, count]) => count > 0 || chosen.has(value));
    for (const value of chosen) {
      if (!values.some(([known]) => known === value)) values.push([value, 0]);
    }
    if (!values.length) continue;
    any = true;
    values.sort((a, b) => name === config.yearFilter ? b[0].localeCompare(a[0]) : a[0].localeCompare(b[0], config.language));
    const fieldset = el("fieldset", {}, el("legend", {}, name));
    // A topic, committee or type is named as the content names it, in its language.
    const valueLang = config.contentLanguage && config.contentFilters.includes(name)
      ? { lang: config.contentLanguage } : {};
    values.forEach(([value, count], i) => {
      const id = `f-${param}-${i}`;
      const box = el("input", { type: "checkbox", id, name: param, value });
      box.checked = (state.filters[name] || []).includes(value);
      if (wanted === `${param}=${value}`) focus = box;
      box.addEventListener("change", () => {
        const next = readState();
        const chosen = new Set(next.filters[name] || []);
        if (box.checked) chosen.add(value); else chosen.delete(value);
        next.filters[name] = [...chosen];
        writeState(next);
        run();
      });
      fieldset.append(el("div", { class: "check" }, box,
        el("label", { for: id }, el("span", valueLang, value), ` (${count})`)));
    });
    filterBox.append(fieldset);
  }
  if (Object.keys(state.filters).length) {
    const reset = el("button", { type: "button", class: "secondary" }, t.filters_reset);
    reset.addEventListener("click", () => { const next = readState(); next.filters = {}; writeState(next); run(); });
    filterBox.append(reset);
    if (wanted === "reset") focus = reset;
  }
  filterDetails.hidden = !any;
  // Where the control is gone: the filter box, or the search field when the box is too.
  if (wanted) (focus || (any ? filterDetails.querySelector("summary") : input)).focus();
}

// The box's summary says how many filter values are chosen: "Treffer eingrenzen (2 gewählt)"
function markChosen(state) {
  const count = Object.values(state.filters).reduce((sum, values) => sum + values.length, 0);
  filterSummary.textContent = count
    ? `${filterHeading} (${t.filters_chosen.replace("{count}", () => count)})` : filterHeading;
}

async function run() {
  const id = ++runId;
  const state = readState();
  const kept = window.history.state || {}; // what this entry showed before (see remember)
  markChosen(state);
  input.value = state.q;
  sortSelect.value = state.sort;
  list.replaceChildren();
  more.hidden = true;
  if (!state.q) {
    filterDetails.hidden = true;
    status.textContent = t.results_hint;
    return;
  }
  status.textContent = t.searching;
  try {
    let reference = mayBeReference(state.q);
    if (reference && !wordsFor.has(state.q)) {
      const words = await referenceWords(state, id);
      if (id !== runId) return;
      wordsFor.set(state.q, words);
      state.words = words;
    }
    // A query of several words is a reference's only where one was found in it: words of
    // a reference's form ("für das Jahr 2024" is one of "OSR-Vorlage Nr. 171") searched
    // every part that has them, 836 KB for "Haushaltssatzung für das Jahr 2024".
    if (pagefindTerms(state.q).length > 1) reference &&= state.words !== searchWords(state.q);
    if (filterCounts) await countable(state); // then every part that can answer is searched
    if (id !== runId) return;
    // A reference ("2021/7/014") may be anywhere in the archive: it is pinned first only
    // when every part has been searched.
    await collect(state, reference ? Infinity : PAGE, id);
    if (id !== runId) return;
    if (reference) await pinReference(current, state.words);
    if (id !== runId) return;
    if (!current[0]?.pinned) await pinTitle(current, state.q);
    if (id !== runId) return;
    shown = 0;
    if (filterCounts) renderFilters(state, await valueCounts(state));
    if (id !== runId) return;
    await showMore();
    if (id !== runId) return;
    while (shown < (kept.shown || 0) && !more.hidden) {
      await showMore(); // as many as were shown before going to a result
      if (id !== runId) return;
    }
    // The status changes last: once it says how many, the results are on screen.
    announce(state);
    if (!filterCounts) await showFilters(state, id);
    if (id !== runId) return;
    if (kept.scroll) window.scrollTo(0, kept.scroll); // the page laid out as it was
  } catch (error) {
    console.error(error);
    status.textContent = t.search_failed;
  }
}

// A phrase of the query in the quotes that go within the status line's own:
// „Haushalt ‚Kreisumlage 2024‘“, not „Haushalt "Kreisumlage 2024"“.
function quotedWithin(q) {
  const [open, close] = [...(t.quotes_inner || '""')]; // a site's own older labels lack it
  return q.replace(/"([^"]*)"/g, (_, phrase) => open + phrase + close);
}

function announce(state) {
  const count = !complete ? t.results_at_least
    : current.length === 1 ? t.results_count_one : t.results_count;
  const filtered = Object.keys(state.filters).length && config.parts.length; // shown: see showFilters
  const none = filtered ? t.results_none_filtered : t.results_none;
  const query = quotedWithin(state.q);
  // Functions as replacements: a query's "$&" or "$`" is text, not a pattern.
  status.textContent = current.length || !complete
    ? count.replace("{count}", () => current.length).replace("{query}", () => query)
    : none.replace("{query}", () => query);
  const short = !complete ? t.filter_result_at_least
    : current.length === 1 ? t.filter_result_one : t.filter_result;
  // (a site's own search.html from before this line may lack it)
  if (filterCount) filterCount.textContent = short.replace("{count}", () => current.length);
}

// The index parts in the order of the sort: newest first, or oldest first.
const inOrder = (sort) => (sort === "asc" ? [...config.parts].reverse() : config.parts);

// Search the parts in the order of the sort, one more at a time, until ``need`` results
// are known or every part has been searched. The parts searched first come first in that
// order, so their results are the beginning of the whole list: a common word is answered
// from the newest part alone, and a phone downloads little.
async function collect(state, need, id) {
  const order = await answering(inOrder(state.sort), state.words);
  if (id !== runId) return;
  if (!order.length) { // nothing public yet, or no part has the words: no results
    current = [];
    complete = true;
    return;
  }
  for (;;) {
    const next = order.findIndex((part) => !loaded.has(part.path));
    const ready = next === -1 ? order.length : next;
    if (ready > 0) {
      const found = await searchLoaded(state);
      if (id !== runId) return;
      const searched = new Set(order.slice(0, ready).map((p) => p.exponent / config.bits));
      current = await matching(found.results.filter((r) => searched.has(partOf(r))), state.words);
      complete = ready === order.length;
      if (complete || current.length >= need) return;
    }
    await merge(order[ready]);
  }
}

// Which parts hold a word that each query word's stem begins (see word_map.py): only
// those can answer (elsewhere Pagefind falls back to other words, see isFallback), so only
// those are searched; a rare word or a reference loaded every part (340 KB at 10,000
// resolutions). A part the map does not name, or a map that cannot be read, is searched.
let wordMap = null; // the promise of the map's listing, null inside once it failed
const wordChunks = new Map(); // chunk name → the promise of its words
const answers = new Map(); // query → the promise of the names of the parts that answer

async function answering(order, q) {
  if (!answers.has(q)) answers.set(q, answeringParts(q));
  const parts = await answers.get(q);
  return parts ? order.filter((part) => parts.has(part.name)) : order;
}

// The map's listing (~3 KB at 10,000 resolutions, ~5 KB at 50,000) is asked for as the
// page loads: a query then waits only for the map's chunks it needs.
function wordMapListing() {
  if (!config.words || !config.parts.length) return Promise.resolve(null);
  wordMap = wordMap || fetch(config.words + "index.json")
    .then((response) => (response.ok ? response.json() : null)).catch(() => null);
  return wordMap;
}

async function answeringParts(q) {
  const terms = [...new Set(pagefindTerms(q).map(stem))].filter(Boolean);
  if (!terms.length) return null;
  const listing = await wordMapListing();
  if (!listing) return null;
  try {
    const holders = await Promise.all(terms.map((term) => partsWith(listing, term)));
    const named = new Set(listing.parts);
    return new Set(config.parts.map((part) => part.name).filter(
      (name) => !named.has(name) || holders.every((found) => found.has(name))));
  } catch (error) { // a chunk gone (a listing of the build before, kept by the browser)
    console.error(error);
    answers.clear();
    return null;
  }
}

// The words of one chunk of the map, each with its parts, asked for once.
function wordChunk(name) {
  if (!wordChunks.has(name)) {
    wordChunks.set(name, fetch(`${config.words}${name}.json`).then((response) => {
      if (!response.ok) throw new Error(`word map chunk ${name}: ${response.status}`);
      return response.json();
    }));
  }
  return wordChunks.get(name);
}

const partsIn = (code, names) => (code === "*" ? names
  : code.split(",").map((i) => names[Number(i)]));

// The names of the parts that hold a word ``term`` begins: the words it begins are
// neighbours in the map's order (strings compare by UTF-16 code units, as the map is
// sorted), so a chunk whose first word and the next chunk's both begin with it holds only
// such words (the listing names their parts); at most one chunk on each side is read.
async function partsWith(listing, term) {
  const { chunks, parts } = listing;
  const found = new Set();
  const edges = [];
  chunks.forEach(([first, name, code], i) => {
    const next = i + 1 < chunks.length ? chunks[i + 1][0] : null;
    const begins = first.startsWith(term);
    if (!begins && !(first < term && (next === null || next > term))) return;
    if (begins && next !== null && next.startsWith(term)) {
      partsIn(code, parts).forEach((part) => found.add(part));
    } else {
      edges.push(name);
    }
  });
  for (const words of await Promise.all(edges.map(wordChunk))) {
    for (const [word, code] of words) {
      if (word.startsWith(term)) partsIn(code, parts).forEach((part) => found.add(part));
    }
  }
  return found;
}

// One search over every part loaded, once those still loading are ready.
async function searchLoaded(state) {
  await Promise.all(merged.values());
  return pagefind.search(state.words, { filters: pagefindFilters(state), sort: { date: state.sort } });
}

// What each filter value would give when ticked: the other filters apply, the values
// already ticked in its own group do not (a second year widens the search to either
// year; counted with the first, every other year showed 0 and could not be ticked).
async function valueCounts(state) {
  const result = await counted(state.words, state.filters);
  for (const name of Object.keys(state.filters)) {
    const others = { ...state.filters };
    delete others[name];
    result[name] = (await counted(state.words, others))[name] || {};
  }
  return result;
}

// Pagefind's counts per filter value for a query and filters, of the results shown: its own
// counts hold the results of the parts that fall back for the query (see isFallback),
// which are dropped ("Jagdzentrum": 11 results; "Soziales (13)", which found none).
async function counted(q, filters) {
  if (!pagefind) return {}; // no part can answer: nothing loaded, nothing to count
  const search = await pagefind.search(q, { filters: pagefindFilters({ filters }) });
  const fallback = await judge(asItems(search.results), q);
  if (![...fallback.values()].some(Boolean)) return search.filters;
  const kept = config.parts.map(partName).filter((name) => fallback.get(Number(name)) === false);
  if (!kept.length) return {};
  const only = { ...pagefindFilters({ filters }), [PART]: { any: kept } };
  return (await pagefind.search(q, { filters: only })).filters;
}

function pagefindFilters(state) {
  const filters = {};
  for (const [name, values] of Object.entries(state.filters)) filters[name] = { any: values };
  return filters;
}

// Counts per filter value need every part that can answer the query (see answering), its
// word chunks and every filter chunk of it (a common word at 10,000 resolutions: ~500 KB
// instead of ~150): they are loaded only once the filter box is opened or a filter is set,
// and after the first results are on screen. Every part searched, the count is exact.
async function countable(state) {
  await Promise.all((await answering(config.parts, state.words)).map(merge));
  if (pagefind) await pagefind.filters(); // the filter chunks of the parts loaded, once each
}

async function showFilters(state, id) {
  const chosen = Object.keys(state.filters).length > 0;
  // On a phone a filter set in the address leaves the box closed (its values would push
  // the results a screen down, its counts load every part) unless nothing is found: then
  // the filters are what to change.
  const later = !filterDetails.open && (!chosen || (narrow.matches && current.length > 0));
  if (!config.parts.length || later) { // (no part: nothing public, no filter values)
    filterDetails.hidden = current.length === 0 && (!chosen || !config.parts.length);
    return;
  }
  await countable(state);
  filterCounts = true;
  if (id !== runId) return;
  filterDetails.open = true; // a filter set in the address is shown (see above)
  if (!complete) await collect(state, Infinity, id);
  if (id !== runId) return;
  const counts = await valueCounts(state);
  if (id !== runId) return;
  renderFilters(state, counts);
  announce(state);
  more.hidden = shown >= current.length;
}

// The index comes in parts by date (newest first in config.parts), each loaded only when
// a search needs it (see collect). The first part loaded is Pagefind's primary index;
// the others are merged into it. Each part's scores are multiplied by 2**exponent: a
// date-sorted score is a position within its part (below 2**bits), so the products order
// all results by part, then by date within the part.
const merged = new Map(); // part path → the promise of its loading
const loaded = new Set(); // the paths of the parts loaded
let primary = null; // the promise of the first part's loading

function merge(part) {
  if (!merged.has(part.path)) {
    // Each page is marked with its part (a filter of Pagefind's own, not shown): the
    // counts per filter value leave out the parts that fall back (see counted).
    const weight = { baseUrl: config.base, indexWeight: 2 ** part.exponent,
      mergeFilter: { [PART]: partName(part) } };
    const loading = primary
      ? primary.then(() => pagefind.mergeIndex(part.path, weight))
      : (primary = (async () => {
        const module = await import(part.path + "pagefind.js");
        await module.options({ basePath: part.path, ...weight });
        await module.init();
        pagefind = module;
      })());
    merged.set(part.path, loading.then(() => { loaded.add(part.path); }));
  }
  return merged.get(part.path);
}

const PART = "ratsinfo-part";
const partName = (part) => String(part.exponent / config.bits); // as partOf names it

// A result's part, from its score: position (1 to 2**bits - 1) times 2**(bits * part).
const partOf = (result) => Math.floor(Math.log2(Math.abs(result.score)) / config.bits);

// Pagefind's own search term for a query (pagefind_web_js coupled_search.ts, search()):
// lower case, without punctuation (\p{Pd} \p{Pe} \p{Pf} \p{Pi} \p{Po} \p{Ps}), without
// diacritics, one term per word; each term stemmed then (search.rs, stems_from_term).
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;
const plain = (text) => text.toLocaleLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
  .normalize("NFC");
const pagefindTerms = (q) => plain(q.replace(PUNCTUATION, "")).split(/\s+/).filter(Boolean);

// Pagefind's stemmer for the index's language, German ("de" in make.py): Snowball 3.0.0's
// german.sbl as pagefind_stem 1.0.0 compiles it (Pagefind 1.5.2), for a word as Pagefind
// gives it (lower case, without diacritics: "ä" only from "ae"). Regions R1 and R2 as
// snowballstem.org describes them; the suffixes of each step, longest first.
const VOWEL = /^[aeiouyäöü]$/;
const STEP1 = ["erinnen", "erin", "lns", "ern", "em", "en", "er", "es", "ln", "e", "s"];
const STEP2 = ["est", "en", "er", "et", "st"];
const STEP3 = ["heit", "keit", "lich", "isch", "end", "ung", "ig", "ik"];
const NOT_ET = ["tick", "plan", "geordn", "intern", "tr"]; // "…tet" kept after these

function stem(word) {
  const w = [...word];
  const vowel = (i) => VOWEL.test(w[i] ?? "");
  // A "u" or "y" between vowels is a consonant ("U", "Y" until the end: "bauen", "bau");
  // "ß" is "ss", and "ae" "oe" "ue" are "ä" "ö" "ü" (but not the "ue" of "qu…").
  for (let i = 1; i < w.length - 1; i += 1) {
    if ((w[i] === "u" || w[i] === "y") && vowel(i - 1) && vowel(i + 1)) w[i] = w[i].toUpperCase();
  }
  w.splice(0, w.length, ...w.join("").replace(/ß/g, "ss").replace(/qu|([aou])e/g,
    (pair, letter) => (letter ? letter + "\u0308" : pair)).normalize("NFC"));
  // R1 begins after the first consonant after a vowel (after the third letter at the
  // earliest), R2 after the next such consonant.
  const after = (from) => {
    let i = from;
    while (i < w.length && !vowel(i)) i += 1;
    while (i < w.length && vowel(i)) i += 1;
    return i < w.length ? i + 1 : w.length;
  };
  let r1 = w.length, r2 = w.length;
  if (w.length >= 3) {
    const end = after(0);
    [r1, r2] = [Math.max(end, 3), after(end)];
  }
  const ends = (x, at = w.length) => at >= x.length && w.slice(at - x.length, at).join("") === x;
  const cut = (list, region) => { // the longest suffix of the list, if it begins in region
    const x = list.find((suffix) => ends(suffix));
    return x && w.length - x.length >= region ? [x, w.length - x.length] : [];
  };
  let [x, at] = cut(STEP1, r1);
  if (x === "em") { if (!ends("syst", at)) w.length = at; }
  else if (x === "s") { if (/^[bdfghklmnrt]$/.test(w[at - 1])) w.length = at; }
  else if (x === "ln" || x === "lns") w.splice(at + 1);
  else if (x) {
    w.length = at;
    if (["e", "en", "es"].includes(x) && ends("niss")) w.length -= 1; // "Ergebnisse"
  }
  [x, at] = cut(STEP2, r1);
  if (x === "st") { if (/^[bdfghklmnt]$/.test(w[at - 1]) && at > 3) w.length = at; }
  else if (x === "et") {
    if (/^[Udfgklmnrstzä]$/.test(w[at - 1]) && !NOT_ET.some((y) => ends(y, at))) w.length = at;
  } else if (x) w.length = at;
  [x, at] = cut(STEP3, r2);
  if (["ig", "ik", "isch"].includes(x)) { if (w[at - 1] !== "e") w.length = at; }
  else if (x) {
    w.length = at;
    if (x === "end" || x === "ung") {
      if (ends("ig") && w[at - 3] !== "e" && at - 2 >= r2) w.length = at - 2;
    } else if (x === "keit") {
      const y = ["lich", "ig"].find((z) => ends(z));
      if (y && at - y.length >= r2) w.length = at - y.length;
    } else if ((ends("er") || ends("en")) && at - 2 >= r1) w.length = at - 2;
  }
  return w.join("").replace(/[UYäöü]/g, (c) => c.toLowerCase().normalize("NFD")[0]);
}

// The words Pagefind indexes for a word as written (splitting.rs, get_indexable_words): its
// letters and digits ("Kreis-Umlage": "kreisumlage"); for a word of several parts also
// each part of two bytes or more, split at ASCII punctuation and where convert_case splits
// words: at a capital after a small letter or before one ("ThürÖPNVG": "thür", "öpnvg";
// "DigitalPakt"), between a letter and a digit ("CO2-Anlage": "co", "anlage").
const CASES =
  /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;
const bytes = (text) => new TextEncoder().encode(text).length; // Pagefind's str::len

function formsOf(written) {
  const whole = plain(written.replace(/[^\p{L}\p{N}]+/gu, ""));
  if (!whole || !/[^\p{L}\p{N}]|.\p{Lu}/u.test(written)) return whole ? [whole] : [];
  const parts = written.replace(/[!-/:-@[-`{-~]/g, " ").split(/\s+/)
    .flatMap((word) => word.split(CASES)).filter(Boolean).map(plain);
  const joined = parts.join(" ");
  return joined.includes(" ") || !whole.startsWith(joined)
    ? [whole, ...parts.filter((part) => bytes(part) > 1)] : [whole];
}

// Where a part lacks every word that begins with a query word's stem, Pagefind falls back to
// the longest indexed word that begins the stem (search.rs, find_word_extensions): "grund"
// for "Grundstücksangelegenheit", highlighting "Gründen"; "landrat" for "Landrätin". Such
// a part's results are no hits and are dropped (see matching). Every word of a page's text
// and of its metadata fields ("angenommen", a date) is indexed: so a part falls back for a
// query word exactly when a result of it has no word whose stem begins with the word's.
// (A word's stem begins with its first letter: only words that begin as a query word's
// stem does are stemmed, a twentieth of a page's words or so.)
function isFallback(data, q) {
  const terms = pagefindTerms(q).map(stem);
  const heads = new Set(terms.map((term) => term[0]));
  const written = [data.content || "", ...Object.values(data.meta || {})].join(" ");
  const words = new Set(written.split(/\s+/)); // each once: a page with attachment text
  const stems = [...new Set([...words].flatMap(formsOf))] // has 60,000 characters
    .filter((word) => heads.has(word[0] === "\u00df" ? "s" : word[0])).map(stem);
  return terms.some((term) => !stems.some((word) => word.startsWith(term)));
}

// Whether each index part falls back for the query (its results are no hits): decided
// once per part and query, from the first result of the part that a search gives.
// (Kept per query: a reference typed with spaces is also searched as one word, see
// referenceWords.)
const verdicts = new Map(); // query → (part → whether it falls back)

async function judge(items, q) {
  if (!verdicts.has(q)) verdicts.set(q, new Map());
  const parts = verdicts.get(q);
  const first = new Map();
  for (const item of items) {
    const part = partOf(item.result);
    if (!parts.has(part) && !first.has(part)) first.set(part, item);
  }
  await Promise.all([...first].map(async ([part, item]) => {
    parts.set(part, isFallback(await dataOf(item), q));
  }));
  return parts;
}

const asItems = (results) => results.filter((r) => r.score !== 0) // 0: a part's sentinel
  .map((result) => ({ result, pinned: false, data: null }));

async function matching(results, q) {
  const items = asItems(results);
  const fallback = await judge(items, q);
  return items.filter((item) => !fallback.get(partOf(item.result)));
}

async function dataOf(item) {
  item.data = item.data || await item.result.data();
  return item.data;
}

// The form of a reference: each run of digits 9, of letters a, of anything else - (the
// rule of pages.reference_shape, which gives the forms of the archive's references).
const shapeOf = (text) => [...text.normalize("NFC")]
  .map((c) => (/[0-9]/.test(c) ? "9" : /\p{L}/u.test(c) ? "a" : "-"))
  .filter((kind, i, all) => kind !== all[i - 1]).join("").replace(/^-+|-+$/g, "");

// The runs of the query's words of the form of one of the archive's references or
// aliases ("2021 / 7 / 014" of "Vorlage Nr. 2021 / 7 / 014" or of "2021 / 7 / 014
// Integrationskonzept"): only for such a query is every part searched (a common query
// with a number, "Haushalt 2024", costs what a word does).
function referenceRuns(q) {
  const shapes = new Set(config.referenceShapes || []);
  return runsOf(q).filter((run) => shapes.has(shapeOf(run)));
}

const mayBeReference = (q) => referenceRuns(q).length > 0;

// A reference or alias typed as the query, or among its words, puts that paper first
// ("Direkttreffer").
async function pinReference(items, q) {
  pin(items, await referenceAt(items, q));
}

// A result whose title is the query ("Kreistag 31.03.2021" or "Kreistag am 31.03.2021" for
// the session "Kreistag, 31.03.2021", or a paper's title typed out; function words aside)
// is put first, where it is among the first results (their data are loaded to show them
// in any case).
async function pinTitle(items, q) {
  const titleKey = (text) => squash(withoutFunctionWords(text || ""));
  const wanted = titleKey(q);
  if (!wanted) return; // function words only ("die"): no title is meant
  const data = await Promise.all(items.slice(0, PAGE).map(dataOf));
  pin(items, data.findIndex((d) => !(d.meta || {}).sentinel
    && titleKey((d.meta || {}).title) === wanted));
}

// The result at ``found`` (none: -1) goes first, as a direct hit.
function pin(items, found) {
  if (found < 0) return;
  const [item] = items.splice(found, 1);
  item.pinned = true;
  items.unshift(item);
}

// Where among the first results (50, or ``within``) is the paper of that reference or
// alias, or -1.
async function referenceAt(items, q, within = 50) {
  const wanted = new Set(runsOf(q).map(squash).filter(Boolean)); // once, not per result
  for (let start = 0; start < Math.min(items.length, within); start += 10) {
    const batch = items.slice(start, start + 10);
    const found = (await Promise.all(batch.map(dataOf)))
      .findIndex((data) => isReferenceOf(data.meta || {}, wanted));
    if (found >= 0) return start + found;
  }
  return -1;
}

// A reference typed with spaces ("2021 / 7 / 014", as printed papers space it) is several
// words, which its paper need not all have ("7" is no word of it), and one named as papers
// and the press name it ("Beschlussvorlage Nr. 2021/7/014", or cited with its title) has
// words its page lacks ("Nr" is a label, not indexed): when a run of the query's words
// of a reference's form, joined, is a paper's reference or alias ("20217014", as Pagefind
// reads "2021/7/014"), the longest such is searched, whatever the filters (the answer is
// kept for the query).
const wordsFor = new Map(); // query → the words searched for it

async function referenceWords(state, id) {
  if (pagefindTerms(state.q).length < 2) return state.words;
  for (const word of new Set(referenceRuns(state.q).map((run) => pagefindTerms(run).join("")))) {
    await collect({ ...state, words: word, filters: {} }, Infinity, id);
    if (id !== runId) return state.words;
    // its paper is among the first results of its own reference (each result looked at
    // costs a download: 50 of a common number, "Nr. 12", took 190 KB)
    if (await referenceAt(current, word, 10) >= 0) return word;
  }
  return state.words;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const state = readState();
  state.q = plainQuery(input.value);
  writeState(state);
  run();
});
sortSelect.addEventListener("change", () => {
  const state = readState();
  state.sort = sortSelect.value;
  writeState(state);
  run();
});
more.addEventListener("click", () => showMore().catch((error) => {
  console.error(error);
  status.textContent = t.search_failed;
}));
filterDetails.addEventListener("toggle", () => {
  if (filterDetails.open && !filterCounts && pagefind && readState().q) {
    showFilters(readState(), runId).catch((error) => console.error(error));
  }
});
window.addEventListener("popstate", () => run());
root.hidden = false;
wordMapListing();
run();
