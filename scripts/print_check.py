#!/usr/bin/env python3
"""Print the filed sheet the way a bank does and check what comes out of the printer.

    .venv/bin/python scripts/print_check.py                # build the demo filing, print it, check it
    .venv/bin/python scripts/print_check.py --pictures docs  # … and write docs/filing-page-1.png, -2.png
    .venv/bin/python scripts/print_check.py --json          # the measurements as JSON (used by tests/test_print.py)

What it checks, on what `locaben demo -o DIR` writes — the demo interview of 株式会社小槌精工 (a fictional company)
with the persona's model write-ups (question_banks/personas/kozuchi_seiko.yaml, `writeup:`), filed as
DIR/ID-filing.html and DIR/ID-filing.xlsx:
  HTML  printed by headless Chromium to PDF: exactly 2 pages, each A4 landscape (pdfinfo).
  XLSX  page setup read back with openpyxl (A4 landscape, fit to width only, scale ≥ 85 %, repeated title rows,
        no row above 409 pt, no text below 9 pt); converted by LibreOffice to PDF: A4 landscape pages, as many
        as the row heights predict (a sheet shrunk to fit a page would print fewer), and the text printed at
        ≥ 85 % of its size (measured: the width of full-width characters over the 9-pt text size).
  FULL  every box written up to the maximum of its target length (the most the advice lets through): the
        HTML still prints on exactly 2 A4 landscape pages.
  LONG  the same write-ups six times over: the HTML grows by continuation pages and the XLSX by rows, and the
        marker ending every box is on the printed page (nothing clipped).
It installs what is missing (apt-get install chromium libreoffice-calc poppler-utils fonts-noto-cjk) when run
as root on a Debian-like system; otherwise it says what to install and exits with status 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGES = ("chromium", "libreoffice-calc", "poppler-utils", "fonts-noto-cjk")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")
A4_LANDSCAPE = (842.0, 595.0)  # points, ± 2
MIN_SCALE = 85
MIN_TEXT_PT = 9.0
MAX_ROW_PT = 409.0
LONG_REPEAT = 6


# ---- tools ----


def chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def missing_tools() -> list[str]:
    missing = []
    if chromium() is None:
        missing.append("chromium")
    if shutil.which("soffice") is None:
        missing.append("libreoffice-calc")
    if shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None:
        missing.append("poppler-utils")
    if shutil.which("fc-list") is None or not subprocess.run(["fc-list", ":lang=ja"], capture_output=True,
                                                            text=True).stdout.strip():
        missing.append("fonts-noto-cjk")
    return missing


def ensure_tools() -> None:
    """Install the printing tools with apt-get when they are missing and we may; else explain and exit 2."""
    missing = missing_tools()
    if not missing:
        return
    can = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    if not can:
        print(f"print_check: missing {', '.join(missing)}; install them (Debian/Ubuntu: "
              f"sudo apt-get install -y {' '.join(PACKAGES)}) and run again", file=sys.stderr)
        sys.exit(2)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGES], check=True, env=env, stdout=subprocess.DEVNULL)
    still = missing_tools()
    if still:
        print(f"print_check: still missing after apt-get: {', '.join(still)}", file=sys.stderr)
        sys.exit(2)


# ---- the filing to print ----


def demo_transcript(folder: Path):  # type: ignore[no-untyped-def]
    """The demo interview (`locaben demo -o folder/demo`, run once with a fixed clock, then replayed)."""
    from dialogue.cli.main import Env, main
    from dialogue.store.journal import SessionStore
    from dialogue.store.live import SessionManager

    sessions = folder / "sessions"
    if not sessions.exists():  # a fixed clock: the same pictures every time
        env = Env(stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), environ={"NO_COLOR": "1"},
                  clock=demo_clock())
        code = main(["demo", "-o", str(folder / "demo"), "--sessions-dir", str(sessions), "--lang", "ja"], env)
        if code != 0:
            raise SystemExit(f"print_check: locaben demo failed: {env.stderr.getvalue()}")  # type: ignore[attr-defined]
    store = SessionStore(sessions)
    return SessionManager(store, demo_clock()).transcript_and_warnings(store.session_ids()[0])[0]


def demo_files(folder: Path) -> tuple[Path, Path]:
    """The filed sheet as `locaben demo -o DIR` wrote it: (ID-filing.html, ID-filing.xlsx)."""
    transcript = demo_transcript(folder)
    out = folder / "demo"
    return out / f"{transcript.session_id}-filing.html", out / f"{transcript.session_id}-filing.xlsx"


def example_writeups(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The demo session's write-ups (the persona's model write-ups) and its header write-ups."""
    from dialogue.sheet.filing import session_writeups

    written = session_writeups(demo_transcript(folder))
    header = {k: v for k, v in written.items() if k.startswith("header.")}
    return {k: v for k, v in written.items() if not k.startswith("header.")}, header


