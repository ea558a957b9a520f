"""The JSON case file (``docs/case-format.md``) and the ``iptclinic suggest-focus`` command.

A case file holds one episode's interpersonal inventory, timeline, onset and variant
(``domain/ipt-method.md`` §2.4, §3.7), so that a case can be reviewed outside the system and the
focus suggester can be run on it. Every error names the field and the line it is on.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, NoReturn, TextIO, TypeVar

from iptclinic.ipt.case import (
    ApproxDate,
    AreaTag,
    Case,
    Conflict,
    ContactFrequency,
    DatePrecision,
    EarlierEpisode,
    EventKind,
    LifeEvent,
    LifeStatus,
    Relationship,
    RelationshipType,
    SuggestionWindows,
)
from iptclinic.ipt.focus import FocusSuggestion, suggest
from iptclinic.ipt.problem_areas import (
    PROBLEM_AREAS,
    DisputeStage,
    ProblemArea,
    area_label,
    areas_for,
)
from iptclinic.ipt.variants import Variant
from iptclinic.lib.text import TextKind, TextRefused, clean_text, describe, problems_in, what

FORMAT = "iptclinic-case/1"
CLOSENESS_RINGS = range(1, 6)
IMPORTANCE = range(1, 6)
MOOD = range(0, 11)
YEARS = range(1900, 2200)
"""Every date in a case file falls in these years. Life events before 1900 are not recorded (as
on the timeline page), and date arithmetic a few years from year 1 or 9999 overflows."""

MAX_DEPTH = 20
"""Objects and lists may nest this deep; a case file needs five levels. Deeper nesting is refused
before the JSON is parsed, because Python's reader recurses once a level and fails near 1,000."""

MAX_NUMBER_LENGTH = 20
"""The longest number a case file may hold, in characters; its numbers are small. A longer one is
refused before parsing, since Python refuses to read an integer of more than 4,300 digits."""

_E = TypeVar("_E", bound=StrEnum)
_Path = tuple[str | int, ...]

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# A string (even one left open), a bracket, or a number: all the shape check needs to see.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]|[0-9][0-9.eE+-]*', re.DOTALL)


class CaseFileError(ValueError):
    """A case file that cannot be read, with the field path and the line of the problem."""

    def __init__(self, problem: str, *, path: str = "", line: int | None = None) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        where = f"line {line}: " if line is not None else ""
        field = f"{path}: " if path else ""
        super().__init__(f"{where}{field}{problem}")


# --- Reading ---------------------------------------------------------------------------------


