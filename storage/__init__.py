"""Durable storage of the journey model: SQLite library, migrations, file formats."""

from .library import Library, LibraryError
from .paths import default_library_path, library_path

__all__ = ["Library", "LibraryError", "default_library_path", "library_path"]
