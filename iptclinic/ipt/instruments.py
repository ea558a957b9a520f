"""The questionnaires IPT Clinic scores, written as data.

Each instrument is one frozen :class:`Instrument`: its items in the standard wording, answer
options with their values, total range, severity bands, caseness threshold, reliable-change value,
missing-item rule and LOINC codes. Scoring (``scoring.py``), outcomes (``outcomes.py``), charts,
reports and FHIR read these values; none of them branches on an instrument's code. Adding a
questionnaire means adding one more ``Instrument`` here (see ``CONTRIBUTING.md``).

Sources: ``domain/measures-and-standards.md`` §1 (questionnaires), §2 (NHS Talking Therapies
thresholds), §4.1 (LOINC); ``decisions.md`` §13 (standard wording, PRODUCT) and §14 (missing items).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class AnswerOption:
    """One answer a person can give to an item, with the value it scores."""

    value: int
    text: str
    loinc: str | None


@dataclass(frozen=True)
class Item:
    """One question of an instrument.

    ``scored`` is False for an item that is asked and stored but never added to the total (the
    PHQ-9 and GAD-7 difficulty question). ``not_applicable_allowed`` marks an item the person may
    answer "not applicable", with ``not_applicable_text`` as the standard wording of that choice.
    """

    number: int
    link_id: str
    text: str
    loinc: str | None
    options: tuple[AnswerOption, ...]
    scored: bool = True
    not_applicable_allowed: bool = False
    not_applicable_text: str | None = None

    def __post_init__(self) -> None:
        values = [option.value for option in self.options]
        if not values:
            raise ValueError(f"Item {self.number} has no answer options.")
        if len(set(values)) != len(values):
            raise ValueError(f"Item {self.number} has two answer options with the same value.")
        if self.not_applicable_allowed != (self.not_applicable_text is not None):
            raise ValueError(
                f"Item {self.number}: give not_applicable_text exactly when "
                "not_applicable_allowed is set."
            )

    @property
    def values(self) -> frozenset[int]:
        """The values an answer to this item may take."""
        return frozenset(option.value for option in self.options)

    @property
    def min_value(self) -> int:
        return min(self.values)

    @property
    def max_value(self) -> int:
        return max(self.values)

    def allowed_text(self) -> str:
        """The allowed values in words, for error messages ("0 to 3")."""
        ordered = sorted(self.values)
        if ordered == list(range(ordered[0], ordered[-1] + 1)):
            return f"{ordered[0]} to {ordered[-1]}"
        return ", ".join(str(value) for value in ordered)


@dataclass(frozen=True)
class Band:
    """A severity band: totals from ``low`` to ``high`` inclusive."""

    low: int
    high: int
    label: str

    def contains(self, total: int) -> bool:
        return self.low <= total <= self.high


@dataclass(frozen=True)
class Instrument:
    """A questionnaire as data.

    ``caseness_threshold``: a total at or above it is a case (None: the instrument is not used for
    caseness). ``reliable_change``: the smallest change, up or down, between first and last totals
    that counts as reliable (None: no value adopted). ``max_missing_for_prorating``: how many scored
    items may be missing or "not applicable" and a total still be given by prorating.
    ``prorating_verified``: whether that rule comes from a verified source; when False the total is
    prorated only if the team enables it (decisions.md §14). ``risk_item``: the item whose answer
    above 0 is a risk signal that must reach a clinician.

    WSAS has ``reliable_change=None`` on purpose: NHS Talking Therapies uses it as the disability
    measure, not for reliable change or recovery (measures-and-standards.md §2, FIRM), and none of
    our sources publishes a reliable-change value for it. Inventing one would make charts claim a
    precision nobody has checked.
    """

    code: str
    name: str
    short_name: str
    stem: str
    items: tuple[Item, ...]
    max_total: int
    bands: tuple[Band, ...]
    caseness_threshold: int | None
    reliable_change: int | None
    max_missing_for_prorating: int
    prorating_verified: bool
    risk_item: int | None
    loinc_panel: str | None
    loinc_total: str | None
    copyright_note: str

    def __post_init__(self) -> None:
        _check_instrument(self)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    def item(self, number: int) -> Item:
        """The item numbered ``number``; ValueError naming the instrument's item range."""
        for candidate in self.items:
            if candidate.number == number:
                return candidate
        raise ValueError(
            f"{self.short_name} has no item {number} (items are numbered 1 to {len(self.items)})."
        )

    def band_for(self, total: int) -> Band:
        """The severity band of a total; ValueError when the total is out of range."""
        self.check_total(total)
        return next(band for band in self.bands if band.contains(total))

    def is_case(self, total: int) -> bool | None:
        """Whether ``total`` is at caseness (``>=`` the threshold); None without a threshold.

        Source: measures-and-standards.md §2, boundary conventions (PHQ-9 10 and GAD-7 8 are
        cases), FIRM.
        """
        self.check_total(total)
        if self.caseness_threshold is None:
            return None
        return total >= self.caseness_threshold

    def check_total(self, total: int) -> None:
        """ValueError unless ``total`` is a whole number from 0 to ``max_total``."""
        if isinstance(total, bool) or not isinstance(total, int):
            raise ValueError(f"A {self.short_name} total must be a whole number, not {total!r}.")
        if not 0 <= total <= self.max_total:
            raise ValueError(
                f"A {self.short_name} total must be from 0 to {self.max_total}; {total} is not."
            )


