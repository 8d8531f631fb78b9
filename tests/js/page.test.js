// The pure functions of the page script (assets/membench.js): sort order,
// timeline read-out geometry and flame graph zoom.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const lib = require('../../harness/render/assets/membench.js');

const num = (v) => lib.sortKey(String(v), '');
const missing = () => lib.sortKey('', '');
const text = (s) => lib.sortKey(null, s);

test('sortKey reads data-v, else the cell text', () => {
  assert.deepEqual(lib.sortKey('1.5e3', 'ignored'), { num: 1500, text: '' });
  assert.deepEqual(lib.sortKey('', '–'), { num: null, text: '' });
  assert.deepEqual(lib.sortKey(null, '  Stream '), { num: null, text: 'stream' });
});

test('numbers sort by value in either direction', () => {
  const keys = [num(10), num(-2), num(3.5), num(1e308)];
  assert.deepEqual(lib.sortOrder(keys, true), [1, 2, 0, 3]);
  assert.deepEqual(lib.sortOrder(keys, false), [3, 0, 2, 1]);
});

test('missing figures go last whichever the direction', () => {
  const keys = [missing(), num(2), missing(), num(1)];
  assert.deepEqual(lib.sortOrder(keys, true), [3, 1, 0, 2]);
  assert.deepEqual(lib.sortOrder(keys, false), [1, 3, 0, 2]);
});

test('texts sort alphabetically, ties keep their order', () => {
  const keys = [text('mmap'), text('full_read'), text('mmap'), text('stream')];
  assert.deepEqual(lib.sortOrder(keys, true), [1, 0, 2, 3]);
  assert.deepEqual(lib.sortOrder(keys, false), [3, 0, 2, 1]);
});

test('the timeline sample under the pointer, and its cursor position', () => {
  const g = { px0: 64, px1: 452, xmin: 0, xmax: 40 };  // 40 ms over 388 px
  assert.deepEqual(lib.timelineSample(64, g, 1, 40), { index: 0, x: 64 });
  const mid = lib.timelineSample(64 + 388 / 4 + 2, g, 1, 40);
  assert.equal(mid.index, 10);
  assert.equal(mid.x, 64 + 388 / 4);
  assert.equal(lib.timelineSample(40, g, 1, 40), null);       // left of the first sample
  assert.equal(lib.timelineSample(452, g, 1, 40), null);      // index 40: past the last
  assert.equal(lib.timelineSample(100, g, 0, 40), null);      // no interval
});

test('flame zoom: ancestors span the width, the frame and its children stretch, others hide', () => {
  const frames = [
    { x: 0, w: 1, d: 0 },        // all
    { x: 0, w: 0.75, d: 1 },     // main
    { x: 0.75, w: 0.25, d: 1 },  // setup
    { x: 0, w: 0.5, d: 2 },      // main > run
    { x: 0.5, w: 0.25, d: 2 },   // main > load
  ];
  const z = lib.flameZoom(frames, frames[1]);
  assert.deepEqual(z[0], { x: 0, w: 1 });
  assert.deepEqual(z[1], { x: 0, w: 1 });
  assert.equal(z[2], null);
  assert.deepEqual(z[3], { x: 0, w: 0.5 / 0.75 });
  assert.deepEqual(z[4], { x: 0.5 / 0.75, w: 0.25 / 0.75 });
  const reset = lib.flameZoom(frames, frames[0]);
  reset.forEach((box, i) => assert.deepEqual(box, { x: frames[i].x, w: frames[i].w }));
});

test('flame labels fit their box', () => {
  assert.equal(lib.flameLabel('malloc', 100, 6.3), 'malloc');
  assert.equal(lib.flameLabel('operator new(unsigned long)', 60, 6.3), 'operato\u2026');
  assert.equal(lib.flameLabel('malloc', 20, 6.3), '');
});

test('a switched flame figure shows one panel: the chosen metric, else the first', () => {
  assert.deepEqual(lib.flameMetric(['count', 'bytes', 'peak'], 'bytes'), [false, true, false]);
  assert.deepEqual(lib.flameMetric(['count', 'bytes', 'peak'], 'peak'), [false, false, true]);
  assert.deepEqual(lib.flameMetric(['count', 'bytes'], 'peak'), [true, false]);
  assert.deepEqual(lib.flameMetric([], 'count'), []);
});
