"""Easy-read pictograms drawn for the project (decisions.md §27).

Simple black line drawings on a 64 by 64 grid, one SVG file each in ``letters/pictograms/``,
each with a ``<title>`` naming what it shows. They can go inline into letter HTML (WeasyPrint
draws inline SVG) next to the sentence they illustrate; a sentence always says the same thing
in words, so a pictogram never carries meaning on its own.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

_FOLDER = files("iptclinic.letters").joinpath("pictograms")


class UnknownPictogram(KeyError):
    """No pictogram has this name."""

    def __str__(self) -> str:
        return str(self.args[0])


def pictogram_names() -> tuple[str, ...]:
    """The names of every pictogram, in alphabetical order (``appointment``, ``clock``, ...)."""
    return tuple(sorted(entry.name.removesuffix(".svg") for entry in _svg_files()))


def pictogram_svg(name: str) -> str:
    """The SVG text of the pictogram called ``name``, ready to place inline in HTML."""
    names = pictogram_names()
    if name not in names:
        raise UnknownPictogram(
            f"There is no pictogram called {name!r}. The pictograms are: {', '.join(names)}."
        )
    return _FOLDER.joinpath(f"{name}.svg").read_text(encoding="utf-8")


def _svg_files() -> list[Traversable]:
    return [entry for entry in _FOLDER.iterdir() if entry.name.endswith(".svg")]
