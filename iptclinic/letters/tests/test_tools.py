"""The system tools behind the letter formats (decisions.md §30)."""

from __future__ import annotations

import shutil

import pytest

from iptclinic.letters.formats import tools
from iptclinic.letters.formats.tools import (
    FormatToolMissing,
    missing_message,
    missing_tools,
    require_tool,
)


def test_every_format_tool_is_installed_on_this_machine() -> None:
    missing = missing_tools()
    packages = " ".join(tool.package for tool in missing)
    assert missing == [], f"Run: sudo apt-get install {packages}"


def test_missing_commands_are_listed_with_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda command: None)
    assert [tuple(tool) for tool in missing_tools()] == [
        ("lou_translate", "liblouis-bin liblouis-data", "Braille"),
        ("espeak-ng", "espeak-ng", "Audio"),
        ("lame", "lame", "MP3 audio"),
    ]


def test_missing_libraries_and_fonts_are_listed_with_their_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tools.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(tools, "_FONT_DIRECTORIES", ())
    assert [tool.package for tool in missing_tools()] == [
        "libpango-1.0-0 libpangoft2-1.0-0",
        "fonts-dejavu-core",
    ]


def test_require_tool_returns_the_path_of_an_installed_command() -> None:
    assert require_tool("sh", "dash", "Testing").endswith("/sh")


def test_require_tool_names_the_package_when_the_command_is_missing() -> None:
    with pytest.raises(FormatToolMissing) as raised:
        require_tool("no-such-command-here", "some-package", "Testing")
    assert str(raised.value) == (
        "Testing needs the no-such-command-here tool: install the Debian package some-package."
    )


@pytest.mark.parametrize(
    ("package", "said"),
    [
        ("lame", "lame"),
        ("liblouis-bin liblouis-data", "liblouis-bin (and liblouis-data)"),
        ("a b c", "a (and b, c)"),
    ],
)
def test_the_message_names_the_main_package_first(package: str, said: str) -> None:
    assert missing_message("x", package, "Y").endswith(f"install the Debian package {said}.")
