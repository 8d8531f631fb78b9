#!/usr/bin/env python3
"""Holds the README and docs/ to their shape (docs/README.md says what it checks).

    check_docs.py SOURCE_DIR     checks the tree; each problem on one line, exit 1
    check_docs.py --self-test    checks that a scratch tree with each kind of
                                 problem is refused, and a sound one accepted

- README.md has at most MAX_README_LINES lines: it is the way in, the rest
  lives in docs/;
- every relative link of README.md and docs/*.md points to a file that exists
  and, for a link into a Markdown file, to a heading that exists there
  (anchors as GitHub writes them);
- every docs/*.md page is listed in docs/README.md, and README.md links to
  docs/README.md, so every page can be reached from the README.
"""
import os
import re
import sys
import tempfile

MAX_README_LINES = 400

LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"`+[^`]*`+")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose_lines(text):
    """The lines outside fenced code blocks, with their numbers."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        marker = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif marker.group(1)[0] == fence:
                fence = None
            continue
        if fence is None:
            yield number, line


def slug(heading):
    """GitHub's anchor for a heading: link text kept, lower case, punctuation
    dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text):
    seen = {}
    found = set()
    for _, line in prose_lines(text):
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else "%s-%d" % (base, count))
    return found


def links(text):
    for number, line in prose_lines(text):
        for m in LINK.finditer(CODE_SPAN.sub("", line)):
            yield number, m.group(1)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def check(source):
    problems = []
    source = os.path.abspath(source)
    readme = os.path.join(source, "README.md")
    docs = os.path.join(source, "docs")
    index = os.path.join(docs, "README.md")
    if not os.path.isfile(readme):
        return ["README.md: missing"]
    lines = read(readme).count("\n")
    if lines > MAX_README_LINES:
        problems.append("README.md: %d lines, more than %d: move the detail to a docs/ page and link it"
                        % (lines, MAX_README_LINES))
    pages = sorted(os.path.join(docs, n) for n in os.listdir(docs) if n.endswith(".md")) \
        if os.path.isdir(docs) else []
    cache = {}
    for page in [readme] + pages:
        rel = os.path.relpath(page, source)
        text = read(page)
        for number, target in links(text):
            if SCHEME.match(target):
                continue
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(dest):
                problems.append("%s:%d: link to %s: no such file" % (rel, number, target))
                continue
            if anchor and dest.endswith(".md") and os.path.isfile(dest):
                if dest not in cache:
                    cache[dest] = anchors(read(dest))
                if anchor not in cache[dest]:
                    problems.append("%s:%d: link to %s: no heading with that anchor in %s"
                                    % (rel, number, target, os.path.relpath(dest, source)))
    if pages:
        if not os.path.isfile(index):
            problems.append("docs/README.md: missing (the index of the docs/ pages)")
        else:
            listed = {os.path.normpath(os.path.join(docs, t.partition("#")[0]))
                      for _, t in links(read(index)) if not SCHEME.match(t)}
            for page in pages:
                if page != index and page not in listed:
                    problems.append("docs/README.md: does not list docs/%s (add a row for it)"
                                    % os.path.basename(page))
            from_readme = {os.path.normpath(os.path.join(source, t.partition("#")[0]))
                           for _, t in links(read(readme)) if not SCHEME.match(t)}
            if index not in from_readme:
                problems.append("README.md: does not link to docs/README.md (the index)")
    return problems


def self_test():
    """Each kind of problem, planted in a sound scratch tree, must be reported."""
    sound = {
        "README.md": "# x\n\n[docs](docs/README.md) [a](docs/a.md#a-heading-with-code)\n"
                     "```\n[not a link](missing.md)\n```\n`[code](missing.md)`\n",
        "docs/README.md": "# Index\n\n[a](a.md) [back](../README.md#x)\n",
        "docs/a.md": "# A\n\n## A heading: with `code`\n\n[up](#a)\n",
    }
    broken = {
        "long README": ("README.md", sound["README.md"] + "\n" * MAX_README_LINES),
        "missing file": ("docs/a.md", sound["docs/a.md"] + "[gone](gone.md)\n"),
        "missing anchor": ("docs/a.md", sound["docs/a.md"] + "[gone](README.md#gone)\n"),
        "missing anchor in the same file": ("docs/a.md", sound["docs/a.md"] + "[gone](#gone)\n"),
        "page not in the index": ("docs/b.md", "# B\n"),
        "index not linked": ("README.md", "# x\n\n[a](docs/a.md)\n"),
    }

    def tree(files):
        root = tempfile.mkdtemp(prefix="check_docs.")
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        return root

    failures = []
    problems = check(tree(sound))
    if problems:
        failures.append("the sound tree was refused: %s" % problems)
    for what, (name, text) in broken.items():
        files = dict(sound)
        files[name] = text
        if not check(tree(files)):
            failures.append("not reported: %s" % what)
    return failures


def main():
    if sys.argv[1:] == ["--self-test"]:
        failures = self_test()
    elif len(sys.argv) == 2:
        failures = check(sys.argv[1])
    else:
        print("usage: check_docs.py SOURCE_DIR | --self-test", file=sys.stderr)
        return 2
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
