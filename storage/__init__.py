"""Durable storage of the journey model: the SQLite library, migrations, backups,
atomic writes and paths (the interchange file formats are in formats/)."""

from .library import Library, LibraryBusy, LibraryError, LibraryReadOnly
from .paths import default_library_path, library_path

__all__ = ["Library", "LibraryBusy", "LibraryError", "LibraryReadOnly", "default_library_path",
           "library_path"]