def _check_instrument(instrument: Instrument) -> None:
    """Refuse inconsistent instrument data when the module is imported, not when a person is
    scored."""
    name = instrument.short_name
    numbers = [item.number for item in instrument.items]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"{name}: items must be numbered 1, 2, 3 ... in order.")
    if len({item.link_id for item in instrument.items}) != len(numbers):
        raise ValueError(f"{name}: every item needs its own link_id.")
    scored = instrument.scored_items
    if not scored:
        raise ValueError(f"{name}: at least one item must be scored.")
    if any(item.min_value != 0 for item in scored):
        raise ValueError(f"{name}: scored items must start at 0.")
    if instrument.max_total != sum(item.max_value for item in scored):
        raise ValueError(f"{name}: max_total must equal the sum of the scored items' maxima.")
    covered = [total for band in instrument.bands for total in range(band.low, band.high + 1)]
    if covered != list(range(instrument.max_total + 1)):
        raise ValueError(f"{name}: bands must cover 0 to max_total once each, in order.")
    if instrument.caseness_threshold is not None and not (
        0 < instrument.caseness_threshold <= instrument.max_total
    ):
        raise ValueError(f"{name}: the caseness threshold must lie within the total range.")
    if instrument.reliable_change is not None and not (
        0 < instrument.reliable_change <= instrument.max_total
    ):
        raise ValueError(f"{name}: the reliable-change value must lie within the total range.")
    if not 0 <= instrument.max_missing_for_prorating < len(scored):
        raise ValueError(f"{name}: max_missing_for_prorating must leave at least one item.")
    # Prorating multiplies the mean item score by the number of items, which is only meaningful
    # (and only stays within max_total) when every scored item has the same range.
    if instrument.max_missing_for_prorating and len({item.values for item in scored}) != 1:
        raise ValueError(f"{name}: prorating needs every scored item to share one answer range.")
    if instrument.risk_item is not None and not any(
        item.number == instrument.risk_item for item in scored
    ):
        raise ValueError(f"{name}: the risk item must be one of the scored items.")
    if any(item.not_applicable_allowed for item in scored) and not (
        instrument.max_missing_for_prorating
    ):
        raise ValueError(f"{name}: a 'not applicable' answer needs a prorating rule.")


# The PHQ-9 and GAD-7 share one answer list (LOINC LL358-3) and one difficulty question
# (LOINC 69722-7, answer list LL359-1): measures-and-standards.md §1.1, §1.2, §4.1, FIRM.
_FREQUENCY = (
    AnswerOption(0, "Not at all", "LA6568-5"),
    AnswerOption(1, "Several days", "LA6569-3"),
    AnswerOption(2, "More than half the days", "LA6570-1"),
    AnswerOption(3, "Nearly every day", "LA6571-9"),
)

_DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)

_DIFFICULTY = (
    AnswerOption(0, "Not difficult at all", "LA6572-7"),
    AnswerOption(1, "Somewhat difficult", "LA6573-5"),
    AnswerOption(2, "Very difficult", "LA6575-0"),
    AnswerOption(3, "Extremely difficult", "LA6574-3"),
)

_PFIZER_NOTE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)


def _frequency_items(code: str, texts: tuple[tuple[str, str], ...]) -> tuple[Item, ...]:
    return tuple(
        Item(number, f"{code}-{number}", text, loinc, _FREQUENCY)
        for number, (loinc, text) in enumerate(texts, start=1)
    )


def _difficulty_item(code: str, number: int) -> Item:
    return Item(number, f"{code}-{number}", _DIFFICULTY_TEXT, "69722-7", _DIFFICULTY, scored=False)


PHQ9 = Instrument(
    code="phq9",
    name="Patient Health Questionnaire (PHQ-9)",
    short_name="PHQ-9",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        *_frequency_items(
            "phq9",
            (
                ("44250-9", "Little interest or pleasure in doing things"),
                ("44255-8", "Feeling down, depressed, or hopeless"),
                ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
                ("44254-1", "Feeling tired or having little energy"),
                ("44251-7", "Poor appetite or overeating"),
                (
                    "44258-2",
                    "Feeling bad about yourself \u2014 or that you are a failure or have let "
                    "yourself or your family down",
                ),
                (
                    "44252-5",
                    "Trouble concentrating on things, such as reading the newspaper or "
                    "watching television",
                ),
                (
                    "44253-3",
                    "Moving or speaking so slowly that other people could have noticed? Or the "
                    "opposite \u2014 being so fidgety or restless that you have been moving "
                    "around a lot more than usual",
                ),
                (
                    "44260-8",
                    "Thoughts that you would be better off dead or of hurting yourself in some way",
                ),
            ),
        ),
        _difficulty_item("phq9", 10),
    ),
    max_total=27,
    # NHS Data Dictionary bands, measures-and-standards.md §1.1, FIRM.
    bands=(
        Band(0, 4, "None or minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 19, "Moderately severe"),
        Band(20, 27, "Severe"),
    ),
    # NHS Talking Therapies caseness >= 10 and reliable change 6: measures §2, FIRM.
    caseness_threshold=10,
    reliable_change=6,
    # NHS Data Dictionary: prorate with 1 or 2 items missing: measures §1.1, FIRM.
    max_missing_for_prorating=2,
    prorating_verified=True,
    # Item 9 above 0 needs same-day follow-up: measures §1.1, CONVENTION; decisions §17.
    risk_item=9,
    loinc_panel="44249-1",
    loinc_total="44261-6",
    copyright_note=_PFIZER_NOTE,
)


GAD7 = Instrument(
    code="gad7",
    name="Generalised Anxiety Disorder Assessment (GAD-7)",
    short_name="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        *_frequency_items(
            "gad7",
            (
                ("69725-0", "Feeling nervous, anxious or on edge"),
                ("68509-9", "Not being able to stop or control worrying"),
                ("69733-4", "Worrying too much about different things"),
                ("69734-2", "Trouble relaxing"),
                ("69735-9", "Being so restless that it is hard to sit still"),
                ("69689-8", "Becoming easily annoyed or irritable"),
                ("69736-7", "Feeling afraid as if something awful might happen"),
            ),
        ),
        _difficulty_item("gad7", 8),
    ),
    max_total=21,
    # Spitzer 2006 bands, measures §1.2, FIRM.
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
    # NHS Talking Therapies caseness >= 8 (not the screening cut-off 10) and reliable change 4:
    # measures §1.2 and §2, FIRM.
    caseness_threshold=8,
    reliable_change=4,
    # No verified missing-item rule (measures §1.2, UNVERIFIED). When a team enables prorating we
    # allow one missing item of seven, the most conservative choice that still prorates; PHQ-9
    # allows 2 of 9 and WSAS 1 of 5, so this asks for more of the form than either.
    max_missing_for_prorating=1,
    prorating_verified=False,
    risk_item=None,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    copyright_note=_PFIZER_NOTE,
)


