"""Block moves of notes: `ops.move_notes` puts notes, in the order given, as one block
before the index-th of the target cell's other notes, and `ops.place_notes` puts
them back exactly. Checked on a real SQLite library against a plain list model."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from journey import ops
from journey.errors import InvalidEdit, NotFound, WaymarkError
from journey.models import Note
from journey.queries import find_map, load_map

Cell = tuple[str, str]
COUNTS = {"A": 5, "B": 3, "C": 2, "D": 0}  # notes per named cell; D starts empty


@pytest.fixture
def board(library):
    """(library, map id, {"A".."D": cell}, {text: note id}); notes are named by cell: A0…A4."""
    session = library.run(ops.create_session, "Blocks")
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    s, ln = [x.id for x in data.stages], [x.id for x in data.lanes]
    cells = {"A": (s[0], ln[0]), "B": (s[1], ln[0]), "C": (s[0], ln[1]), "D": (s[2], ln[1])}
    specs = [ops.NewNote(*cells[name], text=f"{name}{i}")
             for name, n in COUNTS.items() for i in range(n)]
    notes = library.run(ops.add_notes, specs)
    return library, data.map.id, cells, {n.text: n.id for n in notes}


def state(library, map_id: str) -> dict[Cell, list[tuple[str, int]]]:
    """Every non-empty cell of the map: its notes' (text, position), in position order."""
    with library.session() as db:
        rows = list(db.exec(select(Note).where(Note.map_id == map_id)))
    out: dict[Cell, list[tuple[str, int]]] = {}
    for n in sorted(rows, key=lambda n: (n.position, n.id)):
        out.setdefault((n.stage_id, n.lane_id), []).append((n.text, n.position))
    return out


def texts(library, map_id: str) -> dict[Cell, list[str]]:
    """The cells' texts in order, after checking every cell is numbered 0..n-1."""
    cells = state(library, map_id)
    for cell, notes in cells.items():
        assert [p for _, p in notes] == list(range(len(notes))), cell
    return {cell: [t for t, _ in notes] for cell, notes in cells.items()}


def simulate(order: dict[Cell, list[str]], block: list[str], cell: Cell,
             index: int | None) -> dict[Cell, list[str]]:
    """The model: take the block out of every cell, then insert it among the target's others."""
    out = {c: [i for i in ids if i not in block] for c, ids in order.items()}
    others = out.get(cell, [])
    at = len(others) if index is None else max(0, min(index, len(others)))
    out[cell] = others[:at] + list(block) + others[at:]
    return {c: ids for c, ids in out.items() if ids}


def move(board, names: list[str], cell: str, index: int | None):
    library, _, cells, ids = board
    return library.run(ops.move_notes, [ids[n] for n in names], *cells[cell], index)


def test_a_block_into_another_cell(board):
    library, map_id, cells, ids = board
    before = state(library, map_id)
    old = move(board, ["A1", "A3"], "B", 1)
    after = texts(library, map_id)
    assert after[cells["B"]] == ["B0", "A1", "A3", "B1", "B2"]
    assert after[cells["A"]] == ["A0", "A2", "A4"]
    assert old == [ops.Placement(ids["A1"], *cells["A"], 1), ops.Placement(ids["A3"], *cells["A"], 3)]
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


def test_within_one_cell_forwards_and_backwards(board):
    library, map_id, cells, _ = board
    before = state(library, map_id)
    old = move(board, ["A0", "A1"], "A", 2)  # before A4, the 2nd of the others (A2 A3 A4)
    assert texts(library, map_id)[cells["A"]] == ["A2", "A3", "A0", "A1", "A4"]
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before
    old = move(board, ["A4", "A3"], "A", 0)  # backwards, in the order given
    assert texts(library, map_id)[cells["A"]] == ["A4", "A3", "A0", "A1", "A2"]
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


def test_mixed_sources_including_the_target_cell(board):
    library, map_id, cells, _ = board
    before = state(library, map_id)
    old = move(board, ["B2", "A0", "C1"], "A", 1)
    after = texts(library, map_id)
    assert after[cells["A"]] == ["A1", "B2", "A0", "C1", "A2", "A3", "A4"]
    assert after[cells["B"]] == ["B0", "B1"]
    assert after[cells["C"]] == ["C0"]
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


@pytest.mark.parametrize("index, expected", [
    (None, ["B0", "B1", "B2", "C0", "A2"]),
    (0, ["C0", "A2", "B0", "B1", "B2"]),
    (2, ["B0", "B1", "C0", "A2", "B2"]),
    (3, ["B0", "B1", "B2", "C0", "A2"]),
    (99, ["B0", "B1", "B2", "C0", "A2"]),
    (-3, ["C0", "A2", "B0", "B1", "B2"]),
])
def test_the_index_counts_the_other_notes_and_is_clamped(board, index, expected):
    library, map_id, cells, _ = board
    before = state(library, map_id)
    old = move(board, ["C0", "A2"], "B", index)
    assert texts(library, map_id)[cells["B"]] == expected
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


@pytest.mark.parametrize("index", [None, 0, 5])
def test_into_an_empty_cell_the_block_is_the_cell(board, index):
    library, map_id, cells, _ = board
    before = state(library, map_id)
    old = move(board, ["B1", "A4", "A0"], "D", index)
    after = texts(library, map_id)
    assert after[cells["D"]] == ["B1", "A4", "A0"]
    assert after[cells["A"]] == ["A1", "A2", "A3"] and after[cells["B"]] == ["B0", "B2"]
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before
    assert cells["D"] not in state(library, map_id)


