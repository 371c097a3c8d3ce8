"""Waymark: no arguments open the app; subcommands run the command-line interface.

Every subcommand works on the library given by `--db PATH`, else `WAYMARK_DB`,
else the user's data folder. A user's mistake (unknown session, bad file,
unwritable output) prints one line on stderr and exits with status 2; a bug
still shows its traceback, so it gets reported and fixed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_USER_ERROR = 2


class CliError(Exception):
    """A usage mistake detected by the CLI itself."""


def _library(args: argparse.Namespace):
    from storage import Library, library_path

    return Library(library_path(getattr(args, "db", None)))


def _session(lib, ref: str):
    from journey.queries import find_session

    return lib.read(find_session, ref)


def _map_data(lib, session_id: str, map_ref: str | None):
    from journey.queries import find_map, load_map

    jmap = lib.read(find_map, session_id, map_ref)
    return lib.read(load_map, jmap.id)


# -- subcommands -----------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from journey.queries import list_sessions

    with _library(args) as lib:
        rows = lib.read(list_sessions)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("The library is empty. Try `demo` or `new --title ...`.")
        return 0
    for r in rows:
        print(f"{r['id'][:8]}  {r['date'] or '----------':10}  {r['maps']:>2} maps  "
              f"{r['notes']:>5} notes  {r['title']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from journey.demo import add_demo_session

    with _library(args) as lib:
        session = lib.run(add_demo_session)
    print(f"added demo session {session.id} ({session.title})")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from journey import ops

    with _library(args) as lib:
        session = lib.run(ops.create_session, args.title, template=args.template,
                          date=args.date, facilitator=args.facilitator or "")
    print(f"created session {session.id} ({session.title})")
    return 0


IMPORT_KINDS = {"json": "json", "csv": "csv", "mermaid": "mermaid", "mmd": "mermaid"}


def cmd_import(args: argparse.Namespace) -> int:
    """`import FILE.json`, `import csv FILE --session S --map M`, `import mermaid FILE`."""
    if args.file is None:
        kind, path = None, Path(args.kind_or_file)
    elif args.kind_or_file.lower() in IMPORT_KINDS:
        kind, path = IMPORT_KINDS[args.kind_or_file.lower()], Path(args.file)
    else:
        raise CliError(f"waymark import: unknown kind {args.kind_or_file!r} "
                       "(json, csv or mermaid)")
    if kind is None:
        suffix = path.suffix.lower().lstrip(".")
        kind = IMPORT_KINDS.get(suffix, "json")
    if kind == "csv":
        return _import_csv(args, path)
    if kind == "mermaid":
        return _import_mermaid(args, path)
    from formats.session_json import import_session, read_json_file

    doc = read_json_file(path)
    with _library(args) as lib:
        session = lib.run(import_session, doc)
    print(f"imported session {session.id} ({session.title})")
    return 0


def _import_csv(args: argparse.Namespace, path: Path) -> int:
    from formats.csv_notes import import_csv
    from journey.queries import find_map

    if not args.session or not args.map:
        raise CliError("waymark import csv: give --session SESSION and --map MAP")
    with _library(args) as lib:
        session = _session(lib, args.session)
        jmap = lib.read(find_map, session.id, args.map)
        result = lib.run(import_csv, path, session.id, jmap.id,
                         create_missing=args.create_missing)
    extra = ""
    if result.stages_created or result.lanes_created:
        extra = (f" (created {len(result.stages_created)} stage(s), "
                 f"{len(result.lanes_created)} lane(s))")
    print(f"imported {result.notes_added} note(s) into {session.title} › {jmap.name}{extra}")
    if result.ignored_columns:
        cols = result.ignored_columns
        shown = ", ".join(c if len(c) <= 30 else c[:29] + "…" for c in cols[:5])
        more = f" … ({len(cols)} columns)" if len(cols) > 5 else ""
        print(f"ignored columns: {shown}{more}", file=sys.stderr)
    return 0


def _import_mermaid(args: argparse.Namespace, path: Path) -> int:
    from formats.mermaid import import_mermaid, read_mermaid_file

    text = read_mermaid_file(path)
    with _library(args) as lib:
        result = lib.run(import_mermaid, text, title=args.title)
    print(f"imported session {result.session_id} ({result.title}): {result.stages} stage(s), "
          f"{result.notes} note(s), {result.participants} participant(s)")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    from formats.session_json import write_session_json

    with _library(args) as lib:
        session = _session(lib, args.session)
        lib.read(write_session_json, session.id, Path(args.output))
    print(f"wrote {args.output}")
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from export.report_pdf import export_report_pdf

    with _library(args) as lib:
        session = _session(lib, args.session)
        result = lib.read(export_report_pdf, session.id, Path(args.output), paper=args.paper)
    print(f"wrote {args.output} ({result.pages} pages, {result.paper})")
    _warn(result)
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    from formats.csv_notes import export_csv

    with _library(args) as lib:
        session = _session(lib, args.session)
        rows = lib.read(export_csv, session.id, Path(args.output), map_id=args.map)
    print(f"wrote {args.output} ({rows} note(s))")
    return 0


def cmd_export_markdown(args: argparse.Namespace) -> int:
    from export.markdown import export_markdown

    with _library(args) as lib:
        session = _session(lib, args.session)
        lib.read(export_markdown, session.id, Path(args.output))
    print(f"wrote {args.output}")
    return 0


def cmd_export_mermaid(args: argparse.Namespace) -> int:
    from formats.mermaid import export_mermaid_file
    from journey.queries import find_map

    with _library(args) as lib:
        session = _session(lib, args.session)
        jmap = lib.read(find_map, session.id, args.map)
        lib.read(export_mermaid_file, jmap.id, Path(args.output))
    print(f"wrote {args.output}")
    return 0


POSTER_FORMATS = {".pdf": "pdf", ".png": "png"}


def _poster_inputs(args: argparse.Namespace):
    """The map, its layout and the voters' names (for the legend) of `args`."""
    from export.poster_parts import voter_names
    from journey.layout import layout_map

    with _library(args) as lib:
        session = _session(lib, args.session)
        data = _map_data(lib, session.id, args.map)
        voters = lib.read(voter_names, session.id)
    return data, layout_map(data), voters


