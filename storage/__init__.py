"""Durable storage of the journey model: SQLite library, migrations, file formats."""

from .library import Library, LibraryBusy, LibraryError, LibraryReadOnly
from .paths import default_library_path, library_path

__all__ = ["Library", "LibraryBusy", "LibraryError", "LibraryReadOnly", "default_library_path",
           "library_path"]
