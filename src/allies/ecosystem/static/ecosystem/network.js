/* Ecosystem network view: a small self-contained force layout drawn in SVG (no library, no CDN).
 *
 * Reads the graph from <script id="network-data" type="application/json"> (the same nodes and
 * edges as GET /api/v1/ecosystem/network), lays it out with a seeded Fruchterman-Reingold
 * simulation, and draws it. Wheel zooms, dragging the background pans, dragging a node moves it,
 * clicking a node highlights its relations and shows its details. Elements with
 * data-highlight="id1,id2" highlight those nodes when clicked (used by the suggestions list).
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = {agreement: "#0d6efd", customers: "#20c997", referral: "#fd7e14", initiative: "#6f42c1",
                pilot: "#198754", business: "#6c757d"};
  var STAGE_COLORS = {prospect: "#adb5bd", contacted: "#9ec5fe", due_diligence: "#ffda6a", pilot: "#75b798",
                      active: "#198754", paused: "#e685b5", exited: "#6c757d", rejected: "#dee2e6"};

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function rng(seed) {  // mulberry32: the same graph gets the same picture
    return function () {
      seed |= 0; seed = seed + 0x6D2B79F5 | 0;
      var t = Math.imul(seed ^ seed >>> 15, 1 | seed);
      t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
      return ((t ^ t >>> 14) >>> 0) / 4294967296;
    };
  }

  function layout(nodes, edges, width, height) {
    var random = rng(7), n = nodes.length, area = width * height;
    var k = Math.sqrt(area / Math.max(n, 1)) * 0.75, index = {};
    nodes.forEach(function (d, i) {
      index[d.id] = i;
      if (d.kind === "us") { d.x = width / 2; d.y = height / 2; }
      else {
        var a = 2 * Math.PI * random(), r = (0.25 + 0.7 * random()) * Math.min(width, height) / 2;
        d.x = width / 2 + r * Math.cos(a); d.y = height / 2 + r * Math.sin(a);
      }
    });
    var links = edges.map(function (e) { return [index[e.source], index[e.target], e.strength]; })
                     .filter(function (l) { return l[0] !== undefined && l[1] !== undefined; });
    var iterations = n > 300 ? 120 : 300, t = width / 8;
    for (var it = 0; it < iterations; it++) {
      var dx = new Float64Array(n), dy = new Float64Array(n), i, j;
      for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
          var x = nodes[i].x - nodes[j].x, y = nodes[i].y - nodes[j].y, d2 = x * x + y * y + 0.01;
          var f = k * k / d2;
          dx[i] += x * f; dy[i] += y * f; dx[j] -= x * f; dy[j] -= y * f;
        }
      }
      links.forEach(function (l) {
        var a = nodes[l[0]], b = nodes[l[1]], x = a.x - b.x, y = a.y - b.y, d = Math.sqrt(x * x + y * y) + 0.01;
        var f = d / k * (0.5 + l[2]);
        dx[l[0]] -= x / d * f * d / 2; dy[l[0]] -= y / d * f * d / 2;
        dx[l[1]] += x / d * f * d / 2; dy[l[1]] += y / d * f * d / 2;
      });
      for (i = 0; i < n; i++) {  // a little gravity keeps isolated organisations in view
        dx[i] -= (nodes[i].x - width / 2) * 0.05; dy[i] -= (nodes[i].y - height / 2) * 0.05;
      }
      for (i = 0; i < n; i++) {
        if (nodes[i].kind === "us") { continue; }
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 0.01, step = Math.min(len, t);
        nodes[i].x += dx[i] / len * step; nodes[i].y += dy[i] / len * step;
        nodes[i].x = Math.max(30, Math.min(width - 90, nodes[i].x));
        nodes[i].y = Math.max(30, Math.min(height - 30, nodes[i].y));
      }
      t *= 0.985;
    }
    return index;
  }

  function init(container) {
    var data = JSON.parse(document.getElementById(container.dataset.source).textContent);
    var width = container.clientWidth || 800, height = parseInt(container.dataset.height || "560", 10);
    var nodes = data.nodes, edges = data.edges;
    var index = layout(nodes, edges, width, height);
    var svg = el("svg", {width: "100%", height: height, viewBox: "0 0 " + width + " " + height,
                         role: "img", "aria-label": container.dataset.label || "network", class: "network-svg"});
    container.appendChild(svg);
    var view = el("g", {}, svg), edgeLayer = el("g", {}, view), nodeLayer = el("g", {}, view);
    var scale = 1, tx = 0, ty = 0;
    function apply() { view.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + scale + ")"); }

    // several relation types between the same two organisations are drawn as separate curves
    var pairCount = {}, pairSeen = {};
    edges.forEach(function (e) { var k = [e.source, e.target].sort().join("|"); pairCount[k] = (pairCount[k] || 0) + 1; });
    function curve(a, b, bend) {
      var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, dx = b.x - a.x, dy = b.y - a.y;
      var len = Math.sqrt(dx * dx + dy * dy) || 1;
      return "M" + a.x + " " + a.y + " Q" + (mx - dy / len * bend) + " " + (my + dx / len * bend) + " " + b.x + " " + b.y;
    }
    var edgeEls = edges.map(function (e) {
      var a = nodes[index[e.source]], b = nodes[index[e.target]], k = [e.source, e.target].sort().join("|");
      var i = pairSeen[k] = (pairSeen[k] || 0) + 1;
      var bend = (i - 1 - (pairCount[k] - 1) / 2) * 16;
      var line = el("path", {d: curve(a, b, bend), fill: "none", stroke: COLORS[e.type] || "#999",
                             "stroke-width": 1 + 3 * e.strength, "stroke-opacity": 0.55,
                             "data-type": e.type, class: "network-edge"}, edgeLayer);
      el("title", {}, line).textContent = a.label + " — " + b.label + " · " + e.type_label +
        (e.labels.length ? "：" + e.labels.join("；") : "");
      return {edge: e, line: line, bend: bend};
    });
    var nodeEls = nodes.map(function (d) {
      var g = el("g", {class: "network-node", "data-id": d.id, transform: "translate(" + d.x + "," + d.y + ")",
                       tabindex: "0"}, nodeLayer);
      var r = d.kind === "us" ? 16 : 7 + Math.min(9, Math.sqrt(d.degree) * 2);
      el("circle", {r: r, fill: d.kind === "us" ? "#dc3545" : (STAGE_COLORS[d.stage] || "#0d6efd"),
                    stroke: "#fff", "stroke-width": 2}, g);
      var text = el("text", {x: r + 3, y: 4, "font-size": 12, fill: "#212529"}, g);
      text.textContent = d.label;
      el("title", {}, g).textContent = d.label + (d.stage_label ? " · " + d.stage_label : "");
      return {node: d, g: g};
    });

    function position() {
      nodeEls.forEach(function (n) { n.g.setAttribute("transform", "translate(" + n.node.x + "," + n.node.y + ")"); });
      edgeEls.forEach(function (e) {
        e.line.setAttribute("d", curve(nodes[index[e.edge.source]], nodes[index[e.edge.target]], e.bend));
      });
    }

    var info = document.getElementById(container.dataset.info);
    function highlight(ids) {
      var set = {}, near = {};
      ids.forEach(function (id) { set[id] = true; near[id] = true; });
      edgeEls.forEach(function (e) {
        var on = ids.length && (set[e.edge.source] || set[e.edge.target]);
        if (on) { near[e.edge.source] = true; near[e.edge.target] = true; }
        e.line.setAttribute("stroke-opacity", !ids.length ? 0.55 : (on ? 0.9 : 0.08));
      });
      nodeEls.forEach(function (n) {
        n.g.setAttribute("opacity", !ids.length || near[n.node.id] ? 1 : 0.25);
        n.g.classList.toggle("selected", !!set[n.node.id]);
      });
    }
    function describe(d) {
      if (!info) { return; }
      info.innerHTML = "";
      var h = document.createElement("div"); h.className = "fw-bold";
      if (d.url) { var a = document.createElement("a"); a.href = d.url; a.textContent = d.label; h.appendChild(a); }
      else { h.textContent = d.label; }
      info.appendChild(h);
      var meta = [d.stage_label, d.industry, (d.resources || []).join(" / ")].filter(Boolean).join(" · ");
      if (meta) { var m = document.createElement("div"); m.className = "small text-secondary"; m.textContent = meta; info.appendChild(m); }
      var ul = document.createElement("ul"); ul.className = "small mb-0 ps-3";
      edges.forEach(function (e) {
        if (e.source !== d.id && e.target !== d.id) { return; }
        var other = nodes[index[e.source === d.id ? e.target : e.source]];
        var li = document.createElement("li");
        li.textContent = other.label + " · " + e.type_label + (e.labels.length ? "：" + e.labels.join("；") : "");
        ul.appendChild(li);
      });
      info.appendChild(ul);
    }

    var drag = null, pan = null, moved = false;
    function point(evt) {
      var rect = svg.getBoundingClientRect(), sx = width / rect.width, sy = height / rect.height;
      return {x: ((evt.clientX - rect.left) * sx - tx) / scale, y: ((evt.clientY - rect.top) * sy - ty) / scale,
              rx: evt.clientX, ry: evt.clientY};
    }
    nodeEls.forEach(function (n) {
      n.g.addEventListener("pointerdown", function (evt) { drag = n.node; moved = false; evt.stopPropagation(); });
      n.g.addEventListener("click", function () { if (!moved) { highlight([n.node.id]); describe(n.node); } });
      n.g.addEventListener("keydown", function (evt) { if (evt.key === "Enter") { highlight([n.node.id]); describe(n.node); } });
    });
    svg.addEventListener("pointerdown", function (evt) { pan = {x: evt.clientX, y: evt.clientY, tx: tx, ty: ty}; });
    svg.addEventListener("pointermove", function (evt) {
      if (drag) { var p = point(evt); drag.x = p.x; drag.y = p.y; moved = true; position(); }
      else if (pan) { tx = pan.tx + evt.clientX - pan.x; ty = pan.ty + evt.clientY - pan.y; apply(); }
    });
    window.addEventListener("pointerup", function () { drag = null; pan = null; });
    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var factor = evt.deltaY < 0 ? 1.1 : 1 / 1.1;
      scale = Math.max(0.3, Math.min(4, scale * factor)); apply();
    }, {passive: false});
    svg.addEventListener("dblclick", function () { scale = 1; tx = 0; ty = 0; apply(); highlight([]); });

    document.querySelectorAll("[data-highlight]").forEach(function (b) {
      b.addEventListener("click", function () {
        var ids = b.dataset.highlight.split(",");
        highlight(ids);
        container.scrollIntoView({behavior: "smooth", block: "center"});
      });
    });
    container.dataset.ready = "1";
  }

  function start() {
    document.querySelectorAll("[data-network]").forEach(init);
    document.querySelectorAll("form[data-autosubmit]").forEach(function (f) {
      f.addEventListener("change", function () { f.submit(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