def _margin_mm(spec: str) -> float:
    from export.pages import MM
    from export.tiles import parse_length

    return parse_length(spec, "margin") / MM


def _warn(result) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_export_poster(args: argparse.Namespace) -> int:
    """`export poster SESSION -o F [--format pdf|png] [--dpi N] [--size S] ...`."""
    out = Path(args.output)
    fmt = args.format or POSTER_FORMATS.get(out.suffix.lower(), "" if out.suffix else "pdf")
    if not fmt:
        raise CliError(f"waymark export poster: cannot tell the format of {out.name}; "
                       "use .pdf or .png, or --format")
    if args.dpi is not None and fmt != "png":
        raise CliError("waymark export poster: --dpi is for PNG posters (--format png)")
    margin = _margin_mm(args.margin)
    data, layout, voters = _poster_inputs(args)
    if fmt == "png":
        from export.poster_png import export_poster_png

        result = export_poster_png(layout, data, out, size=args.size,
                                   orientation=args.orientation, margin_mm=margin,
                                   dpi=args.dpi or 150, scale=args.scale, voters=voters)
        extra = f", {result.pixels[0]} × {result.pixels[1]} px at {result.dpi} dpi"
    else:
        from export.poster_pdf import export_poster_pdf

        result = export_poster_pdf(layout, data, out, size=args.size,
                                   orientation=args.orientation, margin_mm=margin,
                                   scale=args.scale, voters=voters, furniture=True)
        extra = ""
    w_mm, h_mm = (result.page_size[0] / 72 * 25.4, result.page_size[1] / 72 * 25.4)
    print(f"wrote {args.output} ({result.page_name}, {w_mm:.0f} × {h_mm:.0f} mm{extra}, "
          f"scale {result.scale * 100:.0f} %, smallest text {result.smallest_text_pt:.1f} pt)")
    _warn(result)
    return 0


