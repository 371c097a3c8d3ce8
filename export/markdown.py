"""The workshop report as Markdown, for wikis (GitHub, GitLab, Confluence, Notion).

Same content and order as the PDF report (both read `report_model`): title and
meta, summary, personas, each map stage by stage with votes, the current vs
future comparison, the action plan table and an appendix of every note.
User text is escaped so a note like ``*urgent* | <b>`` shows as typed and
cannot break a table; line breaks inside notes become ``<br>``.
"""

from __future__ import annotations

import os
import re

from sqlmodel import Session as Db

from journey.models import lane_kind_label
from journey.wording import plural
from storage.atomic import write_text_atomic

from .report_model import (
    Comparison,
    Item,
    MapReport,
    ReportModel,
    build_report_model,
    score_text,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def md(text: str) -> str:
    """User text as inline Markdown that renders exactly as typed, on one line."""
    text = _SPECIAL.sub(r"\\\1", text or "")
    text = re.sub(r"&(?=[#A-Za-z0-9]+;)", "&amp;", text)
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return "<br>".join(line for line in lines if line) if len(lines) > 1 else text.strip()


def _votes(n: int) -> str:
    return plural(n, "vote")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return out + [""]


def _item_line(item: Item, with_lane: bool = False) -> str:
    parts = [md(item.note.text) or "*(empty note)*"]
    extra = []
    if item.votes:
        extra.append(f"**{_votes(item.votes)}**")
    if with_lane:
        extra.append(md(f"{item.map.name}: {item.where}"))
    if item.note.author:
        extra.append(f"by {md(item.note.author)}")
    if item.note.tags:
        extra.append("tags: " + md(item.note.tags))
    return parts[0] + (f" — {', '.join(extra)}" if extra else "")


def _signed(rep: MapReport) -> bool:
    return rep.data.map.scale_min < 0


def _meta(model: ReportModel) -> list[str]:
    s = model.session
    out = [f"# {md(s.title)}", "", "*Customer journey workshop report*", ""]
    facts = [("Date", s.date), ("Facilitator", s.facilitator),
             ("Participants", ", ".join(p.name for p in model.participants)),
             ("Goal", s.goal), ("Notes", s.notes)]
    out += [f"- **{k}:** {md(v)}" for k, v in facts if v]
    return out + [""]


def _summary(model: ReportModel) -> list[str]:
    out = ["## Summary", ""]
    if not model.maps:
        return out + ["This session has no maps yet.", ""]
    out.append(f"{plural(len(model.maps), 'map')}, {plural(len(model.all_items), 'note')}, "
               f"{plural(model.total_votes, 'vote')} from "
               f"{plural(len(model.participants), 'participant')}.")
    out.append("")
    if model.kind_counts:
        header = ["Lane kind"] + [md(m.name) for m in model.maps]
        header += ["Total"] if len(model.maps) > 1 else []
        rows = [[label] + [str(c) for c in per_map] + ([str(total)] if len(model.maps) > 1
                                                       else [])
                for label, per_map, total in model.kind_counts]
        out += _table(header, rows)
    for title, items in (("Top pain points", model.top_pain_points),
                         ("Top opportunities", model.top_opportunities)):
        out += [f"### {title}", ""]
        out += [f"{n}. " + _item_line(i, True) for n, i in enumerate(items, 1)] or \
            ["No votes were cast on these yet."]
        out.append("")
    if model.curves:
        out += ["### Emotional highs and lows", ""]
        for c in model.curves:
            signed = next((_signed(r) for r in model.maps if r.name == c.map), True)
            for word, m in (("Lowest", c.lowest), ("Highest", c.highest)):
                label = f" ({md(m.label)})" if m.label else ""
                out.append(f"- {md(c.map)}, {md(c.curve)} — {word}: **{md(m.stage)}** "
                           f"{score_text(m.score, signed)}{label}")
        out.append("")
    return out


def _personas(model: ReportModel) -> list[str]:
    if not model.personas:
        return []
    out = ["## Personas", ""]
    for p in model.personas:
        out += [f"### {md(p.name)}", ""]
        if p.role:
            out += [f"*{md(p.role)}*", ""]
        if p.quote:
            out += [f"> {md(p.quote)}", ""]
        for title, text in (("Goals", p.goals), ("Frustrations", p.frustrations)):
            lines = [line.strip("•-* \t") for line in (text or "").splitlines() if line.strip()]
            if lines:
                out += [f"**{title}**", ""] + [f"- {md(line)}" for line in lines] + [""]
    return out


def _map(rep: MapReport) -> list[str]:
    data = rep.data
    out = [f"## Map: {md(rep.name)}", ""]
    if data.persona:
        out += [f"Persona: **{md(data.persona.name)}**", ""]
    signed = _signed(rep)
    if any(cd.points for cd in data.curves):
        out += [f"### Emotion curve ({data.map.scale_min} to {data.map.scale_max})", ""]
        header = ["Stage"] + [md(cd.curve.name) for cd in data.curves]
        rows = []
        for stage in data.stages:
            cells = []
            for cd in data.curves:
                pts = [p for p in cd.points if p.stage_id == stage.id]
                cells.append("; ".join(score_text(p.score, signed)
                                       + (f" {md(p.label)}" if p.label else "") for p in pts))
            rows.append([md(stage.name)] + cells)
        out += _table(header, rows)
    for stage in data.stages:
        out += [f"### {md(stage.name)}", ""]
        if stage.description:
            out += [md(stage.description), ""]
        empty = True
        for lane in data.lanes:
            items = rep.cell(stage.id, lane.id)
            if not items:
                continue
            empty = False
            out += [f"**{md(lane.name)}**", ""] + [f"- {_item_line(i)}" for i in items] + [""]
        if empty:
            out += ["*No notes in this stage.*", ""]
    return out


def _comparison(cmp: Comparison) -> list[str]:
    b, a = cmp.before, cmp.after
    out = [f"## Comparison: {md(b.name)} → {md(a.name)}", "", "### Stages and curve", ""]
    signed = _signed(b)
    rows = []
    for ch in cmp.stages:
        delta = ""
        if ch.before is not None and ch.after is not None:
            delta = score_text(ch.after - ch.before, True)
        status = {"kept": "in both", "added": f"new in {a.name}",
                  "removed": f"not in {a.name}"}[ch.status]
        rows.append([md(ch.name), score_text(ch.before, signed), score_text(ch.after, signed),
                     delta, md(status)])
    out += _table(["Stage", md(b.name), md(a.name), "Change", "Status"], rows)
    out += [f"{plural(len(cmp.added), 'note')} added, {plural(len(cmp.removed), 'note')} "
            f"removed, {plural(len(cmp.moved), 'note')} moved (notes are matched by text).", ""]
    for title, items in ((f"New in {md(a.name)}", cmp.added),
                         (f"Not in {md(a.name)}", cmp.removed)):
        out += [f"### {title}", ""]
        out += [f"- {md(i.note.text)} — {md(i.where)}" for i in items] or ["None."]
        out.append("")
    if cmp.moved:
        out += ["### Moved", ""]
        out += [f"- {md(x.note.text)} — {md(x.where)} → {md(y.where)}" for x, y in cmp.moved]
        out.append("")
    return out


def _action_plan(model: ReportModel) -> list[str]:
    out = ["## Action plan", ""]
    if not model.actions:
        return out + ["No pain points or opportunities yet.", ""]
    multi = len(model.maps) > 1
    header = ["#", "Item", "Kind", "Where", "Votes", "Owner", "Priority", "Impact", "Effort",
              "Status"]
    rows = []
    for i in model.actions:
        where = (f"{i.map.name}: " if multi else "") + i.stage.name
        rows.append([str(i.number), md(i.note.text), lane_kind_label(i.kind), md(where), str(i.votes),
                     md(i.note.owner), i.note.priority, str(i.note.impact or ""),
                     str(i.note.effort or ""), i.note.status])
    return out + _table(header, rows)


def _appendix(model: ReportModel) -> list[str]:
    out = ["## Appendix: all notes", ""]
    if not model.all_items:
        return out + ["No notes.", ""]
    for rep in model.maps:
        if not rep.items:
            continue
        out += [f"### {md(rep.name)}", ""]
        rows = [[md(i.stage.name), md(i.lane.name), md(i.note.text), md(i.note.author),
                 str(i.votes), md(i.note.tags)] for i in rep.items]
        out += _table(["Stage", "Lane", "Note", "Author", "Votes", "Tags"], rows)
    return out


def markdown_text(model: ReportModel) -> str:
    out = _meta(model) + _summary(model) + _personas(model)
    for rep in model.maps:
        out += _map(rep)
    for cmp in model.comparisons:
        out += _comparison(cmp)
    out += _action_plan(model) + _appendix(model)
    return "\n".join(out).rstrip("\n") + "\n"


def export_markdown(db: Db, session_id: str, path: str | os.PathLike[str]) -> None:
    """Write the session's report as Markdown (UTF-8) to `path`, atomically."""
    write_text_atomic(path, markdown_text(build_report_model(db, session_id)))