def demo_filing(folder: Path, repeat: int = 1):  # type: ignore[no-untyped-def]
    """The demo interview's filing; with `repeat` > 1 each write-up is said that many times and ends with a
    marker (〆01 …) on a line of its own, to find on the printed page."""
    from dialogue.sheet.filing import build_filing

    boxes, header = example_writeups(folder)
    marks = {}
    if repeat > 1:
        for number, (box_id, text) in enumerate(boxes.items(), start=1):
            marks[box_id] = f"〆{number:02d}"
            boxes[box_id] = "\n".join([text] * repeat) + f"\n{marks[box_id]}"
    return build_filing(demo_transcript(folder), boxes, header), marks


FILLER = "精密加工の技術と短納期の試作対応が評価され、主要な得意先との取引が長く続いている。"


def full_filing(folder: Path):  # type: ignore[no-untyped-def]
    """Every box written up to the maximum of its target length: the most the advice lets through."""
    from dialogue.model.form_map import record_keys
    from dialogue.model.sheet_fields import FILED_STEPS, WRITEUP_BOXES
    from dialogue.sheet.filing import build_filing

    text = FILLER * 20
    boxes = {}
    for box in WRITEUP_BOXES:
        size, keys = box.target.max, record_keys(box.id)
        if not keys:
            boxes[box.id] = text[:size]
            continue
        records = FILED_STEPS if box.id == "business_flow.steps" else 2
        per = size // records - 4 * (len(keys) - 1)  # the " | " between the fields do not count as writing
        boxes[box.id] = "\n".join(" | ".join(text[i * 7:i * 7 + per // len(keys)] for i in range(len(keys)))
                                  for _ in range(records))
    return build_filing(demo_transcript(folder), boxes, example_writeups(folder)[1])


def demo_clock():  # type: ignore[no-untyped-def]
    """2026-11-23 10:00 Tokyo time, one second further on every call."""
    import itertools
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=9)))
    ticks = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


# ---- PDFs ----


def html_to_pdf(html: Path, pdf: Path) -> None:
    profile = tempfile.mkdtemp(prefix="print-check-chromium-")
    try:
        subprocess.run([str(chromium()), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                        html.resolve().as_uri()], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def xlsx_to_pdf(xlsx: Path, folder: Path) -> Path:
    home = tempfile.mkdtemp(prefix="print-check-soffice-")
    try:
        subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                        str(xlsx)], check=True, capture_output=True, timeout=300, env=dict(os.environ, HOME=home))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return folder / (xlsx.stem + ".pdf")


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out, re.M)]


