/* Sozialatlas: sortable tables, map links, search, compare, time series. No network. */
(function () {
  "use strict";
  var D = window.SOZ || {};
  var L = document.body.getAttribute("data-lang") || "de";
  var EN = {"hoch": "high", "sehr hoch": "very high", "mittel": "medium", "niedrig": "low",
    "sehr niedrig": "very low", "nicht bewertet": "not rated", "positiv": "positive",
    "stabil": "stable", "negativ": "negative"};
  function txt(de, en) { return L === "de" ? de : en; }
  function cls(v) {
    if (L === "de") return String(v);
    return String(v).split("/").map(function (p) { p = p.trim(); return EN[p] || p; }).join(" / ");
  }
  function fmt(v, d) {
    if (v === null || v === undefined) return "\u2013";
    if (typeof v !== "number") return cls(v);
    return v.toLocaleString(L === "de" ? "de-DE" : "en-GB",
      {minimumFractionDigits: d === undefined ? 1 : d, maximumFractionDigits: d === undefined ? 1 : d});
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var areaByKey = {}, MC = D.midcol || "mid";
  (D.areas || []).forEach(function (a) { a.mid = a[MC]; areaByKey[a.key] = a; });
  var midByKey = {};
  (D.mids || []).forEach(function (m) { midByKey[m.key] = m.name; });

  /* sortable tables: a button in every header; aria-sort says the order */
  function sortTable(table, th, col, type) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ca = a.cells[col], cb = b.cells[col];
      var x = ca.getAttribute("data-sort"), y = cb.getAttribute("data-sort");
      var r;
      if (type === "num") {
        var nx = x === "" || x === null ? NaN : parseFloat(x), ny = y === "" || y === null ? NaN : parseFloat(y);
        if (isNaN(nx) && isNaN(ny)) r = 0; else if (isNaN(nx)) return 1; else if (isNaN(ny)) return -1; else r = nx - ny;
      } else {
        r = ca.textContent.trim().localeCompare(cb.textContent.trim(), L);
      }
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("th button"), function (b) {
      b.addEventListener("click", function () {
        sortTable(table, b.parentNode, parseInt(b.getAttribute("data-col"), 10), b.getAttribute("data-type"));
      });
    });
  });

  /* map: click opens the area page; hovering a row highlights its area */
  Array.prototype.forEach.call(document.querySelectorAll("svg.map path.area"), function (p) {
    p.addEventListener("click", function () {
      var a = areaByKey[p.getAttribute("data-k")];
      if (a && a.page) window.location.href = a.page;
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable tbody tr"), function (tr) {
    function on(flag) {
      var k = tr.getAttribute("data-k");
      Array.prototype.forEach.call(document.querySelectorAll('svg.map path.area[data-k="' + k + '"]'), function (p) {
        p.classList.toggle("hl", flag);
      });
    }
    tr.addEventListener("mouseenter", function () { on(true); });
    tr.addEventListener("mouseleave", function () { on(false); });
    tr.addEventListener("focusin", function () { on(true); });
    tr.addEventListener("focusout", function () { on(false); });
  });

  /* search by area or municipality name */
  var q = document.getElementById("q");
  if (q) {
    var hits = document.getElementById("hits"), n = document.getElementById("hits-n");
    var run = function () {
      var s = q.value.trim().toLowerCase();
      hits.innerHTML = "";
      if (!s) { n.textContent = ""; return; }
      var found = (D.areas || []).filter(function (a) {
        return a.name.toLowerCase().indexOf(s) >= 0 || (midByKey[a.mid] || "").toLowerCase().indexOf(s) >= 0;
      }).slice(0, 200);
      found.forEach(function (a) {
        var li = el("li");
        li.appendChild(a.page ? el("a", {href: a.page}, a.name) : el("span", {}, a.name));
        if (midByKey[a.mid]) li.appendChild(document.createTextNode(" (" + midByKey[a.mid] + ")"));
        hits.appendChild(li);
      });
      n.textContent = "(" + found.length + ")";
    };
    q.addEventListener("input", run);
    var m = /[?&]q=([^&]*)/.exec(window.location.search);
    if (m) { q.value = decodeURIComponent(m[1].replace(/\+/g, " ")); run(); }
  }

  function valueOf(level, year, key, vid) {
    var recs = ((D.values || {})[level] || {})[String(year)] || [];
    for (var i = 0; i < recs.length; i++) if (recs[i].key === key) return recs[i][vid];
    return undefined;
  }

  /* compare two or three areas */
  var picks = document.querySelectorAll("select.cmp-pick");
  if (picks.length) {
    var out = document.getElementById("cmp-out");
    var draw = function () {
      var keys = Array.prototype.map.call(picks, function (s) { return s.value; }).filter(Boolean);
      out.innerHTML = "";
      if (!keys.length) return;
      var t = el("table"), cap = el("caption", {}, txt("Vergleich ", "Comparison ") + D.year);
      t.appendChild(cap);
      var head = el("tr"); head.appendChild(el("th", {scope: "col"}, txt("Thema", "Topic")));
      keys.forEach(function (k) {
        var th = el("th", {scope: "col"}), a = areaByKey[k];
        th.appendChild(a.page ? el("a", {href: a.page}, a.name) : el("span", {}, a.name)); head.appendChild(th);
      });
      var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
      var body = el("tbody");
      (D.vars || []).forEach(function (v) {
        if (v.level !== "areas") return;
        var tr = el("tr"), th = el("th", {scope: "row"});
        th.appendChild(el("a", {href: v.page}, v.title[L] || v.title.de)); tr.appendChild(th);
        keys.forEach(function (k) { tr.appendChild(el("td", {}, fmt(valueOf("areas", D.year, k, v.id)))); });
        body.appendChild(tr);
      });
      t.appendChild(body); out.appendChild(t);
      if (window.history && window.history.replaceState && window.location.protocol !== "file:") {
        window.history.replaceState(null, "", "?a=" + keys.map(encodeURIComponent).join(","));
      }
    };
    Array.prototype.forEach.call(picks, function (s) { s.addEventListener("change", draw); });
    var ma = /[?&]a=([^&]*)/.exec(window.location.search);
    if (ma) {
      decodeURIComponent(ma[1]).split(",").slice(0, 3).forEach(function (k, i) { if (areaByKey[k]) picks[i].value = k; });
      draw();
    }
  }

  /* time series of chosen areas (SVG lines and a table) */
  Array.prototype.forEach.call(document.querySelectorAll("div.ts"), function (box) {
    var vid = box.getAttribute("data-var"), sels = box.querySelectorAll("select.ts-pick");
    var sorted = (D.areas || []).slice().sort(function (a, b) { return a.name.localeCompare(b.name, L); });
    Array.prototype.forEach.call(sels, function (s) {
      sorted.forEach(function (a) { s.appendChild(el("option", {value: a.key}, a.name)); });
    });
    var chart = box.querySelector(".ts-chart");
    var colors = ["#1f4e79", "#b35900", "#2e7d32"], dashes = ["", "6 3", "2 3"];
    var draw = function () {
      var keys = Array.prototype.map.call(sels, function (s) { return s.value; }).filter(Boolean);
      chart.innerHTML = "";
      if (!keys.length) return;
      var ys = D.years, series = keys.map(function (k) {
        return ys.map(function (y) { var v = valueOf("areas", y, k, vid); return typeof v === "number" ? v : null; });
      });
      var all = [].concat.apply([], series).filter(function (v) { return v !== null; });
      if (!all.length) { chart.textContent = txt("Keine Werte.", "No values."); return; }
      var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
      if (lo === hi) { lo -= 1; hi += 1; }
      var W = 600, H = 220, x = function (i) { return 50 + i * (W - 80) / Math.max(ys.length - 1, 1); };
      var y = function (v) { return H - 30 - (v - lo) / (hi - lo) * (H - 50); };
      var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
      svg.setAttribute("viewBox", "0 0 " + W + " " + H); svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", txt("Zeitreihe der gewählten Gebiete (Werte in der Tabelle darunter)", "Time series of the chosen areas (values in the table below)"));
      ys.forEach(function (yr, i) {
        var t = document.createElementNS(ns, "text"); t.setAttribute("x", x(i)); t.setAttribute("y", H - 8);
        t.setAttribute("text-anchor", "middle"); t.setAttribute("font-size", "12"); t.textContent = yr; svg.appendChild(t);
      });
      series.forEach(function (s, j) {
        var d = "", m = true;
        s.forEach(function (v, i) { if (v === null) { m = true; return; } d += (m ? "M" : "L") + x(i) + " " + y(v); m = false; });
        var p = document.createElementNS(ns, "path"); p.setAttribute("d", d); p.setAttribute("fill", "none");
        p.setAttribute("stroke", colors[j]); p.setAttribute("stroke-width", "2.5");
        if (dashes[j]) p.setAttribute("stroke-dasharray", dashes[j]);
        svg.appendChild(p);
      });
      chart.appendChild(svg);
      var t = el("table"); t.appendChild(el("caption", {}, txt("Werte der gewählten Gebiete", "Values of the chosen areas")));
      var head = el("tr"); head.appendChild(el("th", {scope: "col"}, ""));
      ys.forEach(function (yr) { head.appendChild(el("th", {scope: "col"}, String(yr))); });
      var th = el("thead"); th.appendChild(head); t.appendChild(th);
      var body = el("tbody");
      keys.forEach(function (k, j) {
        var tr = el("tr"); tr.appendChild(el("th", {scope: "row"}, areaByKey[k].name + " (" + ["\u2014", "\u2012 \u2012", "\u00b7\u00b7\u00b7"][j] + ")"));
        series[j].forEach(function (v) { tr.appendChild(el("td", {"class": "num"}, fmt(v))); });
        body.appendChild(tr);
      });
      t.appendChild(body); chart.appendChild(t);
    };
    Array.prototype.forEach.call(sels, function (s) { s.addEventListener("change", draw); });
  });
  document.body.setAttribute("data-ready", "1");
})();
