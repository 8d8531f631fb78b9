// The page's formatBytes (assets/membench.js) against util/format's
// format_bytes, through the tiny C++ program format_values: a change on
// either side that makes them disagree fails here. CTest passes the
// program's path in MEMBENCH_FORMAT_VALUES; by hand, build first.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const lib = require('../../harness/render/assets/membench.js');

// Ties that toFixed and printf round differently (1152 B = 1.125 KiB), unit
// edges, signs, fractions, and the largest unit.
const VALUES = [
  '0', '-0', '1', '512', '1023', '1023.5', '1024', '1152', '1160', '-1152', '1535', '1536',
  '2047.5', '9.99e3', '10240', '10188.8', '10189', '102349', '1048575', '1048576', '1101004.8', '-1101005',
  '1572864', '4194304', '16777216', '104857600', '1073741823', '1073741824', '1610612736',
  '1099511627776', '1125899906842624', '1152921504606846976', '0.4', '0.5', '1.5', '2.5', '-2.5',
  '33000', '4194400', '6.02e23'
];

function program() {
  if (process.env.MEMBENCH_FORMAT_VALUES) return process.env.MEMBENCH_FORMAT_VALUES;
  const built = path.join(__dirname, '..', '..', 'build', 'tests', 'membench_format_values');
  return fs.existsSync(built) ? built : null;
}

test('formatBytes writes what util/format writes', (t) => {
  const exe = program();
  if (!exe) {
    t.skip('build membench_format_values first (cmake --build build), or set MEMBENCH_FORMAT_VALUES');
    return;
  }
  const lines = execFileSync(exe, VALUES, { encoding: 'utf8' }).trim().split('\n');
  assert.equal(lines.length, VALUES.length);
  for (const line of lines) {
    const [arg, expected] = line.split('\t');
    assert.equal(lib.formatBytes(Number(arg)), expected, `formatBytes(${arg})`);
  }
});

test('fixed rounds like printf, ties to even on the exact binary value', () => {
  assert.equal(lib.fixed(1.125, 2), '1.12');   // exact tie: even
  assert.equal(lib.fixed(1.375, 2), '1.38');   // exact tie: even
  assert.equal(lib.fixed(1.005, 2), '1.00');   // 1.005 is below the tie in binary
  assert.equal(lib.fixed(2.5, 0), '2');
  assert.equal(lib.fixed(3.5, 0), '4');
  assert.equal(lib.fixed(0.05, 1), '0.1');     // 0.05 is above the tie in binary
  assert.equal(lib.fixed(123456789.25, 1), '123456789.2');
  assert.equal(lib.fixed(-0.25, 1), '-0.2');
  assert.equal(lib.fixed(-0, 0), '-0');
  assert.equal(lib.fixed(5e-324, 3), '0.000');
  assert.equal(lib.fixed(1e21, 0), '1000000000000000000000');
  assert.equal(lib.fixed(Infinity, 1), 'inf');
  assert.equal(lib.fixed(NaN, 1), 'nan');
});

test('formatBytes picks the unit and digits of util/format', () => {
  assert.equal(lib.formatBytes(0), '0 B');
  assert.equal(lib.formatBytes(1023), '1023 B');
  assert.equal(lib.formatBytes(1024), '1.00 KiB');
  assert.equal(lib.formatBytes(1152), '1.12 KiB');
  assert.equal(lib.formatBytes(10240), '10.0 KiB');
  assert.equal(lib.formatBytes(-1048576), '-1.00 MiB');
  assert.equal(lib.formatBytes(Math.pow(1024, 5)), '1024.0 TiB');
});