def test_a_whole_cell_moved_away_and_back(board):
    library, map_id, cells, _ = board
    before = state(library, map_id)
    old = move(board, ["C1", "C0"], "A", None)
    assert cells["C"] not in texts(library, map_id)
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


def test_a_block_already_in_place_changes_nothing(board):
    library, map_id, cells, ids = board
    before = state(library, map_id)
    old = move(board, ["A1", "A2"], "A", 1)
    assert state(library, map_id) == before
    assert [p.position for p in old] == [1, 2]
    assert move(board, [], "A", 0) == []
    assert state(library, map_id) == before


def test_place_notes_returns_the_placements_it_replaced(board):
    library, map_id, cells, ids = board
    old = move(board, ["A1", "B0"], "C", 1)
    moved = state(library, map_id)
    new = library.run(ops.place_notes, old)
    assert new == [ops.Placement(ids["A1"], *cells["C"], 1), ops.Placement(ids["B0"], *cells["C"], 2)]
    library.run(ops.place_notes, new)  # its result is its own undo: the redo
    assert state(library, map_id) == moved


def _other_map_cell(library) -> Cell:
    session = library.run(ops.create_session, "Elsewhere")
    data = library.read(load_map, library.read(find_map, session.id, None).id)
    return data.stages[0].id, data.lanes[0].id


@pytest.mark.parametrize("bad, error, message", [
    (lambda lib, c, i: ops.move_notes(lib, [i["A0"], "nope"], *c["B"]), NotFound,
     "note nope not found"),
    (lambda lib, c, i: ops.move_notes(lib, [i["A0"]], "nope", c["B"][1]), NotFound,
     "stage nope not found"),
    (lambda lib, c, i: ops.move_notes(lib, [i["A0"]], c["B"][0], "nope"), NotFound,
     "lane nope not found"),
    (lambda lib, c, i: ops.move_notes(lib, [i["A0"], i["A0"]], *c["B"]), InvalidEdit,
     "listed twice"),
    (lambda lib, c, i: ops.place_notes(lib, [ops.Placement("nope", *c["A"], 0)]), NotFound,
     "note nope not found"),
    (lambda lib, c, i: ops.place_notes(lib, [ops.Placement(i["A0"], *c["A"], 0),
                                             ops.Placement(i["A0"], *c["B"], 0)]),
     InvalidEdit, "listed twice"),
])
def test_bad_block_moves_fail_with_one_line_and_change_nothing(board, bad, error, message):
    library, map_id, cells, ids = board
    before = state(library, map_id)
    with pytest.raises(error, match=message) as info:
        library.run(lambda db: bad(db, cells, ids))
    assert "\n" not in str(info.value)
    assert state(library, map_id) == before


def test_notes_never_move_to_another_map(board):
    library, map_id, cells, ids = board
    before = state(library, map_id)
    elsewhere = _other_map_cell(library)
    mixed = (cells["A"][0], elsewhere[1])
    for op, args in [
        (ops.move_notes, ([ids["A0"]], *elsewhere)),
        (ops.move_notes, ([ids["A0"]], *mixed)),
        (ops.place_notes, ([ops.Placement(ids["A0"], *elsewhere, 0)],)),
        (ops.place_notes, ([ops.Placement(ids["A0"], *mixed, 0)],)),
    ]:
        with pytest.raises(WaymarkError, match="within its map|different maps") as info:
            library.run(op, *args)
        assert "\n" not in str(info.value)
    assert state(library, map_id) == before


def _order(library, map_id: str) -> dict[Cell, list[str]]:
    with library.session() as db:
        rows = sorted(db.exec(select(Note).where(Note.map_id == map_id)),
                      key=lambda n: (n.position, n.id))
    out: dict[Cell, list[str]] = {}
    for n in rows:
        out.setdefault((n.stage_id, n.lane_id), []).append(n.id)
    return out


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # undone every example
@pytest.mark.slow
@given(data=st.data())
def test_any_block_move_matches_the_model_and_undoes_exactly(board, data):
    library, map_id, cells, ids = board
    before = state(library, map_id)
    order = _order(library, map_id)
    block = data.draw(st.lists(st.sampled_from(sorted(ids.values())), unique=True, max_size=6))
    cell = data.draw(st.sampled_from(sorted(cells.values())))
    index = data.draw(st.none() | st.integers(-2, 12))
    old = library.run(ops.move_notes, block, *cell, index)
    texts(library, map_id)  # dense
    assert _order(library, map_id) == simulate(order, block, cell, index)
    library.run(ops.place_notes, old)
    assert state(library, map_id) == before


@pytest.mark.slow
def test_a_random_chain_of_block_moves_then_every_undo(board):
    library, map_id, cells, ids = board
    rng = random.Random(20261202)
    every = sorted(ids.values())
    targets = sorted(cells.values())
    model = _order(library, map_id)
    history = [(state(library, map_id), None)]
    for _ in range(120):
        block = rng.sample(every, rng.randint(1, 5))
        cell = rng.choice(targets)
        index = rng.choice([None, 0, rng.randint(0, 9)])
        old = library.run(ops.move_notes, block, *cell, index)
        model = simulate(model, block, cell, index)
        texts(library, map_id)
        assert _order(library, map_id) == model
        history.append((state(library, map_id), old))
    for i in range(len(history) - 1, 0, -1):
        library.run(ops.place_notes, history[i][1])
        assert state(library, map_id) == history[i - 1][0], i
