#!/usr/bin/env python3
# Copyright (c) 2026 sfconnect developers. Distributed under the Boost Software License, Version 1.0.
"""Doxygen input filter for the Markdown guides: makes their GitHub-style links work in the HTML.

Usage (Doxygen appends the file): doxygen_md_filter.py <source root> <source root seen from html/> FILE

- In-page links: GitHub gives every heading an anchor ("## Notes on the method" ->
  #notes-on-the-method); Doxygen 1.9 does not, so `[...](#notes-on-the-method)` would be an
  unresolved reference. Each heading that the same file links to gets an explicit Doxygen id
  `{#<file>-<slug>}` (prefixed with the file name, since Doxygen ids are global) and the links are
  rewritten to it.
- Links to source files (`../examples/x.cpp`) would be relative to the HTML folder, where they do
  not exist: they are rewritten to point into the source tree. Links to .md files are left to
  Doxygen, which turns them into links to the pages.

Headings nobody links to, code blocks and the line count are unchanged, so Doxygen's line numbers
still match the file.
"""
import os
import re
import sys

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
LINK = re.compile(r"\]\(#([^)\s]+)\)")
FILE_LINK = re.compile(r"\]\(([^)#\s:]+)\)")


def github_slug(title):
    """The anchor GitHub derives from a heading: lower case, punctuation dropped, spaces to '-'."""
    title = re.sub(r"`([^`]*)`", r"\1", title).strip().lower()
    title = re.sub(r"[^\w\- ]", "", title)
    return title.replace(" ", "-")


def source_link(target, path, root, root_from_html):
    """`target` as seen from the HTML folder when it names a file or folder of the source tree."""
    if target.startswith("/") or target.endswith(".md"):
        return None
    full = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), target))
    rel = os.path.relpath(full, root)
    if rel.startswith("..") or not os.path.exists(full):
        return None
    return f"{root_from_html.rstrip('/')}/{rel}"


def main(root, root_from_html, path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    stem = re.sub(r"[^A-Za-z0-9]", "_", os.path.splitext(os.path.basename(path))[0])
    linked = set(LINK.findall("\n".join(lines)))
    in_fence = False
    headings = set()
    out = []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(line)
        if m and "{#" not in line:
            slug = github_slug(m.group(2))
            if slug in linked:
                headings.add(slug)
                line = f"{m.group(1)} {m.group(2)} {{#{stem}-{slug}}}"
        out.append(line)
    text = "\n".join(out)
    text = LINK.sub(lambda m: f"](#{stem}-{m.group(1)})" if m.group(1) in headings else m.group(0), text)
    text = FILE_LINK.sub(lambda m: f"]({source_link(m.group(1), path, root, root_from_html) or m.group(1)})", text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main(*sys.argv[1:4])