def cmd_export_tiles(args: argparse.Namespace) -> int:
    """`export tiles SESSION -o F.pdf --paper A4 [--overlap 10mm] (--poster-size A1 | --grid 3x2)`."""
    from export.tiles import export_tiles_pdf

    margin = _margin_mm(args.margin)
    data, layout, voters = _poster_inputs(args)
    result = export_tiles_pdf(layout, data, Path(args.output), paper=args.paper,
                              poster_size=args.poster_size, grid=args.grid,
                              overlap=args.overlap, orientation=args.orientation,
                              margin_mm=margin, voters=voters)
    w_mm, h_mm = (result.poster_size[0] / 72 * 25.4, result.poster_size[1] / 72 * 25.4)
    print(f"wrote {args.output} ({result.poster_name} poster, {w_mm:.0f} × {h_mm:.0f} mm, on "
          f"{result.sheets} {result.paper_name} sheets: {result.rows} rows × {result.cols} "
          f"columns, overlap {result.overlap_mm:g} mm; {result.pages} pages with the assembly "
          f"sheet; smallest text {result.smallest_text_pt:.1f} pt)")
    _warn(result)
    return 0


def _open_in_app(db: Path) -> int | None:
    """The process id of a running Waymark that holds `db` open (its QLockFile:
    `<db>.lock`, whose first line is the holder's pid); None if none does."""
    try:
        pid = int((Path(f"{db}.lock").read_text(errors="replace").split() or ["0"])[0])
    except (OSError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid() or os.name != "posix":
        return None  # on Windows os.kill would end the process, not probe it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a lock left by a crash
    except PermissionError:
        return pid
    return pid


def cmd_recover(args: argparse.Namespace) -> int:
    """`recover [--from BACKUP] [--list]`: the newest good backup in place of a damaged
    library; the damaged file is kept beside it (storage.backups.recover)."""
    from storage import library_path
    from storage.backups import backup_folder, check_backups, recover

    db = library_path(getattr(args, "db", None))
    if args.list:
        infos = check_backups(db)
        if not infos:
            print(f"no backups of {db} (the app makes them in {backup_folder(db)} "
                  "when it starts)")
        for info in infos:
            state = "ok" if info.problem is None else f"damaged: {info.problem}"
            sessions = f"{info.sessions} session{'' if info.sessions == 1 else 's'}"
            print(f"{info.taken:%Y-%m-%d %H:%M}  {sessions:>13}  {state:<8}  {info.path.name}")
        return 0
    pid = _open_in_app(db)
    if pid is not None:
        raise CliError(f"{db} is open in Waymark (process {pid}); quit it first")
    source = None
    if args.source:
        source = Path(args.source).expanduser()
        if not source.exists() and (backup_folder(db) / args.source).exists():
            source = backup_folder(db) / args.source
    print(recover(db, source=source).summary())
    return 0


# -- the parser ----------------------------------------------------------------------

def _add_db(p: argparse.ArgumentParser, top: bool = False) -> None:
    p.add_argument("--db", metavar="PATH", default=None if top else argparse.SUPPRESS,
                   help="library file (default: $WAYMARK_DB or the user's data folder)")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2, like every user error
        raise CliError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="waymark", description="Customer journey mapping workshops.")
    _add_db(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("list", help="list the sessions in the library")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    _add_db(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("demo", help="add the Coffee subscription demo session")
    _add_db(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("new", help="create a session from a template")
    p.add_argument("--title", required=True)
    p.add_argument("--template", default="Customer lifecycle",
                   help="built-in or saved template name (default: Customer lifecycle)")
    p.add_argument("--date", default=None, help="workshop date YYYY-MM-DD (default: today)")
    p.add_argument("--facilitator", default="")
    _add_db(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "import", help="import a session (JSON, Mermaid) or notes (CSV)",
        usage="waymark import FILE.json | csv FILE.csv --session S --map M "
              "[--create-missing] | mermaid FILE.mmd [--title T]")
    p.add_argument("kind_or_file", metavar="[KIND] FILE")
    p.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    p.add_argument("--session", help="CSV: the session to import into (id or title)")
    p.add_argument("--map", help="CSV: the map to import into (name or id)")
    p.add_argument("--create-missing", action="store_true",
                   help="CSV: create stages and lanes named in the file that the map lacks")
    p.add_argument("--title", help="Mermaid: the new session's title")
    _add_db(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("recover", help="replace a damaged library by its newest good backup")
    p.add_argument("--from", dest="source", metavar="BACKUP", default=None,
                   help="this backup (a file, or a name from --list) instead of the newest good one")
    p.add_argument("--list", action="store_true", help="list the backups, newest first, checked")
    _add_db(p)
    p.set_defaults(func=cmd_recover)

    exp = sub.add_parser("export", help="export a session").add_subparsers(
        dest="what", metavar="KIND", parser_class=_Parser, required=True)
    p = exp.add_parser("json", help="the whole session as Waymark JSON")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    _add_db(p)
    p.set_defaults(func=cmd_export_json)

    p = exp.add_parser("report", help="the workshop report as PDF")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--paper", default="A4", type=str.upper, choices=["A4", "LETTER"],
                   help="A4 or letter (default A4)")
    _add_db(p)
    p.set_defaults(func=cmd_export_report)

    p = exp.add_parser("csv", help="the notes as CSV for spreadsheets")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.add_argument("--map", default=None, help="only this map (default: every map)")
    _add_db(p)
    p.set_defaults(func=cmd_export_csv)

    p = exp.add_parser("markdown", help="the report's content as Markdown")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.md")
    _add_db(p)
    p.set_defaults(func=cmd_export_markdown)

    p = exp.add_parser("mermaid", help="a map as a Mermaid journey diagram")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.mmd")
    p.add_argument("--map", default=None, help="map name (default: the first map)")
    _add_db(p)
    p.set_defaults(func=cmd_export_mermaid)

    p = exp.add_parser("poster", help="a map as a poster: vector PDF or PNG")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.png")
    p.add_argument("--format", choices=["pdf", "png"], type=str.lower, default=None,
                   help="pdf or png (default: from the file's extension)")
    p.add_argument("--dpi", type=int, default=None, help="PNG resolution, 72–600 (default 150)")
    p.add_argument("--size", default="A0",
                   help="A0–A5, Letter, Legal, Tabloid, ARCH C/D/E, or WxHmm / WxHin")
    p.add_argument("--orientation", choices=["landscape", "portrait", "auto"], default="auto")
    p.add_argument("--margin", default="10mm", help="page margin (default 10mm)")
    p.add_argument("--scale", default="fit",
                   help="fit (default), a percentage such as 50%%, or 1:1 (actual size)")
    p.add_argument("--map", default=None, help="map name (default: the first map)")
    _add_db(p)
    p.set_defaults(func=cmd_export_poster)

    p = exp.add_parser("tiles", help="a map as a poster tiled over A4/Letter/A3 sheets (PDF)")
    p.add_argument("session", metavar="SESSION", help="session id or unique title")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--paper", default="A4", help="the printer's sheets: A4, Letter, A3 …")
    p.add_argument("--overlap", default="10mm", help="poster shared by neighbours (10mm)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--poster-size", help="finished poster size, e.g. A1 or 600x900mm")
    how.add_argument("--grid", help="COLUMNSxROWS of sheets, e.g. 3x2")
    p.add_argument("--orientation", choices=["landscape", "portrait", "auto"], default="auto",
                   help="of the poster (with --poster-size)")
    p.add_argument("--margin", default="10mm", help="the poster's own margin (default 10mm)")
    p.add_argument("--map", default=None, help="map name (default: the first map)")
    _add_db(p)
    p.set_defaults(func=cmd_export_tiles)
    return parser


def run_cli(argv: Sequence[str]) -> int:
    from journey.errors import WaymarkError

    args = None
    try:
        args = build_parser().parse_args(list(argv))
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            raise CliError("waymark: give a command (see --help)")
        return func(args)
    except (CliError, WaymarkError) as exc:
        message = "; ".join(ln.strip() for ln in str(exc).splitlines() if ln.strip())
        if " is damaged" in message and getattr(args, "func", None) is not cmd_recover:
            message += "; run `waymark recover`"
        print(f"error: {message}" if not message.startswith("waymark") else message,
              file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:  # e.g. a library folder that cannot be created
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _app_db(argv: Sequence[str]) -> tuple[Any, list[str]]:
    """The `--db` of an app start, and whatever else was given (then it's the CLI)."""
    parser = _Parser(prog="waymark", add_help=False)
    _add_db(parser, top=True)
    known, rest = parser.parse_known_args(list(argv))
    return known.db, rest


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        db, rest = _app_db(argv)
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER_ERROR
    if not rest:
        from storage import library_path
        from ui.app import run_app

        status = run_app(library_path(db))
        # Quitting: the window is closed, the settings written, the library closed.
        # What is left is Python tearing down its objects, and the collector's passes
        # over all of them (the modules, thousands of canvas items) took most of the
        # quit time; frozen objects are still freed, just not scanned for cycles.
        gc.freeze()
        return status
    return run_cli(argv)


if __name__ == "__main__":
    sys.exit(main())
