"""The system tools behind the letter formats, and a clear message when one is missing.

decisions.md §30 (PRODUCT): ``make run`` needs only Python packages, so the letter tools are
checked when a format is made, and a missing one names the Debian package that provides it.
"""

from __future__ import annotations

import ctypes.util
import shutil
from pathlib import Path
from typing import NamedTuple


class FormatToolMissing(RuntimeError):
    """A letter format needs a system tool, library or font that is not installed."""


class FormatTool(NamedTuple):
    """One system dependency of a format: its name, its Debian package(s) and the format."""

    name: str
    package: str
    """Debian package names separated by spaces, ready for ``apt-get install``."""
    purpose: str


LOU_TRANSLATE = FormatTool("lou_translate", "liblouis-bin liblouis-data", "Braille")
ESPEAK_NG = FormatTool("espeak-ng", "espeak-ng", "Audio")
LAME = FormatTool("lame", "lame", "MP3 audio")
PANGO = FormatTool("Pango", "libpango-1.0-0 libpangoft2-1.0-0", "PDF")
DEJAVU_SANS = FormatTool("DejaVu Sans", "fonts-dejavu-core", "PDF")

_COMMANDS = (LOU_TRANSLATE, ESPEAK_NG, LAME)
# WeasyPrint loads these shared libraries when it is imported.
_LIBRARIES = {PANGO: ("pango-1.0", "pangoft2-1.0")}
# The letter stylesheets name DejaVu Sans so that output does not depend on the machine's
# default font (stack-notes.md §3); these are the files fonts-dejavu-core installs.
_FONT_FILES = {DEJAVU_SANS: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}
_FONT_DIRECTORIES = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


def missing_message(name: str, package: str, purpose: str, *, kind: str = "tool") -> str:
    """The sentence shown when ``name`` is missing, naming the package(s) that provide it."""
    first, *others = package.split()
    packages = f"{first} (and {', '.join(others)})" if others else first
    return f"{purpose} needs the {name} {kind}: install the Debian package {packages}."


def require_tool(command: str, package: str, purpose: str) -> str:
    """Return the path of ``command``, or raise :class:`FormatToolMissing` naming ``package``."""
    path = shutil.which(command)
    if path is None:
        raise FormatToolMissing(missing_message(command, package, purpose))
    return path


def library_installed(tool: FormatTool) -> bool:
    """Whether every shared library behind ``tool`` can be found by the dynamic loader."""
    return all(ctypes.util.find_library(name) for name in _LIBRARIES[tool])


def font_installed(tool: FormatTool) -> bool:
    """Whether every font file behind ``tool`` is in one of the usual font directories."""
    return all(_font_file_exists(file_name) for file_name in _FONT_FILES[tool])


def require_font(tool: FormatTool) -> None:
    """Raise :class:`FormatToolMissing` unless the font files behind ``tool`` are installed."""
    if not font_installed(tool):
        raise FormatToolMissing(missing_message(*tool, kind="font"))


def missing_tools() -> list[FormatTool]:
    """Every format tool, library or font that is not installed, as (name, package, purpose).

    For a system check or ``make``: ``apt-get install`` followed by the packages of the result
    installs everything the letter formats need.
    """
    missing = [tool for tool in _COMMANDS if shutil.which(tool.name) is None]
    missing += [tool for tool in _LIBRARIES if not library_installed(tool)]
    missing += [tool for tool in _FONT_FILES if not font_installed(tool)]
    return missing


def _font_file_exists(file_name: str) -> bool:
    return any(
        next(directory.rglob(file_name), None) is not None
        for directory in _FONT_DIRECTORIES
        if directory.is_dir()
    )
