"""Every script prints right in the PDFs: exported by the CLI with no system fonts, read
back with pdftotext (logical order, base letters), fonts checked glyph by glyph and
each note rendered with pdfium to prove it has ink."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb
from pypdf import PdfReader

from export.poster_plan import plan_poster
from journey.shaping import has_rtl
from tests.scripts_session import (
    NOTES,
    SIZE,
    TITLE,
    build,
    cli,
    no_system_fonts_env,
    norm,
    text_box,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")


def pdftotext(path: Path, box: tuple[float, float, float, float] | None = None,
              page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if box is not None:
        x, y, w, h = (round(v) for v in box)
        args += ["-r", "72", "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def poster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scripts-pdf")
    ex = build(tmp)
    env = no_system_fonts_env(tmp)
    out = cli(env, ex.db, "export", "poster", TITLE, "-o", str(tmp / "p.pdf"), "--size", SIZE)
    plan = plan_poster(ex.layout, ex.data, SIZE, voters={})
    return ex, plan, tmp / "p.pdf", out


def page_box(plan, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x, y, w, h = box
    k = plan.scale
    return plan.ox + x * k, plan.oy + y * k, w * k, h * k


def lines_match(got: str, want: list[str]) -> bool:
    """pdftotext's lines equal `want`, in logical order; a line that mixes directions
    is compared without its spaces, which poppler's simple bidi moves across the
    boundary of a number (it reads "ניסיתי  3פעמים")."""
    lines = [norm(ln) for ln in got.splitlines() if norm(ln)]
    if len(lines) != len(want):
        return False
    for a, b in zip(lines, want, strict=True):
        mixed = has_rtl(b) and any(ch.isascii() and ch.isalnum() for ch in b)
        if (a.replace(" ", "") != b.replace(" ", "")) if mixed else a != norm(b):
            return False
    return True


def test_poster_text_extracts_in_logical_order(poster) -> None:
    ex, plan, path, out = poster
    assert "no font can draw" not in out.stderr
    for name, text in NOTES.items():
        note = ex.notes[name]
        joined = "".join(ln.text for ln in note.lines).replace(" ", "")
        assert not note.truncated and joined == text.replace(" ", "")
        x, y, w, h = page_box(plan, (note.rect.x, note.rect.y, note.rect.w, note.rect.h))
        got = pdftotext(path, (x + 1, y + 1, w - 2, h - 2))
        assert lines_match(got, [ln.text for ln in note.lines]), f"{name}: {got!r}"


def codes_drawn(page) -> dict[str, set[int]]:
    """Font resource name -> the byte codes its Tj/TJ operators draw on the page."""
    from pypdf.generic import ContentStream

    out: dict[str, set[int]] = {}
    font = None
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"Tf":
            font = str(operands[0])
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            items = operands[0] if op == b"TJ" else operands[-1:]
            for item in items:
                if isinstance(item, bytes | str) and not isinstance(item, int | float):
                    data = item if isinstance(item, bytes) else item.original_bytes
                    out.setdefault(font, set()).update(data)
    return out


def used_glyphs_exist(path: Path) -> list[str]:
    """Every code drawn maps to a real glyph of its embedded subset (none to .notdef)."""
    bad = []
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for name, codes in codes_drawn(page).items():
            font = fonts[name].get_object()
            desc = font["/FontDescriptor"].get_object()
            data = desc["/FontFile2"].get_object().get_data()
            hbfont = hb.Font(hb.Face(hb.Blob(data)))
            bad += [f"{font['/BaseFont']} code {c}" for c in sorted(codes)
                    if not hbfont.get_nominal_glyph(c)]
    return bad


def test_poster_uses_no_notdef_glyph(poster) -> None:
    _, _, path, _ = poster
    assert used_glyphs_exist(path) == []


def test_poster_fonts_are_the_bundled_ones(poster) -> None:
    _, _, path, _ = poster
    names = set()
    for ref in PdfReader(path).pages[0]["/Resources"].get_object()["/Font"].values():
        names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    for want in ("NotoSansHebrew", "NotoSansArabic", "NotoSansDevanagari", "NotoSansThai",
                 "NanumGothic"):
        assert any(n.startswith(want) for n in names), (want, names)


def ink(image, box: tuple[float, float, float, float], px_per_pt: float) -> int:
    """Pixels in `box` (points) that differ clearly from the box's most common colour."""
    x, y, w, h = (v * px_per_pt for v in box)
    crop = image.crop((int(x), int(y), int(x + w) + 1, int(y + h) + 1)).convert("RGB")
    colours = crop.getcolors(crop.width * crop.height)
    bg = max(colours)[1]
    return sum(n for n, c in colours if max(abs(a - b) for a, b in zip(c, bg, strict=True)) > 80)


