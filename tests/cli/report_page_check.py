#!/usr/bin/env python3
"""Checks of a `cdnlab report` page as rendered by headless Chromium (used by report_browser.sh).

  report_page_check.py dom DOM.html --plots ID[,ID...] --absent SECTION[,SECTION...] [--present S,...]
      Every expected plot is a <figure data-plot=ID data-series=N> holding an <svg> with N
      <g class="gnuplot-series"> groups, each drawing data: its paths hold more coordinate pairs
      than a key sample alone (> 4). Absent sections carry data-present="false" and a reason.
  report_page_check.py png SHOT.png
      The screenshot is a valid PNG and not blank: with PIL, many distinct colours; without
      it, the decompressed scanlines are checked for variety (stdlib zlib only).
Standard library only (PIL optional)."""
import argparse
import re
import struct
import sys
import zlib
from html.parser import HTMLParser

COORD = re.compile(r"-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?")


class ReportDom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures = {}  # plot id -> {"series": n, "svg": bool, "groups": [coords...]}
        self.sections = {}  # section id -> {"present": str, "absent_text": str}
        self.stack = []  # open tags: (tag, kind) kind in {figure, series, section, absent, None}
        self.figure = None
        self.section = None
        self.series = None
        self.in_absent = False

    VOID = {"meta", "br", "img", "link", "input", "hr", "col", "area", "base", "wbr", "source"}

    def handle_starttag(self, tag, attrs, self_closing=False):
        a = dict(attrs)
        kind = None
        if tag == "figure" and "data-plot" in a:
            self.figure = {"series": int(a.get("data-series", "0")), "svg": False, "groups": []}
            self.figures[a["data-plot"]] = self.figure
            kind = "figure"
        elif tag == "section" and "data-section" in a:
            self.section = {"present": a.get("data-present"), "absent_text": ""}
            self.sections[a["data-section"]] = self.section
            kind = "section"
        elif tag == "svg" and self.figure is not None:
            self.figure["svg"] = True
        elif tag == "g" and self.figure is not None and "gnuplot-series" in (a.get("class") or "").split():
            self.series = 0
            self.figure["groups"].append(0)
            kind = "series"
        elif tag == "p" and "absent" in (a.get("class") or "").split():
            self.in_absent = True
            kind = "absent"
        if tag == "path" and self.series is not None:
            self.figure["groups"][-1] += len(COORD.findall(a.get("d") or ""))
        self.stack.append((tag, kind))
        if self_closing or tag in self.VOID:
            self.handle_endtag(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, self_closing=True)

    def handle_endtag(self, tag):
        if tag not in (t for t, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            t, kind = self.stack.pop()
            if kind == "figure":
                self.figure = None
            elif kind == "section":
                self.section = None
            elif kind == "series":
                self.series = None
            elif kind == "absent":
                self.in_absent = False
            if t == tag:
                break

    def handle_data(self, data):
        if self.in_absent and self.section is not None:
            self.section["absent_text"] += data


def split(text):
    return [x for x in (text or "").split(",") if x]


def check_dom(args):
    dom = ReportDom()
    with open(args.file, encoding="utf-8") as f:
        dom.feed(f.read())
    errors = []
    for plot in split(args.plots):
        fig = dom.figures.get(plot)
        if fig is None:
            errors.append(f"plot {plot}: no <figure data-plot={plot}> in the DOM")
            continue
        if not fig["svg"]:
            errors.append(f"plot {plot}: no <svg> inside the figure")
        if fig["series"] < 1 or len(fig["groups"]) != fig["series"]:
            errors.append(f"plot {plot}: data-series={fig['series']} but {len(fig['groups'])} gnuplot-series groups")
        for i, coords in enumerate(fig["groups"], 1):
            if coords <= 4:  # a key sample alone is 2 (line) to 4 (box) points
                errors.append(f"plot {plot}: series {i} draws only {coords} points (axes/key only, no data)")
        print(f"  plot {plot}: {len(fig['groups'])} series, points per series {fig['groups']}")
    for s in split(args.absent):
        sec = dom.sections.get(s)
        if sec is None or sec["present"] != "false" or "Absent" not in sec["absent_text"]:
            errors.append(f"section {s}: not marked absent with a reason ({sec})")
        else:
            print(f"  section {s}: absent: {sec['absent_text'].strip()[:90]}")
    for s in split(args.present):
        sec = dom.sections.get(s)
        if sec is None or sec["present"] != "true":
            errors.append(f"section {s}: not present")
    extra = set(dom.figures) - set(split(args.plots))
    if extra and not args.allow_extra:
        errors.append(f"unexpected plots: {sorted(extra)}")
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


def png_rows(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = ihdr[:4]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    stride = width * channels * depth // 8
    raw = zlib.decompress(idat)
    return width, height, [raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)] for r in range(height)]


def check_png(args):
    try:
        from PIL import Image  # noqa: F401
        img = Image.open(args.file).convert("RGB")
        colours = img.getcolors(maxcolors=1 << 20)
        n = len(colours) if colours else 1 << 20
        w, h = img.size
        print(f"  screenshot {args.file}: {w}x{h}, {n} distinct colours (PIL)")
        ok = n >= 16
    except ImportError:
        w, h, rows = png_rows(args.file)
        # Filtered scanlines of a blank page are constant (all 0 or all 255 bytes); drawn text,
        # tables and plots make many rows vary.
        varied = sum(1 for r in rows if len(set(r)) > 2)
        distinct = len(set(b"".join(rows[::7])))
        print(f"  screenshot {args.file}: {w}x{h}, {varied} of {h} scanlines with content, {distinct} distinct bytes")
        ok = varied >= h // 10 and distinct >= 16
    if not ok:
        print("FAIL: the screenshot looks blank")
        return 1
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dom")
    d.add_argument("file")
    d.add_argument("--plots", default="")
    d.add_argument("--absent", default="")
    d.add_argument("--present", default="")
    d.add_argument("--allow-extra", action="store_true")
    g = sub.add_parser("png")
    g.add_argument("file")
    args = p.parse_args()
    return check_dom(args) if args.cmd == "dom" else check_png(args)


if __name__ == "__main__":
    sys.exit(main())