_WSAS_SCALE = (
    AnswerOption(0, "Not at all", None),
    AnswerOption(1, "", None),
    AnswerOption(2, "Slightly", None),
    AnswerOption(3, "", None),
    AnswerOption(4, "Definitely", None),
    AnswerOption(5, "", None),
    AnswerOption(6, "Markedly", None),
    AnswerOption(7, "", None),
    AnswerOption(8, "Very severely", None),
)

WSAS = Instrument(
    code="wsas",
    name="Work and Social Adjustment Scale (WSAS)",
    short_name="WSAS",
    stem=(
        "People's problems sometimes affect their ability to do certain day-to-day tasks in "
        "their lives. To rate your problems look at each section and determine on the scale "
        "provided how much your problem impairs your ability to carry out the activity."
    ),
    items=(
        Item(
            1,
            "wsas-1",
            "Because of my [problem] my ability to work is impaired. '0' means 'not at all "
            "impaired' and '8' means very severely impaired to the point I can't work.",
            None,
            _WSAS_SCALE,
            not_applicable_allowed=True,
            not_applicable_text=(
                "If you're retired or choose not to have a job for reasons unrelated to your "
                "problem, tick here"
            ),
        ),
        Item(
            2,
            "wsas-2",
            "Because of my [problem] my home management (cleaning, tidying, shopping, cooking, "
            "looking after home or children, paying bills) is impaired.",
            None,
            _WSAS_SCALE,
        ),
        Item(
            3,
            "wsas-3",
            "Because of my [problem] my social leisure activities (with other people e.g. "
            "parties, bars, clubs, outings, visits, dating, home entertaining) are impaired.",
            None,
            _WSAS_SCALE,
        ),
        Item(
            4,
            "wsas-4",
            "Because of my [problem], my private leisure activities (done alone, such as "
            "reading, gardening, collecting, sewing, walking alone) are impaired.",
            None,
            _WSAS_SCALE,
        ),
        Item(
            5,
            "wsas-5",
            "Because of my [problem], my ability to form and maintain close relationships with "
            "others, including those I live with, is impaired.",
            None,
            _WSAS_SCALE,
        ),
    ),
    max_total=40,
    # Mundt 2002 bands, measures §1.3, CONVENTION (secondary source).
    bands=(
        Band(0, 9, "Subclinical"),
        Band(10, 20, "Significant functional impairment, less severe symptoms"),
        Band(21, 40, "Moderately severe or worse psychopathology"),
    ),
    # Not used for caseness or recovery (measures §2, FIRM); see Instrument's docstring.
    caseness_threshold=None,
    reliable_change=None,
    # NHS Data Dictionary: prorate when one item is missing or the work item is "not applicable";
    # more than one: disregard (measures §1.3, FIRM).
    max_missing_for_prorating=1,
    prorating_verified=True,
    risk_item=None,
    # No LOINC panel found (measures §4.1, UNVERIFIED).
    loinc_panel=None,
    loinc_total=None,
    copyright_note=(
        "\u00a9 Isaac M. Marks (Mundt, Marks, Shear and Greist 2002). Widely distributed free by "
        "the NHS; the licence has not been confirmed with the rights holder."
    ),
)


INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument in (PHQ9, GAD7, WSAS)}
)


def instrument(code: str) -> Instrument:
    """The instrument with ``code``; ValueError listing the known codes otherwise."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        known = ", ".join(sorted(INSTRUMENTS))
        raise ValueError(f"Unknown questionnaire {code!r}; known codes: {known}.") from None
