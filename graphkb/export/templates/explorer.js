// graphkb explorer: draws the graph with vis-network and builds search, filters, legend and side panel.
// Every string from the data goes into the page through textContent, never as markup; links only for http(s).
(function () {
  "use strict";

  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var NODES = read("gkb-nodes"), EDGES = read("gkb-edges"), DATA = read("gkb-data"), PHYSICS = read("gkb-physics");
  var META = DATA.meta, SEARCH = DATA.search;
  var INFO = null;  // the side panel's details: the largest part of the page, parsed on first use
  function info(i) { if (INFO === null) INFO = read("gkb-info"); return INFO[i]; }

  var KINDS = {
    post: {name: "Posts", one: "post", shape: "dot", colour: "#4e79a7", symbol: "\u25cf"},
    concept: {name: "Concepts", one: "concept", shape: "diamond", colour: "#f28e2b", symbol: "\u25c6"},
    work: {name: "Cited works", one: "cited work", shape: "square", colour: "#9c755f", symbol: "\u25a0"},
    series: {name: "Series", one: "series", shape: "triangle", colour: "#59a14f", symbol: "\u25b2"}
  };
  var EDGE_STYLE = {
    mentions: {name: "mentions", colour: "#c8c8c8", arrow: false},
    cites: {name: "cites", colour: "#5b84c4", arrow: true},
    broader: {name: "broader", colour: "#e39b4f", arrow: true},
    partOf: {name: "part of series", colour: "#7dbb74", arrow: true}
  };
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                 "#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#8c564b"];
  var OTHER = "#b5b5b5", FADED = "rgba(200,200,200,0.25)", FADED_TEXT = "rgba(0,0,0,0.2)", TEXT = "#222";
  var FONT = "system-ui, \"WenQuanYi Micro Hei\", \"Noto Sans CJK SC\", \"PingFang SC\", \"Microsoft YaHei\", sans-serif";
  var MAX_RESULTS = 20;
  var N = NODES.length;

  var state = {colour: "type", focus: null, near: null, dim: new Array(N).fill(false), hidden: new Array(N).fill(false),
               hits: []};

  // ---- small DOM helpers (text only) ------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function safeHref(u) {
    if (typeof u !== "string") return null;
    try {
      var x = new URL(u);
      return (x.protocol === "http:" || x.protocol === "https:") ? x.href : null;
    } catch (e) { return null; }
  }
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  // ---- the network ------------------------------------------------------------------------------
  function baseColour(i) {
    var n = NODES[i];
    if (state.colour === "community") return n.community < PALETTE.length ? PALETTE[n.community] : OTHER;
    return KINDS[n.kind].colour;
  }
  function look(i) {
    var dim = state.dim[i];
    return {id: i, color: dim ? FADED : baseColour(i), font: {color: dim ? FADED_TEXT : TEXT}};
  }
  var nodes = new vis.DataSet(NODES.map(function (n, i) {
    var v = look(i);
    v.label = n.label; v.title = n.full || n.label; v.x = n.x; v.y = n.y; v.size = n.size;
    v.shape = KINDS[n.kind].shape;
    return v;
  }));
  function visEdge(i) {
    var e = EDGES[i], s = EDGE_STYLE[META.edge_kinds[e[2]]] || EDGE_STYLE.mentions;
    return {id: i, from: e[0], to: e[1], color: {color: s.colour, highlight: "#333", opacity: 0.7},
            arrows: {to: {enabled: s.arrow, scaleFactor: 0.4}}};
  }
  function edgeRange(lo, hi) { var out = []; for (var i = lo; i < hi; i++) out.push(visEdge(i)); return out; }
  // the first links come with the nodes (the data lists the most telling first); the rest follow in batches
  var firstEdges = Math.min(EDGES.length, META.first_edges), drawnEdges = Math.min(EDGES.length, META.edge_limit);
  var edges = new vis.DataSet(edgeRange(0, firstEdges));
  var big = N > 1500;
  var network = new vis.Network($("graph"), {nodes: nodes, edges: edges}, {
    physics: {enabled: PHYSICS},
    layout: {improvedLayout: false},
    nodes: {borderWidth: 1, font: {face: FONT, size: 14, color: TEXT}, scaling: {label: {drawThreshold: 6}}},
    edges: {smooth: false, width: 0.6, selectionWidth: 1.5},
    interaction: {hideEdgesOnDrag: big, hideEdgesOnZoom: big, tooltipDelay: 150, multiselect: false}
  });
  function addRest(lo) {
    if (lo >= drawnEdges) {
      window.gkbCompleteAt = performance.now();
      document.body.setAttribute("data-complete", "1");
      return;
    }
    var hi = Math.min(drawnEdges, lo + 1000);
    edges.add(edgeRange(lo, hi));
    setTimeout(function () { addRest(hi); }, 0);
  }
  network.once("afterDrawing", function () {
    window.gkbDrawnAt = performance.now();
    document.body.setAttribute("data-drawn", "1");
    setTimeout(function () { addRest(firstEdges); }, 0);
  });

  function recolour(all) {
    var changes = [];
    for (var i = 0; i < N; i++) {
      var dim = state.near !== null && !state.near.has(i);
      if (all || dim !== state.dim[i]) { state.dim[i] = dim; changes.push(look(i)); }
    }
    if (changes.length) nodes.update(changes);
  }

  // ---- counts, notice, legend, filters ----------------------------------------------------------
  $("counts").textContent = fmt(META.shown) + " of " + fmt(META.total) + " nodes and " + fmt(META.edges_shown) +
    " of " + fmt(META.edges_total) + " links drawn";

  var kindOn = {};
  Object.keys(KINDS).forEach(function (k) {
    kindOn[k] = true;
    if (!META.kinds[k]) return;
    var label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = k; box.id = "type-" + k;
    box.addEventListener("change", function () { kindOn[k] = box.checked; applyFilters(); });
    var sw = el("span", KINDS[k].symbol, "swatch");
    sw.style.color = KINDS[k].colour;
    var count = META.drawn[k] === META.kinds[k] ? fmt(META.kinds[k]) : fmt(META.drawn[k]) + " of " + fmt(META.kinds[k]);
    label.append(box, " ", sw, " " + KINDS[k].name + " (" + count + ")");
    $("types").appendChild(label);
  });

  function legend() {
    var box = $("legend");
    box.replaceChildren(el("strong", state.colour === "type" ? "Colour: type" : "Colour: community (largest first; grey: the rest)"));
    if (state.colour === "type") {
      Object.keys(KINDS).forEach(function (k) {
        if (!META.kinds[k]) return;
        var row = el("div"), sw = el("span", KINDS[k].symbol, "swatch");
        sw.style.color = KINDS[k].colour;
        row.append(sw, KINDS[k].one);
        box.appendChild(row);
      });
    } else {
      var sizes = {};
      NODES.forEach(function (n) { sizes[n.community] = (sizes[n.community] || 0) + 1; });
      PALETTE.forEach(function (c, j) {
        if (!sizes[j]) return;
        var row = el("div"), sw = el("span", "\u25cf", "swatch");
        sw.style.color = c;
        row.append(sw, "community " + (j + 1) + " (" + fmt(sizes[j]) + ")");
        box.appendChild(row);
      });
    }
    if (state.colour !== "type") {
      box.appendChild(el("div", "Shape: " + Object.keys(KINDS).filter(function (k) { return META.kinds[k]; })
        .map(function (k) { return KINDS[k].symbol + " " + KINDS[k].one; }).join("  ")));
    }
    box.appendChild(el("strong", "Links"));
    META.edge_kinds.forEach(function (k) {
      var s = EDGE_STYLE[k], row = el("div"), sw = el("span", s.arrow ? "\u2192" : "\u2014", "swatch");
      sw.style.color = s.colour;
      row.append(sw, s.name);
      box.appendChild(row);
    });
    box.appendChild(el("div", "Size: PageRank", "muted"));
  }
  legend();
  document.querySelectorAll("input[name=colour]").forEach(function (r) {
    r.addEventListener("change", function () { if (r.checked) { state.colour = r.value; recolour(true); legend(); } });
  });

  var from = $("year-from"), to = $("year-to"), noYear = $("no-year");
  META.years.forEach(function (y) {
    from.appendChild(el("option", y)).value = String(y);
    to.appendChild(el("option", y)).value = String(y);
  });
  if (META.years.length) { from.value = String(META.years[0]); to.value = String(META.years[META.years.length - 1]); }
  else { from.hidden = true; to.hidden = true; }
  if (!META.no_year) $("no-year-label").hidden = true;
  if (!META.years.length && !META.no_year) $("years").hidden = true;
  [from, to, noYear].forEach(function (c) { c.addEventListener("change", applyFilters); });

  function visible(i) {
    var n = NODES[i];
    if (!kindOn[n.kind]) return false;
    if (n.kind !== "post") return true;
    if (n.year === null || n.year === undefined) return noYear.checked;
    var lo = Number(from.value), hi = Number(to.value);
    if (lo > hi) { var t = lo; lo = hi; hi = t; }
    return !META.years.length || (n.year >= lo && n.year <= hi);
  }
  function applyFilters() {
    var changes = [];
    for (var i = 0; i < N; i++) {
      var h = !visible(i);
      if (h !== state.hidden[i]) { state.hidden[i] = h; changes.push({id: i, hidden: h}); }
    }
    if (changes.length) nodes.update(changes);
    if (state.focus !== null && state.hidden[state.focus]) clearFocus();
    runSearch();
  }

  // ---- search -----------------------------------------------------------------------------------
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().trim(); }
  var input = $("search"), results = $("results"), status = $("search-status");
  function runSearch() {
    var q = norm(input.value);
    results.replaceChildren();
    state.hits = [];
    if (!q) { status.textContent = ""; return; }
    var hidden = 0, hits = [];
    for (var i = 0; i < N; i++) {
      var hay = "\n" + SEARCH[i] + "\n";
      if (hay.indexOf(q) < 0) continue;
      if (state.hidden[i]) { hidden++; continue; }
      // an exact name first, then a name that starts with the query, then any; within each, by PageRank
      hits.push([hay.indexOf("\n" + q + "\n") >= 0 ? 0 : (hay.indexOf("\n" + q) >= 0 ? 1 : 2), i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    state.hits = hits.map(function (h) { return h[1]; });
    status.textContent = (hits.length ? fmt(hits.length) + " found" : "nothing found") +
      (hidden ? ", " + fmt(hidden) + " hidden by the filters" : "") +
      (META.truncated ? " among the nodes drawn" : "");
    state.hits.slice(0, MAX_RESULTS).forEach(function (i) {
      var li = el("li"), b = el("button");
      b.type = "button";
      b.textContent = KINDS[NODES[i].kind].symbol + " " + (NODES[i].full || NODES[i].label);
      b.addEventListener("click", function () { focusNode(i); });
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  input.addEventListener("input", runSearch);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && state.hits.length) { ev.preventDefault(); focusNode(state.hits[0]); }
  });

  // ---- focus, neighbourhood, side panel ---------------------------------------------------------
  var panel = $("panel"), adjacent = null;
  function neighbours(i) {
    // from the data rather than the network, whose links may still be arriving
    if (adjacent === null) {
      adjacent = NODES.map(function () { return []; });
      EDGES.forEach(function (e) { adjacent[e[0]].push(e[1]); adjacent[e[1]].push(e[0]); });
    }
    return adjacent[i];
  }
  function select(i) {
    state.focus = i;
    state.near = new Set([i].concat(neighbours(i)));
    recolour(false);
    showPanel(i);
  }
  function focusNode(i) {
    if (state.hidden[i]) return;
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: false});
    select(i);
  }
  function clearFocus() {
    state.focus = null; state.near = null;
    network.unselectAll();
    recolour(false);
    panel.hidden = true;
    panel.replaceChildren();
  }
  network.on("click", function (p) { if (p.nodes.length) select(p.nodes[0]); else clearFocus(); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && state.focus !== null) clearFocus(); });

  function fields(pairs) {
    var dl = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "" || (Array.isArray(p[1]) && !p[1].length)) return;
      dl.append(el("dt", p[0]));
      var dd = el("dd");
      if (p[1] instanceof Node) dd.appendChild(p[1]); else dd.textContent = String(p[1]);
      dl.append(dd);
    });
    return dl;
  }
  function refList(title, list, prefix) {
    var frag = document.createDocumentFragment();
    if (!list || !list.items.length) return frag;
    frag.append(el("h3", title + " (" + fmt(list.items.length + list.more) + ")"));
    var ul = el("ul");
    list.items.forEach(function (r) {
      var li = el("li");
      if (r[0] >= 0 && r[0] < N) {
        // a span, not a button: a button is an inline block, which breaks long names away from their bullet
        var b = el("span", r[1], "ref");
        b.setAttribute("role", "button"); b.tabIndex = 0;
        b.addEventListener("click", function () { focusNode(r[0]); });
        b.addEventListener("keydown", function (ev) { if (ev.key === "Enter") focusNode(r[0]); });
        li.append(b);
      } else {
        li.append(el("span", r[1]), el("span", " (not drawn)", "muted"));
      }
      if (r[2] !== null && r[2] !== undefined) li.append(el("span", " " + prefix + r[2], "muted"));
      ul.append(li);
    });
    if (list.more) ul.append(el("li", "and " + fmt(list.more) + " more", "muted"));
    frag.append(ul);
    return frag;
  }
  function evidence(title, rows) {
    var frag = document.createDocumentFragment();
    if (!rows || !rows.length) return frag;
    frag.append(el("h3", title));
    rows.forEach(function (r) { frag.append(el("div", r[0], "muted"), el("blockquote", r[1])); });
    return frag;
  }
  function link(d) {
    if (!d.url) return null;
    var href = safeHref(d.href);
    if (!href) return el("span", d.url + " (not a web link)");
    var a = el("a", d.url);
    a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function showPanel(i) {
    var d = info(i), kind = NODES[i].kind;
    panel.replaceChildren();
    var close = el("button", "\u00d7", "close");
    close.type = "button"; close.title = "close (Esc)";
    close.addEventListener("click", clearFocus);
    panel.append(close, el("h2", d.title || NODES[i].label), el("p", KINDS[kind].one, "kind"));
    if (kind === "post") {
      panel.append(fields([["date", d.date], ["readers", d.readers === null || d.readers === undefined ? null : fmt(d.readers)],
                           ["link", link(d)], ["category", d.category], ["tags", (d.tags || []).join(", ")],
                           ["untitled", d.untitled ? "the source prints no title; shown from its first words" : null]]));
      panel.append(refList("Top concepts", d.concepts, "\u00d7"), refList("Cites", d.cites, ""),
                   refList("Cited by", d.cited_by, ""), refList("Series", d.series, "#"),
                   evidence("Citation evidence", d.evidence));
    } else if (kind === "concept") {
      panel.append(fields([["labels", d.pref.map(function (p) { return p[1] + " @" + p[0]; }).join(" \u00b7 ")],
                           ["also", d.alt.map(function (p) { return p[1]; }).join(" \u00b7 ")],
                           ["discovered", d.discovered ? "learned from a definition in the text" : null],
                           ["definition", d.definition]]));
      if (d.evidence_text) panel.append(el("h3", "Defined by"), el("blockquote", d.evidence_text));
      panel.append(refList("Broader", d.broader, ""), refList("Narrower", d.narrower, ""),
                   refList("Mentioned in", d.mentioned_in, "\u00d7"));
    } else if (kind === "work") {
      panel.append(fields([["type", d.work_kind], ["confidence", d.confidence]]));
      panel.append(refList("Cited by", d.cited_by, ""), evidence("Citation evidence", d.evidence));
    } else {
      panel.append(refList("Posts", d.members, "#"));
    }
    panel.append(el("p", d.iri, "iri"));
    panel.hidden = false;
  }

  // for people poking at the page from the console, and for the browser tests
  window.gkb = {
    network: network,
    nodes: NODES,
    info: info,
    focus: focusNode,
    selected: function () { return state.focus === null ? null : info(state.focus).iri; },
    indexOf: function (iri) { for (var i = 0; i < N; i++) if (info(i).iri === iri) return i; return -1; }
  };
})();
