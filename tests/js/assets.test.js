// The web assets (harness/render/assets/): colours live only in the style
// sheet's two :root blocks, light and dark define the same variables, every
// variable used is defined, and nothing in an asset can end the inline
// element it is embedded in.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const assets = path.join(root, 'harness', 'render', 'assets');
const read = (p) => fs.readFileSync(p, 'utf8');
const css = read(path.join(assets, 'page.css'));
const HEX = /#[0-9a-fA-F]{3,8}\b/g;

// The bodies of ":root{...}" blocks; the rest of the sheet without them.
function rootBlocks(sheet) {
  const blocks = [];
  let rest = '';
  let at = 0;
  for (;;) {
    const start = sheet.indexOf(':root{', at);
    if (start < 0) break;
    const end = sheet.indexOf('}', start);
    assert.ok(end > start, 'unterminated :root block');
    blocks.push(sheet.slice(start + 6, end));
    rest += sheet.slice(at, start);
    at = end + 1;
  }
  return { blocks, rest: rest + sheet.slice(at) };
}

function variables(block) {
  return new Set([...block.matchAll(/--([a-z0-9-]+)\s*:/g)].map((m) => m[1]));
}

function withoutComments(s) {
  return s.replace(/\/\*[\s\S]*?\*\//g, '');
}

test('the style sheet has colours only in its light and dark :root blocks', () => {
  const { blocks, rest } = rootBlocks(withoutComments(css));
  assert.equal(blocks.length, 2, 'one :root block for light, one for dark');
  assert.match(css, /@media \(prefers-color-scheme:dark\)\{:root\{/);
  assert.deepEqual(rest.match(HEX), null, 'hex colours outside :root');
  assert.deepEqual(rest.match(/\b(rgba?|hsla?)\(/g), null, 'colour functions outside :root');
});

test('dark mode defines every colour light mode does', () => {
  const [light, dark] = rootBlocks(withoutComments(css)).blocks.map(variables);
  assert.deepEqual([...dark].sort(), [...light].sort());
});

test('every variable the sheet and the renderer use is defined', () => {
  const defined = variables(rootBlocks(withoutComments(css)).blocks[0]);
  const used = new Set([...css.matchAll(/var\(--([a-z0-9-]+)\)/g)].map((m) => m[1]));
  // The C++ names its colours as CSS variable names: "series-N" and literal ones.
  const render = path.join(root, 'harness', 'render');
  for (const f of fs.readdirSync(render).filter((f) => f.endsWith('.cpp'))) {
    const src = read(path.join(render, f));
    for (const m of src.matchAll(/"(rss|anon|file|baseline|rss-base|anon-base|requested|held)"/g)) used.add(m[1]);
  }
  for (let i = 0; i < 10; ++i) used.add('series-' + i);
  for (let i = 0; i < 12; ++i) used.add('flame-' + i);
  for (const v of used) assert.ok(defined.has(v), `--${v} is used but not defined`);
});

test('no colour value in the script or the C++ renderers', () => {
  const files = ['membench.js', 'page.js', 'legend.html'].map((f) => path.join(assets, f));
  const render = path.join(root, 'harness', 'render');
  for (const f of fs.readdirSync(render).filter((f) => /\.(cpp|h)$/.test(f))) files.push(path.join(render, f));
  for (const f of files) {
    const src = read(f);
    assert.deepEqual(src.match(HEX), null, `hex colour in ${path.relative(root, f)}`);
    assert.deepEqual(src.match(/\b(rgba?|hsla?)\(/g), null, `colour function in ${path.relative(root, f)}`);
  }
});

test('no asset can end or comment out the inline element around it', () => {
  for (const f of fs.readdirSync(assets)) {
    const src = read(path.join(assets, f));
    assert.ok(!/<\/(script|style)/i.test(src), `${f} closes an element`);
    assert.ok(!src.includes('<!--'), `${f} opens an HTML comment`);
  }
});

// WCAG 2 relative luminance and contrast ratio of two "#rrggbb" colours.
function luminance(hex) {
  const v = hex.length === 4 ? [1, 2, 3].map((i) => hex[i] + hex[i]) : [1, 3, 5].map((i) => hex.slice(i, i + 2));
  const [r, g, b] = v.map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
function values(block) {
  return new Map([...block.matchAll(/--([a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b/g)].map((m) => [m[1], m[2]]));
}

test('flame graph labels are readable on every frame colour, light and dark', () => {
  // The ink of a label is --flame-fg, or --flame-fg-deep on the deepest change colours.
  assert.match(css, /rect\.dg4\+text,svg\.flame rect\.ds4\+text\{fill:var\(--flame-fg-deep\)\}/);
  for (const block of rootBlocks(withoutComments(css)).blocks) {
    const v = values(block);
    const fills = ['flame-root', 'diff-same'];
    for (let i = 0; i < 12; ++i) fills.push('flame-' + i);
    for (let i = 1; i <= 4; ++i) fills.push('diff-grow-' + i, 'diff-shrink-' + i);
    for (const fill of fills) {
      const ink = /-4$/.test(fill) && fill.startsWith('diff-') ? 'flame-fg-deep' : 'flame-fg';
      assert.ok(v.has(fill) && v.has(ink), `--${fill} or --${ink} is not a hex colour`);
      const ratio = contrast(v.get(fill), v.get(ink));
      assert.ok(ratio >= 4.5, `--${ink} on --${fill}: contrast ${ratio.toFixed(2)} is below 4.5`);
    }
  }
});
