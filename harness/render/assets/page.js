// Progressive enhancement only: every figure is already in the HTML. The
// script sorts and filters tables, reads out timeline values on hover from
// the embedded report, zooms flame graphs and offers the embedded JSON for
// download. It marks the page when it has run (#membench-ready) or failed
// (#membench-script-error): the browser test reads both. The pure parts are
// in membench.js (MembenchPage), which the page inlines ahead of this file.
(function () {
  'use strict';
  var lib = MembenchPage;

  function reportError(message) {
    var box = document.getElementById('membench-script-error');
    if (!box) {
      box = document.createElement('div');
      box.id = 'membench-script-error';
      box.className = 'script-error';
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.textContent = 'This page\'s script failed: ' + message;
  }
  window.addEventListener('error', function (e) {
    reportError((e.message || 'error') + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });
  // The page must load nothing; the content security policy blocks any attempt, and says so here.
  document.addEventListener('securitypolicyviolation', function (e) {
    reportError('blocked loading ' + (e.blockedURI || e.violatedDirective));
  });

  var data = JSON.parse(document.getElementById('membench-data').textContent);
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };

  // Sortable tables: numeric cells carry their raw value in data-v.
  function sortTable(table, col, th) {
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    each(th.parentNode.cells, function (h) {
      if (h.classList.contains('sort')) {
        h.setAttribute('aria-sort', 'none');
        h.querySelector('.arrow').textContent = '\u2195';
      }
    });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    th.querySelector('.arrow').textContent = asc ? '\u25b2' : '\u25bc';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (r) {
      var cell = r.cells[col];
      return cell ? lib.sortKey(cell.getAttribute('data-v'), cell.textContent) : lib.sortKey(null, '');
    });
    lib.sortOrder(keys, asc).forEach(function (i) { body.appendChild(rows[i]); });
  }
  var sortable = document.querySelectorAll('table.sortable');
  each(sortable, function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    each(table.tHead.rows[0].cells, function (th, col) {
      th.classList.add('sort');
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      var arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.textContent = '\u2195';
      th.appendChild(arrow);
      th.addEventListener('click', function () { sortTable(table, col, th); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortTable(table, col, th); }
      });
    });
  });

  // Row filters: each filters the tables of its own section.
  each(document.querySelectorAll('input.case-filter'), function (input) {
    var scope = input.closest('section') || document.body;
    input.addEventListener('input', function () {
      var text = input.value.trim(), re = null;
      try { re = text ? new RegExp(text, 'i') : null; } catch (err) { re = null; }
      each(scope.querySelectorAll('table.sortable tbody tr'), function (row) {
        var s = row.getAttribute('data-case') || row.textContent;
        var match = !text || (re ? re.test(s) : s.toLowerCase().indexOf(text.toLowerCase()) >= 0);
        row.classList.toggle('hidden', !match);
      });
    });
  });

  // Timeline read-out from the embedded report.
  var byId = {};
  (data.results || []).forEach(function (c) { byId[c.id] = c; });
  var timelines = document.querySelectorAll('svg.timeline[data-case]');
  each(timelines, function (svg) {
    var c = byId[svg.getAttribute('data-case')];
    var readout = svg.parentNode.querySelector('.readout');
    if (!c || !c.timeline || !readout) return;
    var t = c.timeline;
    var g = { px0: +svg.getAttribute('data-px0'), px1: +svg.getAttribute('data-px1'),
              xmin: +svg.getAttribute('data-xmin'), xmax: +svg.getAttribute('data-xmax') };
    var cursor = document.createElementNS(svg.namespaceURI, 'line');
    cursor.setAttribute('class', 'cursor');
    cursor.setAttribute('y1', svg.getAttribute('data-py0'));
    cursor.setAttribute('y2', svg.getAttribute('data-py1'));
    cursor.style.display = 'none';
    svg.appendChild(cursor);
    svg.addEventListener('mousemove', function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      var at = lib.timelineSample(p.matrixTransform(m.inverse()).x, g, t.interval_ms, t.rss_bytes.length);
      if (!at) { cursor.style.display = 'none'; return; }
      var i = at.index;
      cursor.setAttribute('x1', at.x); cursor.setAttribute('x2', at.x);
      cursor.style.display = '';
      var parts = [lib.fixed(i * t.interval_ms, 0) + ' ms', 'RSS ' + lib.formatBytes(t.rss_bytes[i])];
      if (t.anon_bytes && i < t.anon_bytes.length) parts.push('anon ' + lib.formatBytes(t.anon_bytes[i]));
      if (t.file_bytes && i < t.file_bytes.length) parts.push('file ' + lib.formatBytes(t.file_bytes[i]));
      readout.textContent = parts.join(' \u00b7 ');
    });
    svg.addEventListener('mouseleave', function () { cursor.style.display = 'none'; readout.textContent = ''; });
  });

  // Flame graphs: a click zooms to a frame, its ancestors span the width.
  var flames = document.querySelectorAll('svg.flame');
  each(flames, function (svg) {
    var W = +svg.getAttribute('data-width'), cw = +svg.getAttribute('data-char'), row = +svg.getAttribute('data-row');
    var frames = Array.prototype.map.call(svg.querySelectorAll('g.f'), function (g) {
      var title = g.querySelector('title');
      return { g: g, r: g.querySelector('rect'), t: g.querySelector('text'), x: +g.getAttribute('data-x'),
               w: +g.getAttribute('data-w'), d: +g.getAttribute('data-d'),
               n: title ? title.textContent.split('\n')[0] : '' };
    });
    function zoom(z) {
      lib.flameZoom(frames, z).forEach(function (box, k) {
        var f = frames[k];
        if (!box) { f.g.style.display = 'none'; return; }
        f.g.style.display = '';
        f.r.setAttribute('x', lib.fixed(box.x * W, 1));
        f.r.setAttribute('width', lib.fixed(Math.max(box.w * W - 1, 0.5), 1));
        var text = lib.flameLabel(f.n, box.w * W, cw);
        if (!f.t && text) {
          f.t = document.createElementNS(svg.namespaceURI, 'text');
          f.t.setAttribute('y', lib.fixed(f.d * row + 13, 1));
          f.g.appendChild(f.t);
        }
        if (f.t) { f.t.setAttribute('x', lib.fixed(box.x * W + 3, 1)); f.t.textContent = text; }
      });
    }
    frames.forEach(function (f) { f.g.addEventListener('click', function () { zoom(f); }); });
  });

  // Switched flame figures (allocation sites): one panel per metric, one shown.
  each(document.querySelectorAll('figure.flame-switched'), function (fig) {
    var buttons = fig.querySelectorAll('.flame-switch button');
    var panels = fig.querySelectorAll('.flame-panel');
    var metrics = Array.prototype.map.call(panels, function (p) { return p.getAttribute('data-metric'); });
    each(buttons, function (b) {
      b.addEventListener('click', function () {
        var shown = lib.flameMetric(metrics, b.getAttribute('data-metric'));
        each(panels, function (p, i) { p.hidden = !shown[i]; });
        each(buttons, function (o) { o.setAttribute('aria-pressed', String(o === b)); });
      });
    });
  });

  var download = document.getElementById('download-json');
  if (download) {
    download.addEventListener('click', function () {
      var blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'membench-report.json';
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  var ready = document.createElement('div');
  ready.id = 'membench-ready';
  ready.hidden = true;
  ready.setAttribute('data-sortable-tables', String(sortable.length));
  ready.setAttribute('data-charts', String(document.querySelectorAll('svg.chart').length));
  ready.setAttribute('data-timelines', String(timelines.length));
  ready.setAttribute('data-flames', String(flames.length));
  ready.setAttribute('data-cases', String((data.results || data.cases || []).length));
  document.body.appendChild(ready);
})();
