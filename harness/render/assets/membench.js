// The pure functions of the report and compare pages: formatting, sort
// order and chart geometry, with no access to the document. The page inlines
// this file ahead of page.js; under Node it is a module, so tests/js/ tests
// it directly (`node --test tests/js/`).
var MembenchPage = (function () {
  'use strict';

  // printf("%.*f", digits, x) exactly: the shortest way to agree with the
  // C++ formatter (util/format) is to round the way it does. toFixed rounds a
  // tie (1.125 to two places) up, glibc's printf to even; the double's exact
  // value, taken apart with BigInt, decides here as it does there.
  function fixed(x, digits) {
    if (Number.isNaN(x)) return 'nan';
    var sign = x < 0 || Object.is(x, -0) ? '-' : '';
    if (!Number.isFinite(x)) return sign + 'inf';
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    var hi = view.getUint32(0), lo = view.getUint32(4);
    var biased = (hi >>> 20) & 0x7ff;
    var mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (biased === 0) biased = 1;  // subnormal: no implicit leading bit
    else mantissa |= 1n << 52n;
    var exponent = biased - 1075;  // |x| = mantissa * 2^exponent
    var scaled = mantissa * 10n ** BigInt(digits);
    var n;
    if (exponent >= 0) {
      n = scaled << BigInt(exponent);
    } else {
      var shift = BigInt(-exponent);
      var q = scaled >> shift, rest = scaled - (q << shift), half = 1n << (shift - 1n);
      n = rest > half || (rest === half && (q & 1n) === 1n) ? q + 1n : q;
    }
    var s = n.toString().padStart(digits + 1, '0');
    return sign + (digits > 0 ? s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits) : s);
  }

  // format_bytes of util/format: "512 B", "8.00 KiB", "1.5 MiB".
  var UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  function formatBytes(bytes) {
    var v = Math.abs(bytes), u = 0;
    while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
    var sign = bytes < 0 ? '-' : '';
    return sign + (u === 0 ? fixed(v, 0) : fixed(v, v < 10 ? 2 : 1)) + ' ' + UNITS[u];
  }

  // A table cell's sort key: its data-v number (empty: a missing figure), else its text.
  function sortKey(dataV, text) {
    if (dataV !== null && dataV !== undefined) return { num: dataV === '' ? null : parseFloat(dataV), text: '' };
    return { num: null, text: String(text).trim().toLowerCase() };
  }

  // The order of rows with these keys: numbers by value, texts alphabetically,
  // missing figures last whichever the direction, ties in their old order.
  function sortOrder(keys, ascending) {
    var rows = keys.map(function (k, i) { return { k: k, i: i }; });
    rows.sort(function (a, b) {
      var x = a.k, y = b.k, c;
      if (x.num === null && y.num === null && (x.text || y.text)) c = x.text < y.text ? -1 : x.text > y.text ? 1 : 0;
      else if (x.num === null && y.num === null) c = 0;
      else if (x.num === null) return 1;
      else if (y.num === null) return -1;
      else c = x.num - y.num;
      if (!ascending) c = -c;
      return c !== 0 ? c : a.i - b.i;
    });
    return rows.map(function (r) { return r.i; });
  }

  // The timeline sample under chart x coordinate `x`: the chart spans
  // [px0, px1] for [xmin, xmax] ms. Returns its index and where its cursor
  // goes, or null off the samples.
  function timelineSample(x, g, intervalMs, length) {
    if (!(intervalMs > 0) || !(g.px1 > g.px0) || !(g.xmax > g.xmin)) return null;
    var ms = g.xmin + (x - g.px0) / (g.px1 - g.px0) * (g.xmax - g.xmin);
    var i = Math.round(ms / intervalMs);
    if (i < 0 || i >= length) return null;
    return { index: i, x: g.px0 + (i * intervalMs - g.xmin) / (g.xmax - g.xmin) * (g.px1 - g.px0) };
  }

  // Flame graph zoom: frames are {x, w, d} as fractions of the whole width
  // and a depth. Zoomed to z, its ancestors span the width, the frames inside
  // it are stretched and every other frame is hidden (null).
  function flameZoom(frames, z) {
    var eps = 1e-5;  // the page writes fractions with six digits
    return frames.map(function (f) {
      if (f.d < z.d) return f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps ? { x: 0, w: 1 } : null;
      if (f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps) return { x: (f.x - z.x) / z.w, w: f.w / z.w };
      return null;
    });
  }

  // A frame's label for a box `px` wide: cut with an ellipsis, none below three characters.
  function flameLabel(name, px, charWidth) {
    var room = Math.floor((px - 6) / charWidth);
    if (room < 3) return '';
    return name.length <= room ? name : name.slice(0, room - 1) + '\u2026';
  }

  // A switched flame figure: which of its panels (metrics, in order) shows
  // for the chosen metric; the first when the choice is not among them.
  function flameMetric(metrics, chosen) {
    var at = metrics.indexOf(chosen);
    if (at < 0) at = 0;
    return metrics.map(function (m, i) { return i === at; });
  }

  return {
    fixed: fixed,
    formatBytes: formatBytes,
    sortKey: sortKey,
    sortOrder: sortOrder,
    timelineSample: timelineSample,
    flameZoom: flameZoom,
    flameLabel: flameLabel,
    flameMetric: flameMetric
  };
})();

if (typeof module !== 'undefined' && module.exports) module.exports = MembenchPage;