def load_case(text: str) -> Case:
    """Parse a case file; raise :class:`CaseFileError` naming the field and line of any fault."""
    _check_shape(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise CaseFileError(
            f"not valid JSON: {err.msg} (column {err.colno})", line=err.lineno
        ) from None
    lines, duplicate = _positions(text)
    reader = _Reader(lines)
    if duplicate is not None:
        reader.fail(duplicate, "this field appears twice")
    reader.check_text(data, ())
    return reader.case(data)


def _check_shape(text: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` and numbers longer than
    :data:`MAX_NUMBER_LENGTH` in one pass over the text, before the JSON reader meets them."""
    depth = 0
    line = 1
    position = 0
    for token in _TOKEN.finditer(text):
        line += text.count("\n", position, token.start())
        position = token.start()
        first = token.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise CaseFileError(
                    f"lists and objects are nested more than {MAX_DEPTH} deep; a case file "
                    "needs five levels at most",
                    line=line,
                )
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first != '"' and len(token.group()) > MAX_NUMBER_LENGTH:
            raise CaseFileError(
                f"a number {len(token.group()):,} characters long; the numbers in a case file "
                "are small whole numbers",
                line=line,
            )


class _Reader:
    """Turns parsed JSON into a :class:`Case`, failing with the path and line of a bad value."""

    def __init__(self, lines: Mapping[_Path, int]) -> None:
        self.lines = lines

    def fail(self, path: _Path, problem: str) -> NoReturn:
        line = next(
            (self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines),
            None,
        )
        raise CaseFileError(problem, path=_render(path), line=line)

    # Structure

    def fields(
        self, value: object, path: _Path, required: Sequence[str], optional: Sequence[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object {{...}}, got {_kind(value)}")
        obj: dict[str, Any] = value
        allowed = [*required, *optional]
        for key in obj:
            if key not in allowed:
                self.fail(path + (key,), f"unknown field; allowed here: {', '.join(allowed)}")
        for key in required:
            if obj.get(key) is None:
                self.fail(path, f"missing required field '{key}'")
        return {key: obj[key] for key in obj if obj[key] is not None}

    def items(self, obj: Mapping[str, Any], key: str, path: _Path) -> list[tuple[_Path, Any]]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.fail(path + (key,), f"expected a list [...], got {_kind(value)}")
        return [(path + (key, i), item) for i, item in enumerate(value)]

    def check_text(self, value: object, path: _Path) -> None:
        """Every field name and text in the file follows the text rules (``lib/text.py``), so
        that no control character or broken character code reaches the output."""
        if isinstance(value, str):
            problems = problems_in(value, TextKind.LINES)
            if problems:
                self.fail(path, f"the text contains {what(problems[0])}")
        elif isinstance(value, dict):
            for key, item in value.items():
                problems = problems_in(key, TextKind.LINE)
                if problems:
                    self.fail(path, f"a field name contains {what(problems[0])}")
                self.check_text(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.check_text(item, path + (index,))

    # Scalars

    def text(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: _Path,
        *,
        blank_ok: bool = True,
        kind: TextKind = TextKind.LINES,
    ) -> str:
        value = obj.get(key, "")
        if not isinstance(value, str):
            self.fail(path + (key,), f"expected text in quotes, got {_kind(value)}")
        if not blank_ok and not value.strip():
            self.fail(path + (key,), "must not be empty")
        return self.clean(value, path + (key,), kind)

    def texts(self, obj: Mapping[str, Any], key: str, path: _Path) -> tuple[str, ...]:
        result = []
        for item_path, item in self.items(obj, key, path):
            if not isinstance(item, str):
                self.fail(item_path, f"expected text in quotes, got {_kind(item)}")
            result.append(self.clean(item, item_path, TextKind.LINES))
        return tuple(result)

    def clean(self, value: str, path: _Path, kind: TextKind) -> str:
        """The text in NFC, as the application stores it; a name is checked as a name."""
        try:
            return clean_text(value, kind)
        except TextRefused as refused:
            self.fail(path, f"the text contains {describe(refused.problems[0])}")

    def flag(self, obj: Mapping[str, Any], key: str, path: _Path) -> bool | None:
        value = obj.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(path + (key,), f"expected true or false, got {_kind(value)}")
        return value

    def number(self, obj: Mapping[str, Any], key: str, path: _Path, allowed: range) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            self.fail(
                path + (key,),
                f"expected a whole number from {allowed.start} to {allowed.stop - 1}, "
                f"got {_kind(value)}",
            )
        return int(value)

    def choice(self, obj: Mapping[str, Any], key: str, path: _Path, enum: type[_E]) -> _E | None:
        value = obj.get(key)
        if value is None:
            return None
        allowed = ", ".join(member.value for member in enum)
        if not isinstance(value, str):
            self.fail(path + (key,), f"expected one of {allowed}, got {_kind(value)}")
        try:
            return enum(value)
        except ValueError:
            self.fail(path + (key,), f"{_short(repr(value))} is not one of: {allowed}")

    def approx_date(self, obj: Mapping[str, Any], key: str, path: _Path) -> ApproxDate | None:
        value = obj.get(key)
        if value is None:
            return None
        match = _DATE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.fail(
                path + (key,),
                f'expected a date as "YYYY-MM-DD", "YYYY-MM" or "YYYY", got {_kind(value)}',
            )
        year, month, day = match.groups()
        if int(year) not in YEARS:
            self.fail(
                path + (key,),
                f"{value!r} is outside the years {YEARS.start} to {YEARS.stop - 1}",
            )
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        try:
            when = date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            self.fail(path + (key,), f"{value!r} is not a real date")
        return ApproxDate(when, precision)

    def day(self, obj: Mapping[str, Any], key: str, path: _Path) -> date:
        found = self.approx_date(obj, key, path)
        if found is None or found.precision is not DatePrecision.DAY:
            self.fail(path + (key,), 'expected a full date as "YYYY-MM-DD"')
        return found.when

    def not_after(self, found: ApproxDate | None, path: _Path, assessed_on: date) -> None:
        if found is not None and found.first_day > assessed_on:
            self.fail(path, f"{found.iso()} is after the assessment date {assessed_on}")

    # Records

    def case(self, data: object) -> Case:
        root: _Path = ()
        obj = self.fields(data, root, _CASE_REQUIRED, _CASE_OPTIONAL)
        if "format" in obj and obj["format"] != FORMAT:
            self.fail(("format",), f"expected {FORMAT!r}")
        assessed_on = self.day(obj, "assessed_on", root)
        onset = self.approx_date(obj, "onset", root)
        self.not_after(onset, ("onset",), assessed_on)
        onset_until = self.approx_date(obj, "onset_until", root)
        self.not_after(onset_until, ("onset_until",), assessed_on)
        if onset_until is not None and onset is None:
            self.fail(("onset_until",), 'the end of the onset period needs "onset", its start')
        if onset_until is not None and onset is not None and onset_until.last_day < onset.first_day:
            self.fail(
                ("onset_until",),
                f"{onset_until.iso()} is before the onset's start {onset.iso()}",
            )
        relationships = tuple(
            self.relationship(item, path, assessed_on)
            for path, item in self.items(obj, "relationships", root)
        )
        self.unique([r.person_id for r in relationships], "relationships")
        people = {r.person_id for r in relationships}
        events = tuple(
            self.event(item, path, assessed_on, people)
            for path, item in self.items(obj, "events", root)
        )
        self.unique([e.event_id for e in events], "events")
        episodes = []
        for path, item in self.items(obj, "earlier_episodes", root):
            episode = self.fields(item, path, ("began",), ("note",))
            began = self.approx_date(episode, "began", path)
            assert began is not None
            self.not_after(began, path + ("began",), assessed_on)
            episodes.append(EarlierEpisode(began, self.text(episode, "note", path)))
        return Case(
            assessed_on=assessed_on,
            variant=self.choice(obj, "variant", root, Variant) or Variant.LEAFLET,
            onset=onset,
            onset_until=onset_until,
            chronic_course=self.flag(obj, "chronic_course", root) or False,
            relationships=relationships,
            events=events,
            earlier_episodes=tuple(episodes),
            patterns=self.texts(obj, "patterns", root),
            windows=self.windows(obj),
        )

    def windows(self, obj: Mapping[str, Any]) -> SuggestionWindows:
        if "windows" not in obj:
            return SuggestionWindows()
        path: _Path = ("windows",)
        found = self.fields(obj["windows"], path, (), tuple(_WINDOW_FIELDS.values()))
        days = range(0, 3651)
        return SuggestionWindows(
            **{
                name: timedelta(days=d)
                for name, key in _WINDOW_FIELDS.items()
                if (d := self.number(found, key, path, days)) is not None
            }
        )

    def unique(self, ids: Sequence[str], key: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(ids):
            if item in seen:
                self.fail((key, i, "id"), f"the id {item!r} is used twice")
            seen.add(item)

    def relationship(self, value: object, path: _Path, assessed_on: date) -> Relationship:
        obj = self.fields(value, path, _PERSON_REQUIRED, _PERSON_OPTIONAL)
        status = self.choice(obj, "status", path, LifeStatus) or LifeStatus.ALIVE
        date_of_death = self.approx_date(obj, "date_of_death", path)
        self.not_after(date_of_death, path + ("date_of_death",), assessed_on)
        if date_of_death is not None and status is not LifeStatus.DECEASED:
            self.fail(path + ("date_of_death",), 'a date of death needs "status": "deceased"')
        if status is LifeStatus.DECEASED and "dispute_stage" in obj:
            self.fail(path + ("dispute_stage",), "a dispute stage needs someone who is alive")
        for key in _GRIEF_SIGNS:
            if obj.get(key) is True and status is not LifeStatus.DECEASED:
                self.fail(path + (key,), "applies only to someone who has died")
        areas = []
        for tag_path, item in self.items(obj, "areas", path):
            tag = self.fields(item, tag_path, ("area", "reason"), ())
            area = self.choice(tag, "area", tag_path, ProblemArea)
            assert area is not None
            areas.append(AreaTag(area, self.text(tag, "reason", tag_path)))
        relationship_type = self.choice(obj, "type", path, RelationshipType)
        assert relationship_type is not None
        second_type = self.choice(obj, "second_type", path, RelationshipType)
        if second_type is relationship_type:
            self.fail(path + ("second_type",), 'is the same as the first role, "type"')
        return Relationship(
            person_id=self.text(obj, "id", path, blank_ok=False),
            label=self.text(obj, "label", path, blank_ok=False, kind=TextKind.NAME),
            relationship_type=relationship_type,
            status=status,
            date_of_death=date_of_death,
            closeness_now=self.number(obj, "closeness_now", path, CLOSENESS_RINGS),
            closeness_before=self.number(obj, "closeness_before", path, CLOSENESS_RINGS),
            contact_frequency=self.choice(obj, "contact_frequency", path, ContactFrequency),
            importance=self.number(obj, "importance", path, IMPORTANCE),
            can_confide=self.flag(obj, "can_confide", path),
            knows_how_patient_feels=self.flag(obj, "knows_how_patient_feels", path),
            satisfying=self.texts(obj, "satisfying", path),
            unsatisfying=self.texts(obj, "unsatisfying", path),
            patient_expectations=self.texts(obj, "patient_expectations", path),
            other_expectations=self.texts(obj, "other_expectations", path),
            expectations_met=self.flag(obj, "expectations_met", path),
            conflict=self.choice(obj, "conflict", path, Conflict),
            trying_to_resolve=self.flag(obj, "trying_to_resolve", path),
            talking_stopped=self.flag(obj, "talking_stopped", path),
            judged_beyond_repair=self.flag(obj, "judged_beyond_repair", path),
            topics_avoided=self.texts(obj, "topics_avoided", path),
            symptoms_follow_contact=self.flag(obj, "symptoms_follow_contact", path) or False,
            support_received=self.text(obj, "support_received", path),
            support_given=self.text(obj, "support_given", path),
            changes_wanted=self.texts(obj, "changes_wanted", path),
            recent_change=self.text(obj, "recent_change", path),
            avoids_talking_about_death=self.flag(obj, "avoids_talking_about_death", path) or False,
            mourning_avoided=self.flag(obj, "mourning_avoided", path) or False,
            symptoms_tied_to_death=self.flag(obj, "symptoms_tied_to_death", path) or False,
            dispute_stage=self.choice(obj, "dispute_stage", path, DisputeStage),
            areas=tuple(areas),
            notes=self.text(obj, "notes", path),
            second_type=second_type,
        )

    def event(self, value: object, path: _Path, assessed_on: date, people: set[str]) -> LifeEvent:
        obj = self.fields(value, path, _EVENT_REQUIRED, _EVENT_OPTIONAL)
        when = self.approx_date(obj, "when", path)
        assert when is not None
        self.not_after(when, path + ("when",), assessed_on)
        named = self.texts(obj, "people", path)
        for i, person_id in enumerate(named):
            if person_id not in people:
                known = ", ".join(sorted(people)) or "none"
                self.fail(
                    path + ("people", i),
                    f"no relationship has the id {person_id!r} (ids: {known})",
                )
        kind = self.choice(obj, "kind", path, EventKind)
        assert kind is not None
        return LifeEvent(
            event_id=self.text(obj, "id", path, blank_ok=False),
            when=when,
            kind=kind,
            description=self.text(obj, "description", path, blank_ok=False),
            people=named,
            mood_rating=self.number(obj, "mood_rating", path, MOOD),
            ed_symptom_note=self.text(obj, "ed_symptom_note", path),
            symptoms_worsened=self.flag(obj, "symptoms_worsened", path) or False,
        )


_CASE_REQUIRED = ("assessed_on", "relationships")
_CASE_OPTIONAL = (
    "format",
    "variant",
    "onset",
    "onset_until",
    "chronic_course",
    "events",
    "earlier_episodes",
    "patterns",
    "windows",
)
_WINDOW_FIELDS = {
    "before_onset": "before_onset_days",
    "after_onset": "after_onset_days",
    "normal_grief": "normal_grief_days",
}
_PERSON_REQUIRED = ("id", "label", "type")
_GRIEF_SIGNS = ("avoids_talking_about_death", "mourning_avoided", "symptoms_tied_to_death")
_PERSON_OPTIONAL = (
    "second_type",
    "status",
    "date_of_death",
    "closeness_now",
    "closeness_before",
    "contact_frequency",
    "importance",
    "can_confide",
    "knows_how_patient_feels",
    "satisfying",
    "unsatisfying",
    "patient_expectations",
    "other_expectations",
    "expectations_met",
    "conflict",
    "trying_to_resolve",
    "talking_stopped",
    "judged_beyond_repair",
    "topics_avoided",
    "symptoms_follow_contact",
    "support_received",
    "support_given",
    "changes_wanted",
    "recent_change",
    *_GRIEF_SIGNS,
    "dispute_stage",
    "areas",
    "notes",
)
_EVENT_REQUIRED = ("id", "when", "kind", "description")
_EVENT_OPTIONAL = ("people", "mood_rating", "ed_symptom_note", "symptoms_worsened")


def _positions(text: str) -> tuple[dict[_Path, int], _Path | None]:
    """The line of every value in valid JSON ``text``, and the first key given twice.

    An object member is placed on the line of its key, an array item on the line where it
    starts; ``json`` reports no positions for valid input, so the text is walked once more.
    """
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    decoder = json.JSONDecoder()
    blank = re.compile(r"[ \t\n\r]*")
    lines: dict[_Path, int] = {}
    duplicate: list[_Path] = []

    def skip(i: int) -> int:
        found = blank.match(text, i)
        assert found is not None
        return found.end()

    def line_at(i: int) -> int:
        return bisect.bisect_left(newlines, i) + 1

    def walk(i: int, path: _Path, line: int) -> int:
        lines[path] = line
        i = skip(i)
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                i = skip(i)
                key_line = line_at(i)
                key, i = decoder.raw_decode(text, i)
                if path + (key,) in lines and not duplicate:
                    duplicate.append(path + (key,))
                i = walk(skip(i) + 1, path + (key,), key_line)
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                i += 1
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(i)
                i = walk(i, path + (index,), line_at(i))
                i = skip(i)
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        return decoder.raw_decode(text, i)[1]

    start = skip(0)
    walk(start, (), line_at(start))
    return lines, duplicate[0] if duplicate else None


def _render(path: _Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return _short(json.dumps(value, ensure_ascii=False))


def _short(shown: str) -> str:
    """A value as quoted in a message: whole if short, else its start and its length."""
    return shown if len(shown) <= 60 else f"{shown[:40]}... ({len(shown):,} characters)"


# --- Writing ---------------------------------------------------------------------------------


def case_to_json(case: Case) -> str:
    """The case file for ``case``; :func:`load_case` reads it back to an equal case."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "variant": case.variant.value,
        "assessed_on": case.assessed_on.isoformat(),
    }
    if case.onset is not None:
        data["onset"] = case.onset.iso()
    if case.onset_until is not None:
        data["onset_until"] = case.onset_until.iso()
    if case.chronic_course:
        data["chronic_course"] = True
    if case.windows != SuggestionWindows():
        data["windows"] = {
            key: getattr(case.windows, name).days for name, key in _WINDOW_FIELDS.items()
        }
    data["relationships"] = [_person_json(r) for r in case.relationships]
    data["events"] = [_event_json(e) for e in case.events]
    if case.earlier_episodes:
        data["earlier_episodes"] = [
            {"began": e.began.iso(), **_non_default(e, ("note",))} for e in case.earlier_episodes
        ]
    if case.patterns:
        data["patterns"] = list(case.patterns)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _person_json(person: Relationship) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": person.person_id,
        "label": person.label,
        "type": person.relationship_type.value,
    }
    data.update(_non_default(person, _PERSON_OPTIONAL))
    return data


def _event_json(event: LifeEvent) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": event.event_id,
        "when": event.when.iso(),
        "kind": event.kind.value,
        "description": event.description,
    }
    data.update(_non_default(event, _EVENT_OPTIONAL))
    return data


def _non_default(
    record: Relationship | LifeEvent | EarlierEpisode, keys: Sequence[str]
) -> dict[str, Any]:
    """The fields that differ from their "not recorded" default, as JSON values."""
    defaults = {f.name: f.default for f in dataclasses.fields(record)}
    return {
        key: _plain(getattr(record, key)) for key in keys if getattr(record, key) != defaults[key]
    }


def _plain(value: object) -> Any:
    if isinstance(value, ApproxDate):
        return value.iso()
    if isinstance(value, AreaTag):
        return {"area": value.area.value, "reason": value.reason}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def suggestion_to_json(suggestion: FocusSuggestion) -> dict[str, Any]:
    """The suggestion as plain JSON values, ranked best first (the CLI's output)."""
    usable = areas_for(suggestion.variant)
    return {
        "variant": suggestion.variant.value,
        "suggested": [a.area.value for a in suggestion.suggested],
        "no_focus_reason": suggestion.no_focus_reason,
        "areas": [
            {
                "rank": rank,
                "area": a.area.value,
                "label": area_label(a.area, suggestion.variant)
                if a.area in usable
                else PROBLEM_AREAS[a.area].manual_name,
                "status": a.status.value,
                "confidence": a.confidence.value if a.confidence else None,
                "dispute_stage": a.dispute_stage.value if a.dispute_stage else None,
                "dispute_stage_recorded": a.dispute_stage_recorded,
                "people": list(a.people),
                "evidence": [
                    {"source": e.source.value, "id": e.source_id, "why": e.why} for e in a.evidence
                ],
                "exclusions": list(a.exclusions),
                "rules": [r.value for r in a.rules],
            }
            for rank, a in enumerate(suggestion.areas, start=1)
        ],
        "note": (
            "Suggestions for clinician review only. The therapist chooses the focus and the "
            "service user agrees it through the formulation."
        ),
    }


# --- Command line ----------------------------------------------------------------------------


def run_suggest_focus(path: str, stdout: TextIO, stderr: TextIO) -> int:
    """``iptclinic suggest-focus CASE.json``: print the ranked areas as JSON; 2 on a bad file."""
    problem = _read(path)
    if isinstance(problem, CaseFileError):
        stderr.write(f"iptclinic suggest-focus: {path}: {problem}\n")
        return 2
    stdout.write(json.dumps(suggestion_to_json(suggest(problem)), indent=2, ensure_ascii=False))
    stdout.write("\n")
    return 0


def _read(path: str) -> Case | CaseFileError:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return CaseFileError("cannot read the file: no such file")
    except IsADirectoryError:
        return CaseFileError("cannot read the file: it is a folder, not a case file")
    except PermissionError:
        return CaseFileError("cannot read the file: permission denied")
    except UnicodeDecodeError:
        return CaseFileError("cannot read the file: it is not UTF-8 text")
    except OSError as err:
        return CaseFileError(f"cannot read the file: {err.strerror or err}")
    try:
        return load_case(text)
    except CaseFileError as err:
        return err
