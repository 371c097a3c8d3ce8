"""Versioned schema migrations, recorded in SQLite's `PRAGMA user_version`.

Each step is frozen SQL: once released it never changes, so a library written
by any earlier Waymark upgrades through the same statements. All the steps run
in one transaction with the version bump, under the write lock, and the version
is read inside it: a crash mid-migration leaves the old schema intact, and two
Waymarks opening the same library at once migrate it once (the second finds it
done). `tests/storage/test_storage.py` opens a library written by v1
(`tests/fixtures/library-v1.sqlite`) and checks the result matches the
SQLModel tables exactly.
"""

from __future__ import annotations

import sqlite3

V1 = """
CREATE TABLE session (
    id VARCHAR NOT NULL PRIMARY KEY,
    title VARCHAR NOT NULL,
    date VARCHAR NOT NULL,
    facilitator VARCHAR NOT NULL,
    goal VARCHAR NOT NULL,
    notes VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL
);
CREATE TABLE participant (
    id VARCHAR NOT NULL PRIMARY KEY,
    session_id VARCHAR NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    colour VARCHAR NOT NULL,
    vote_budget INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_participant_session_id ON participant(session_id);
CREATE TABLE persona (
    id VARCHAR NOT NULL PRIMARY KEY,
    session_id VARCHAR NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    quote VARCHAR NOT NULL,
    goals VARCHAR NOT NULL,
    frustrations VARCHAR NOT NULL,
    photo BLOB,
    colour VARCHAR NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_persona_session_id ON persona(session_id);
CREATE TABLE journey_map (
    id VARCHAR NOT NULL PRIMARY KEY,
    session_id VARCHAR NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    persona_id VARCHAR REFERENCES persona(id) ON DELETE SET NULL,
    scale_min INTEGER NOT NULL,
    scale_max INTEGER NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_journey_map_session_id ON journey_map(session_id);
CREATE TABLE stage (
    id VARCHAR NOT NULL PRIMARY KEY,
    map_id VARCHAR NOT NULL REFERENCES journey_map(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_stage_map_id ON stage(map_id);
CREATE TABLE lane (
    id VARCHAR NOT NULL PRIMARY KEY,
    map_id VARCHAR NOT NULL REFERENCES journey_map(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_lane_map_id ON lane(map_id);
CREATE TABLE note (
    id VARCHAR NOT NULL PRIMARY KEY,
    map_id VARCHAR NOT NULL REFERENCES journey_map(id) ON DELETE CASCADE,
    stage_id VARCHAR NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    lane_id VARCHAR NOT NULL REFERENCES lane(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    colour VARCHAR NOT NULL,
    tags VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    priority VARCHAR NOT NULL,
    impact INTEGER,
    effort INTEGER,
    status VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL
);
CREATE INDEX ix_note_map_id ON note(map_id);
CREATE INDEX ix_note_stage_id ON note(stage_id);
CREATE INDEX ix_note_lane_id ON note(lane_id);
CREATE TABLE curve (
    id VARCHAR NOT NULL PRIMARY KEY,
    map_id VARCHAR NOT NULL REFERENCES journey_map(id) ON DELETE CASCADE,
    persona_id VARCHAR REFERENCES persona(id) ON DELETE SET NULL,
    name VARCHAR NOT NULL,
    colour VARCHAR NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_curve_map_id ON curve(map_id);
CREATE TABLE curve_point (
    id VARCHAR NOT NULL PRIMARY KEY,
    curve_id VARCHAR NOT NULL REFERENCES curve(id) ON DELETE CASCADE,
    stage_id VARCHAR NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    score FLOAT NOT NULL,
    label VARCHAR NOT NULL
);
CREATE INDEX ix_curve_point_curve_id ON curve_point(curve_id);
CREATE INDEX ix_curve_point_stage_id ON curve_point(stage_id);
CREATE TABLE vote (
    id VARCHAR NOT NULL PRIMARY KEY,
    note_id VARCHAR NOT NULL REFERENCES note(id) ON DELETE CASCADE,
    participant_id VARCHAR REFERENCES participant(id) ON DELETE SET NULL,
    created_at VARCHAR NOT NULL
);
CREATE INDEX ix_vote_note_id ON vote(note_id);
CREATE TABLE template (
    id VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    stages VARCHAR NOT NULL,
    lanes VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL
);
"""

# v2: the trash for sessions, stage column widths and collapsible lanes.
V2 = """
ALTER TABLE session ADD COLUMN deleted_at VARCHAR;
ALTER TABLE stage ADD COLUMN width FLOAT;
ALTER TABLE lane ADD COLUMN collapsed BOOLEAN NOT NULL DEFAULT 0;
"""

# v3: dot-voting rounds (votes may belong to one) and the session's parking lot.
V3 = """
CREATE TABLE vote_round (
    id VARCHAR NOT NULL PRIMARY KEY,
    map_id VARCHAR NOT NULL REFERENCES journey_map(id) ON DELETE CASCADE,
    name VARCHAR NOT NULL,
    votes_per_participant INTEGER NOT NULL,
    cap_per_note INTEGER,
    lane_ids VARCHAR NOT NULL,
    hide_totals BOOLEAN NOT NULL,
    status VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX ix_vote_round_map_id ON vote_round(map_id);
ALTER TABLE vote ADD COLUMN round_id VARCHAR REFERENCES vote_round(id) ON DELETE CASCADE;
CREATE INDEX ix_vote_round_id ON vote(round_id);
CREATE TABLE parked_note (
    id VARCHAR NOT NULL PRIMARY KEY,
    session_id VARCHAR NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    text VARCHAR NOT NULL,
    colour VARCHAR NOT NULL,
    tags VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    created_at VARCHAR NOT NULL
);
CREATE INDEX ix_parked_note_session_id ON parked_note(session_id);
"""

MIGRATIONS: list[str] = [V1, V2, V3]
LATEST = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Run the steps from the current version up to `target`; returns the steps run.

    The connection must be in autocommit mode (`isolation_level=None`). If it is
    already inside a transaction (the caller took the write lock with BEGIN
    IMMEDIATE, to do more under the same lock), the steps run inside it and the
    caller commits; otherwise they run in one BEGIN IMMEDIATE ... COMMIT of their own.
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        done = []
        for version in range(schema_version(conn) + 1, target + 1):
            for statement in MIGRATIONS[version - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            done.append(version)
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return done