def render_pdf(path: Path, dpi: int, page: int = 0):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()


def test_poster_notes_have_ink_where_the_text_is(poster) -> None:
    ex, plan, path, _ = poster
    image = render_pdf(path, 150)
    for name in NOTES:
        assert ink(image, page_box(plan, text_box(ex.notes[name])), 150 / 72) > 30, name


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scripts-report")
    ex = build(tmp)
    env = no_system_fonts_env(tmp)
    out = cli(env, ex.db, "export", "report", TITLE, "-o", str(tmp / "r.pdf"))
    return ex, tmp / "r.pdf", out


def report_lines(path: Path) -> list[tuple[int, tuple[float, float, float, float], list[str]]]:
    """Every text line of the report: (page, box in points, its words in any order)."""
    import xml.etree.ElementTree as ET

    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    x = "{http://www.w3.org/1999/xhtml}"
    lines = []
    for number, page in enumerate(ET.fromstring(out).iter(x + "page"), 1):
        for line in page.iter(x + "line"):
            box = tuple(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            words = [w.text or "" for w in line.iter(x + "word")]
            # a word's characters come in drawing order: right to left ones reversed
            words = [w[::-1] if has_rtl(w) else w for w in words]
            lines.append((number, box, words))
    return lines


def test_report_text_extracts_in_logical_order(report) -> None:
    """Each note is a line of the report that reads in logical order. A right-to-left
    note is read from its own line's area, as a reader's selection does: poppler
    decides a direction per area, and the page as a whole is left to right."""
    _, path, out = report
    assert "no font can draw" not in out.stderr
    full = [norm(ln) for ln in pdftotext(path).splitlines()]
    lines = report_lines(path)
    for name, text in NOTES.items():
        if not has_rtl(text):
            assert any(norm(text) in ln for ln in full), f"{name}: {text!r} not extracted"
            continue
        want = sorted(norm(text).split())
        found = [(p, b) for p, b, words in lines
                 if sorted(norm(" ".join(words)).replace("•", "").split()) == want]
        assert found, f"{name}: no line holds the words of {text!r}"
        for page, (x0, y0, x1, y1) in found:
            got = pdftotext(path, (x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2), page)
            assert lines_match(got.replace("•", ""), [text]), f"{name}: {got!r}"


def test_report_uses_no_notdef_glyph(report) -> None:
    _, path, _ = report
    assert used_glyphs_exist(path) == []


def test_a_hebrew_title_reads_right_in_headings_headers_and_footers(library, tmp_path) -> None:
    from export.report_pdf import export_report_pdf
    from journey import ops

    title = "סדנה בתל אביב 2026"
    session = library.run(ops.create_session, title)
    path = tmp_path / "r.pdf"
    library.read(export_report_pdf, session.id, path)
    lines = [norm(ln) for ln in pdftotext(path).splitlines() if has_rtl(ln)]
    assert len(lines) >= 3  # the cover and every page's running header
    reversed_words = norm(title)[::-1]
    for line in lines:
        assert reversed_words.split()[0] not in line, line  # no word drawn backwards
        assert "סדנה" in line, line


def test_visual_runs_put_a_number_and_a_word_inside_hebrew() -> None:
    """The bidi levels (python-bidi) and the visual order the renderers share."""
    from journey.shaping import levels, visual_runs

    text = "ניסיתי 3 פעמים Safari"
    assert list(levels(text)) == [1] * 7 + [2] + [1] * 7 + [2] * 6
    runs = visual_runs(text)
    assert [r.text.strip() for r in runs if r.text.strip()] == ["Safari", "פעמים", "3",
                                                                  "ניסיתי"]
    assert [r.rtl for r in runs if r.text.strip()] == [False, True, False, True]
    xs = [r.dx for r in runs]
    assert xs == sorted(xs) and xs[0] == 0.0  # left to right, the layout's widths
    assert levels("plain English") == (0,) * 13


def test_hebrew_stage_names_read_right_in_the_contents(library, tmp_path) -> None:
    from export.report_pdf import export_report_pdf
    from journey import ops
    from journey.queries import load_map, maps_of

    session = library.run(ops.create_session, "Contents")
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    names = ["מודעות", "שקילה", "רכישה"]
    for stage, name in zip(data.stages, names, strict=False):
        library.run(ops.rename_stage, stage.id, name)
    path = tmp_path / "r.pdf"
    result = library.read(export_report_pdf, session.id, path)
    contents = next(p for _, t, p in result.headings if t == "Summary") - 1
    text = norm(pdftotext(path, page=contents))
    for name in names:
        assert name in text and name[::-1] not in text, (name, text)
