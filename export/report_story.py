"""The report's story: the flowables of every chapter, in order.

`report_pdf` owns the document (pages, fonts, contents, file); this module
says what is on the pages, chapter by chapter, from the `ReportModel` that
the Markdown export reads too.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from journey.layout import MapLayout
from journey.models import LaneKind, lane_kind_label
from journey.palette import curve_colours
from journey.wording import plural

from .photo_check import PLACEHOLDER_FILL, PLACEHOLDER_STROKE, usable_photo
from .report_charts import (
    NAVY,
    OPPORTUNITY,
    PAIN,
    CurveChart,
    MapFigure,
    MatrixChart,
    MatrixPoint,
    Series,
)
from .report_model import Comparison, Item, MapReport, ReportModel, score_text
from .report_text import Heading, para, rich, table_style, text

ZEBRA = "#F6F8FA"
LINE = "#D5DBE1"
BEFORE_COLOUR = "#8E99A6"
AFTER_COLOUR = "#0072B2"


def _cell(value: str, bold: bool = False, muted: str = ""):
    """A table cell of user text (escaped), with an optional muted second line."""
    extra = f'<br/><font color="#5B6573" size="7">{rich(muted)}</font>' if muted else ""
    return text(value, "cell", bold, suffix=extra)


def _head(*names: str) -> list:
    return [para(rich(n), "cellhead") for n in names]


def _table(rows: list[list], widths: list[float | None], total: float,
           zebra: bool = True) -> Table:
    """A report table: navy header repeated on each page, rows split across pages.

    `widths` are relative weights scaled to `total`; with None entries the
    numbers are points and the None columns share what is left."""
    if None in widths:
        fixed = sum(w for w in widths if w is not None)
        flex = max(40.0, (total - fixed) / widths.count(None))
        cols = [flex if w is None else w for w in widths]
    else:
        scale = total / sum(w for w in widths if w is not None)
        cols = [w * scale for w in widths if w is not None]
    t = Table(rows, colWidths=cols, repeatRows=1, splitInRow=1, hAlign="LEFT")
    style = table_style(
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(NAVY)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(LINE)),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    )
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1),
                      [colors.white, colors.HexColor(ZEBRA)]))
    t.setStyle(TableStyle(style))
    return t


def _votes(n: int) -> str:
    if not n:
        return ""
    dots = "●" * min(n, 10) + ("+" if n > 10 else "")
    return f' <font color="{PAIN}">{dots}</font> <font color="#5B6573">{n} ' \
           f'vote{"s" if n != 1 else ""}</font>'


# -- chapters ---------------------------------------------------------------------

def cover(model: ReportModel) -> list[Flowable]:
    s = model.session
    out: list[Flowable] = [Spacer(1, 30 * mm), text(s.title, "title", True),
                           para("Customer journey workshop report", "subtitle")]
    facts = [("Date", s.date), ("Facilitator", s.facilitator),
             ("Participants", ", ".join(p.name for p in model.participants)),
             ("Goal", s.goal),
             ("Maps", ", ".join(m.name for m in model.maps)),
             ("Personas", ", ".join(p.name for p in model.personas))]
    rows = [[para(rich(k, True), "body"), text(v)] for k, v in facts if v]
    if rows:
        t = Table(rows, colWidths=[32 * mm, None], splitInRow=1, hAlign="LEFT")  # a long goal
        t.setStyle(TableStyle(table_style(
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(LINE)),
            ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), 0))))
        out.append(t)
    if s.notes:
        out += [Spacer(1, 8 * mm), text(s.notes, "muted")]
    return out


def summary(model: ReportModel, width: float) -> list[Flowable]:
    out: list[Flowable] = [Heading("Summary", 0)]
    if not model.maps:
        return out + [para("This session has no maps yet.")]
    out.append(para(
        f"{plural(len(model.maps), 'map')}, {plural(len(model.all_items), 'note')}, "
        f"{plural(model.total_votes, 'vote')} from "
        f"{plural(len(model.participants), 'participant')}."))
    if model.kind_counts:
        multi = len(model.maps) > 1
        rows = [_head("Lane kind", *[m.name for m in model.maps], *(["Total"] if multi else []))]
        for label, per_map, total in model.kind_counts:
            rows.append([_cell(label)] + [_cell(str(c)) for c in per_map]
                        + ([_cell(str(total), True)] if multi else []))
        widths = [3] + [1.6] * len(model.maps) + ([1.2] if multi else [])
        out += [Heading("Notes per lane kind", 1),
                _table(rows, widths, min(width, 110 + 80 * (len(widths) - 1)))]
    for title, items in (("Top pain points", model.top_pain_points),
                         ("Top opportunities", model.top_opportunities)):
        out.append(Heading(title, 1))
        if not items:
            out.append(para("No votes were cast on these yet.", "muted"))
            continue
        rows = [_head("Votes", "Note", "Where")]
        for i in items:
            rows.append([_cell(str(i.votes), True), _cell(i.note.text),
                         _cell(i.where, muted=i.map.name if len(model.maps) > 1 else "")])
        out.append(_table(rows, [1, 7, 3.2], width))
    if model.curves:
        out.append(Heading("Emotional highs and lows", 1))
        rows = [_head("Map", "Curve", "Lowest moment", "Highest moment")]
        signed = {r.name: r.data.map.scale_min < 0 for r in model.maps}
        for c in model.curves:
            sg = signed.get(c.map, True)
            rows.append([_cell(c.map), _cell(c.curve)] + [
                _cell(f"{m.stage}: {score_text(m.score, sg)}", True, m.label)
                for m in (c.lowest, c.highest)])
        out.append(_table(rows, [2, 2.4, 3, 3], width))
    return out


def _photo_placeholder() -> Flowable:
    """A pale square where a damaged photo would be (export_report_pdf warns about it)."""
    box = Table([[""]], colWidths=[32 * mm], rowHeights=[32 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), colors.HexColor(PLACEHOLDER_FILL)),
                             ("BOX", (0, 0), (0, 0), 0.75, colors.HexColor(PLACEHOLDER_STROKE))]))
    return box


def personas(model: ReportModel, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for n, p in enumerate(model.personas):
        out += [PageBreak()] if n else [PageBreak(), Heading("Personas", 0)]
        out.append(Heading(p.name, 1))
        intro: list[Flowable] = []
        if p.role:
            intro.append(text(p.role, "muted"))
        maps = [m.name for m in model.maps if m.data.map.persona_id == p.id]
        if maps:
            intro.append(text(", ".join(maps), "muted", prefix="Journey maps: "))
        if p.quote:
            intro.append(text(p.quote, "quote", prefix="“", suffix="”"))
        if p.photo:
            photo = usable_photo(p.photo)  # decoded in full: a damaged one is a placeholder
            img: Flowable = _photo_placeholder() if photo is None else Image(
                io.BytesIO(photo), width=32 * mm, height=32 * mm, kind="proportional")
            t = Table([[img, intro]], colWidths=[38 * mm, width - 38 * mm], splitInRow=1,
                      hAlign="LEFT")
            t.setStyle(TableStyle(table_style(("LEFTPADDING", (0, 0), (-1, -1), 0))))
            intro = [t]
        out += intro
        cols = []
        for title, body in (("Goals", p.goals), ("Frustrations", p.frustrations)):
            lines = [x.strip("•-* \t") for x in (body or "").splitlines() if x.strip()]
            cols.append([para(rich(title, True), "lane")]
                        + [text(x, "bullet", bulletText="•") for x in lines]
                        or [para("—", "muted")])
        t = Table([cols], colWidths=[width / 2] * 2, splitInRow=1, hAlign="LEFT")
        t.setStyle(TableStyle(table_style(("LEFTPADDING", (0, 0), (-1, -1), 0))))
        out.append(t)
    return out


def _curve_series(rep: MapReport) -> list[Series]:
    index = {s.id: k for k, s in enumerate(rep.data.stages)}
    out = []
    colours = curve_colours([cd.curve.colour for cd in rep.data.curves])
    for cd, colour in zip(rep.data.curves, colours, strict=True):
        per_stage: dict[str, int] = {}
        for p in cd.points:
            per_stage[p.stage_id] = per_stage.get(p.stage_id, 0) + 1
        seen: dict[str, int] = {}
        pts = []
        for p in cd.points:
            k = seen.get(p.stage_id, 0)
            seen[p.stage_id] = k + 1
            pts.append((index[p.stage_id], (k + 1) / (per_stage[p.stage_id] + 1), p.score,
                        p.label))
        if pts:
            out.append(Series(cd.curve.name, colour, pts))
    return out


def _note_line(item: Item):
    author = f' <font color="#5B6573">— {rich(item.note.author)}</font>' \
        if item.note.author else ""
    tags = f' <font color="#5B6573" size="7.5">[{rich(item.note.tags)}]</font>' \
        if item.note.tags else ""
    return text(item.note.text or "(empty note)", "bullet", bulletText="•",
                suffix=_votes(item.votes) + author + tags)


def map_chapter(rep: MapReport, layout: MapLayout, width: float) -> list[Flowable]:
    data = rep.data
    lo, hi = data.map.scale_min, data.map.scale_max
    facts = [f"Persona: {data.persona.name}" if data.persona else "",
             f"{plural(len(data.stages), 'stage')}, {plural(len(data.lanes), 'lane')}, "
             f"{plural(len(rep.items), 'note')}, "
             f"{plural(sum(i.votes for i in rep.items), 'vote')}",
             f"emotion scale {lo} to {hi}".replace("-", "−")]
    out: list[Flowable] = [
        NextPageTemplate("wide"), PageBreak(), Heading(f"Map: {rep.name}", 0),
        text(" · ".join(f for f in facts if f), "muted"), MapFigure(layout),
        NextPageTemplate("body"), PageBreak(), Heading(f"{rep.name}: emotion curve", 1),
    ]
    series = _curve_series(rep)
    if series and data.stages:
        out.append(CurveChart([s.name for s in data.stages], series, lo, hi, height=210))
    else:
        out.append(para("No emotion curve was drawn on this map.", "muted"))
    for stage in data.stages:
        out += [CondPageBreak(90), Heading(stage.name, 1)]
        if stage.description:
            out.append(text(stage.description, "muted"))
        for cd in data.curves:
            pts = [p for p in cd.points if p.stage_id == stage.id]
            if pts:
                scores = ", ".join(score_text(p.score, lo < 0) + (f" ({p.label})" if p.label
                                                                   else "") for p in pts)
                who = f" — {cd.curve.name}" if len(data.curves) > 1 else ""
                out.append(text(f"Emotion: {scores}{who}", "muted"))
        empty = True
        for lane in data.lanes:
            items = rep.cell(stage.id, lane.id)
            if not items:
                continue
            empty = False
            label = lane.name
            kl = lane_kind_label(lane.kind)
            if lane.kind != LaneKind.CUSTOM and kl.casefold() != lane.name.casefold():
                label += f" ({kl.lower()})"
            out.append(text(label, "lane", True))
            out += [_note_line(i) for i in items]
        if empty:
            out.append(para("No notes in this stage.", "muted"))
    return out


def comparison(cmp: Comparison, width: float) -> list[Flowable]:
    b, a = cmp.before, cmp.after
    lo, hi = b.data.map.scale_min, b.data.map.scale_max
    signed = lo < 0
    out: list[Flowable] = [PageBreak(), Heading(f"{b.name} vs {a.name}", 0),
                           Heading("Stages and emotion curve", 1)]
    names = [c.name for c in cmp.stages]
    series = []
    for label, colour, attr in ((b.name, BEFORE_COLOUR, "before"),
                                (a.name, AFTER_COLOUR, "after")):
        pts = [(k, 0.5, getattr(c, attr), "") for k, c in enumerate(cmp.stages)
               if getattr(c, attr) is not None]
        series.append(Series(label, colour, pts, dashed=attr == "before"))
    if names:
        out.append(CurveChart(names, series, lo, hi, height=180))
    rows = [_head("Stage", b.name, a.name, "Change", "Status")]
    for c in cmp.stages:
        delta = score_text(c.after - c.before, True) if None not in (c.before, c.after) else ""
        rows.append([_cell(c.name), _cell(score_text(c.before, signed)),
                     _cell(score_text(c.after, signed)), _cell(delta, True),
                     _cell({"kept": "in both", "added": f"new in {a.name}",
                            "removed": f"not in {a.name}"}[c.status])])
    out.append(_table(rows, [3, 1.6, 1.6, 1.2, 2.6], width))
    out.append(Heading("What changed", 1))
    out.append(para(f"{plural(len(cmp.added), 'note')} added, "
                    f"{plural(len(cmp.removed), 'note')} removed, "
                    f"{plural(len(cmp.moved), 'note')} moved (notes are matched by text).",
                    "muted"))
    for title, items in ((f"New in {a.name}", cmp.added), (f"Not in {a.name}", cmp.removed)):
        if not items:
            continue
        out.append(text(title, "h3", True))
        rows = [_head("Stage", "Lane", "Note")]
        rows += [[_cell(i.stage.name), _cell(i.lane.name), _cell(i.note.text)] for i in items]
        out.append(_table(rows, [2, 2, 6], width))
    if cmp.moved:
        out.append(text("Moved", "h3", True))
        rows = [_head("Note", f"In {b.name}", f"In {a.name}")]
        rows += [[_cell(x.note.text), _cell(x.where), _cell(y.where)] for x, y in cmp.moved]
        out.append(_table(rows, [5, 2.5, 2.5], width))
    return out


def action_plan(model: ReportModel, width: float) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), Heading("Action plan", 0)]
    if not model.actions:
        return out + [para("No pain points or opportunities yet.")]
    out.append(para(
        f'Pain points (<font color="{PAIN}">●</font>) and opportunities '
        f'(<font color="{OPPORTUNITY}">●</font>), by priority and then votes. The numbers '
        f"match the impact/effort matrix.", "muted"))
    multi = len(model.maps) > 1
    rows = [_head("#", "Item", "Stage", "Votes", "Owner", "Priority", "Impact", "Effort",
                  "Status")]
    for i in model.actions:
        colour = PAIN if i.kind == LaneKind.PAIN_POINTS else OPPORTUNITY
        maps = ", ".join([i.map.name, *i.also_in]) if multi else ""
        rows.append([
            para(f'<font color="{colour}">●</font>&nbsp;{i.number}', "cell"),
            _cell(i.note.text, muted=i.note.tags), _cell(i.stage.name, muted=maps),
            _cell(str(i.votes)), _cell(i.note.owner), _cell(i.note.priority),
            _cell(str(i.note.impact or "")), _cell(str(i.note.effort or "")),
            _cell(i.note.status)])
    out.append(_table(rows, [30, None, 72, 32, 52, 44, 40, 38, 56], width))
    rated = [i for i in model.actions if i.note.impact and i.note.effort]
    out += [CondPageBreak(380), Heading("Impact and effort", 1)]
    if rated:
        pts = [MatrixPoint(i.number, i.note.impact or 0, i.note.effort or 0,
                           i.kind == LaneKind.PAIN_POINTS) for i in rated]
        out.append(MatrixChart(pts, size=min(300, width - 120)))
    unrated = [i for i in model.actions if not (i.note.impact and i.note.effort)]
    if unrated:
        nums = ", ".join(f"#{i.number}" for i in unrated)
        out.append(para(f"Not rated for impact and effort yet: {nums}.", "muted"))
    return out


def appendix(model: ReportModel, width: float) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), Heading("Appendix: all notes", 0)]
    if not model.all_items:
        return out + [para("No notes yet.")]
    for rep in model.maps:
        if not rep.items:
            continue
        out.append(Heading(f"{rep.name}: all notes", 1))
        rows = [_head("Stage", "Lane", "Note", "Author", "Votes")]
        for i in rep.items:
            rows.append([_cell(i.stage.name), _cell(i.lane.name),
                         _cell(i.note.text, muted=i.note.tags), _cell(i.note.author),
                         _cell(str(i.votes) if i.votes else "")])
        out.append(_table(rows, [2, 2, 7, 1.8, 1], width))
    return out


def build_story(model: ReportModel, layouts: dict[str, MapLayout], doc, toc) -> list[Flowable]:
    width = doc.width
    story: list[Flowable] = cover(model)
    story += [NextPageTemplate("body"), PageBreak(), Heading("Contents", 0, toc=False), toc,
              PageBreak()]
    story += summary(model, width)
    story += personas(model, width)
    for rep in model.maps:
        story += map_chapter(rep, layouts[rep.data.map.id], width)
    for cmp in model.comparisons:
        story += comparison(cmp, width)
    story += action_plan(model, width)
    story += appendix(model, width)
    return story