def is_a4_landscape(size: tuple[float, float]) -> bool:
    return abs(size[0] - A4_LANDSCAPE[0]) <= 2 and abs(size[1] - A4_LANDSCAPE[1]) <= 2


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def printed_em(pdf: Path) -> float:
    """The median width per character of words made only of full-width characters: the printed size of the
    body text in points (a full-width glyph is one em wide)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ems = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', out):
        word = m.group(3)
        if len(word) >= 4 and all(unicodedata.east_asian_width(c) in "WF" for c in word):
            ems.append((float(m.group(2)) - float(m.group(1))) / len(word))
    return statistics.median(ems) if ems else 0.0


# ---- the checks ----


def check_html(html: Path, work: Path, expected_pages: int | None) -> dict:
    pdf = work / (html.stem + "-html.pdf")
    html_to_pdf(html, pdf)
    sizes = page_sizes(pdf)
    ok = all(map(is_a4_landscape, sizes)) and (expected_pages is None or len(sizes) == expected_pages)
    return {"file": str(html), "pdf": str(pdf), "pages": len(sizes), "a4_landscape": all(map(is_a4_landscape, sizes)),
            "expected_pages": expected_pages, "ok": ok}


def xlsx_setup(xlsx: Path, printed_scale: float = 100.0) -> dict:
    """What the workbook itself says about printing, and the pages its row heights make at the scale the
    printer used (fitting to width may take a little off when its font is wider than Excel's)."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    sheets, problems = [], []
    for ws in wb.worksheets:
        setup = ws.page_setup
        scale = int(setup.scale or 100)
        heights = {r: (d.height or 15.0) for r, d in ws.row_dimensions.items()}
        tallest = max(heights.values(), default=0.0)
        sizes = [c.font.sz for row in ws.iter_rows() for c in row if c.value not in (None, "") and c.font.sz]
        smallest = min(sizes, default=MIN_TEXT_PT)
        checks = {
            "landscape": setup.orientation == "landscape", "a4": str(setup.paperSize) == "9",
            "fit_to_width": bool(ws.sheet_properties.pageSetUpPr.fitToPage) and setup.fitToWidth == 1
            and setup.fitToHeight == 0,
            "scale_85": scale >= MIN_SCALE, "title_rows": bool(ws.print_title_rows),
            "rows_409": tallest <= MAX_ROW_PT, "text_9pt": smallest >= MIN_TEXT_PT,
        }
        problems += [f"{ws.title}: {name}" for name, good in checks.items() if not good]
        sheets.append({"title": ws.title, "scale": scale, "tallest_row": tallest, "smallest_text": smallest,
                       "pages": predicted_pages(ws, heights, min(float(scale), printed_scale)), **checks})
    return {"sheets": sheets, "problems": problems}


def predicted_pages(ws, heights: dict[int, float], scale: float) -> int:  # type: ignore[no-untyped-def]
    """Pages a worksheet prints on when rows are never split: the title rows repeat on every page."""
    printable = (A4_LANDSCAPE[1] - 72 * (ws.page_margins.top + ws.page_margins.bottom)) * 100 / scale
    titles = ws.print_title_rows or ""
    match = re.match(r"\$?(\d+):\$?(\d+)", titles)
    first_body, repeat = (int(match.group(2)) + 1, sum(heights.get(r, 15.0) for r in
                                                       range(int(match.group(1)), int(match.group(2)) + 1))) \
        if match else (1, 0.0)
    pages, used = 1, repeat
    for row in range(first_body, max([ws.max_row, *heights]) + 1):
        h = heights.get(row, 15.0)
        if used + h > printable + 0.5 and used > repeat:
            pages, used = pages + 1, repeat
        used += h
    return pages


def check_xlsx(xlsx: Path, work: Path) -> dict:
    pdf = xlsx_to_pdf(xlsx, work / "xlsx")
    sizes = page_sizes(pdf)
    scale = round(100 * printed_em(pdf) / MIN_TEXT_PT, 1)
    setup = xlsx_setup(xlsx, scale)
    predicted = sum(s["pages"] for s in setup["sheets"])
    ok = not setup["problems"] and all(map(is_a4_landscape, sizes)) and len(sizes) == predicted and scale >= MIN_SCALE
    return {"file": str(xlsx), "pdf": str(pdf), "pages": len(sizes), "predicted_pages": predicted,
            "a4_landscape": all(map(is_a4_landscape, sizes)), "printed_scale": scale, **setup, "ok": ok}


def check_markers(pdf: Path, marks: dict[str, str]) -> list[str]:
    """The box ids whose end marker is not on the printed pages (clipped or lost)."""
    text = re.sub(r"\s+", "", pdf_text(pdf))
    return [box for box, mark in marks.items() if mark not in text]


def run(pictures: Path | None, work: Path) -> dict:
    from dialogue.sheet.render_filing_html import render_filing_html
    from dialogue.sheet.render_filing_xlsx import render_filing_xlsx

    html, xlsx = demo_files(work)  # exactly what `locaben demo -o DIR` filed
    report = {"html": check_html(html, work, expected_pages=2), "xlsx": check_xlsx(xlsx, work)}
    full = work / "full.html"
    full.write_text(render_filing_html(full_filing(work)), encoding="utf-8")
    report["full"] = check_html(full, work, expected_pages=2)
    long_filing, marks = demo_filing(work, repeat=LONG_REPEAT)
    long_html, long_xlsx = work / "long.html", work / "long.xlsx"
    long_html.write_text(render_filing_html(long_filing), encoding="utf-8")
    long_xlsx.write_bytes(render_filing_xlsx(long_filing))
    long_report = {"html": check_html(long_html, work, expected_pages=None), "xlsx": check_xlsx(long_xlsx, work)}
    long_report["html"]["lost"] = check_markers(Path(long_report["html"]["pdf"]), marks)
    long_report["xlsx"]["lost"] = check_markers(Path(long_report["xlsx"]["pdf"]), marks)
    long_report["ok"] = (long_report["html"]["ok"] and long_report["html"]["pages"] > 2
                         and not long_report["html"]["lost"] and long_report["xlsx"]["ok"]
                         and not long_report["xlsx"]["lost"])
    report["long"] = long_report
    if pictures is not None:
        report["pictures"] = make_pictures(Path(report["html"]["pdf"]), pictures)
    report["ok"] = report["html"]["ok"] and report["xlsx"]["ok"] and report["full"]["ok"] and long_report["ok"]
    return report


def make_pictures(pdf: Path, folder: Path) -> list[str]:
    """docs/filing-page-1.png and -2.png: the two filed pages as the README shows them."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / "filing-page"
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "2", str(pdf), str(prefix)], check=True)
    made = []
    for number in (1, 2):
        produced = next(folder.glob(f"filing-page-{number}.png"), None) or next(folder.glob(f"filing-page-0{number}.png"))
        target = folder / f"filing-page-{number}.png"
        produced.replace(target)
        made.append(str(target))
    return made


def summary(report: dict) -> str:
    html, xlsx, long = report["html"], report["xlsx"], report["long"]
    lines = [
        f"{'ok  ' if html['ok'] else 'FAIL'} filing HTML: {html['pages']} page(s) (expected 2), "
        f"A4 landscape: {html['a4_landscape']}",
        f"{'ok  ' if xlsx['ok'] else 'FAIL'} filing XLSX: {xlsx['pages']} page(s) (row heights predict "
        f"{xlsx['predicted_pages']}), printed at {xlsx['printed_scale']}% (≥ {MIN_SCALE}), "
        f"A4 landscape: {xlsx['a4_landscape']}; setup: "
        + "; ".join(f"{s['title']} scale {s['scale']}%, tallest row {s['tallest_row']:.0f} pt, smallest text "
                    f"{s['smallest_text']:.0f} pt, {s['pages']} page(s)" for s in xlsx["sheets"])
        + (f"; problems: {', '.join(xlsx['problems'])}" if xlsx["problems"] else ""),
        f"{'ok  ' if report['full']['ok'] else 'FAIL'} every box at its target's maximum: HTML "
        f"{report['full']['pages']} page(s) (expected 2)",
        f"{'ok  ' if long['ok'] else 'FAIL'} long interview (write-ups ×{LONG_REPEAT}): HTML {long['html']['pages']} "
        f"pages, XLSX {long['xlsx']['pages']} pages (predicted {long['xlsx']['predicted_pages']}), printed at "
        f"{long['xlsx']['printed_scale']}%; boxes not on paper: HTML {long['html']['lost'] or 'none'}, "
        f"XLSX {long['xlsx']['lost'] or 'none'}",
    ]
    lines += [f"wrote {p}" for p in report.get("pictures", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pictures", type=Path, metavar="DIR", help="write the two filed pages as PNG into DIR")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the HTML, XLSX and PDFs in DIR")
    args = parser.parse_args(argv)
    ensure_tools()
    work = args.keep or Path(tempfile.mkdtemp(prefix="print-check-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = run(args.pictures, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else summary(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
