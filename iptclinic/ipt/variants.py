"""IPT variants as configuration rows, not code paths.

Source: ``domain/ipt-method.md`` §0.2 and §1.6 (VARIANT), ``decisions.md`` §1–2 and §5 (PRODUCT).
Every rule that differs between versions of IPT reads its numbers from a :class:`VariantConfig`;
no other module branches on the variant itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class Variant(StrEnum):
    """The versions of IPT a team can deliver (ipt-method.md §0.2, VARIANT)."""

    LEAFLET = "leaflet"
    IPT_UK = "ipt_uk"
    IPT_ADULT = "ipt_adult"
    IPT_SR = "ipt_sr"
    IPT_ED = "ipt_ed"
    IPC = "ipc"
    IPT_M = "ipt_m"
    IPT_A = "ipt_a"
    IPT_G_WHO = "ipt_g_who"


@dataclass(frozen=True)
class VariantConfig:
    """The numbers that shape a course under one variant.

    ``initial_sessions`` and ``ending_sessions`` are the nominal lengths of the first and last
    phases; the middle phase is what lies between. ``ending_prompt_before`` and
    ``ending_deadline_before`` count back from the contracted length N (decisions.md §2, R10).
    ``name`` and ``short_name`` are what staff see; ``source`` (never shown) cites the evidence.

    Booking (issue 14): ``slot_minutes`` is the length of each appointment in the diary (an hour,
    decisions.md §5); ``slot_minutes_range``, when given, lets the person opening a course choose
    another length within it, and the session then fills its slot. ``weeks_between_sessions`` is
    the interval between appointments (1 = weekly). ``continues_a_course`` marks a variant that is
    only opened as the continuation of an ended course of the same referral (maintenance IPT).
    """

    variant: Variant
    name: str
    short_name: str
    min_sessions: int
    max_sessions: int
    default_sessions: int
    initial_sessions: int
    ending_sessions: int
    ending_prompt_before: int
    ending_deadline_before: int
    session_minutes: int
    grief_requires_death: bool
    deficits_allowed: bool
    source: str
    slot_minutes: int = 60
    slot_minutes_range: tuple[int, int] | None = None
    weeks_between_sessions: int = 1
    continues_a_course: bool = False
    # Added for IPT for adolescents (issue 14); defaults keep every other row as it was.
    carer_sessions_expected: int = 0
    """Parent or carer sessions a course usually includes, on top of the contract."""
    weekly_risk_check_required: bool = False
    """Every session with the client needs a completed risk check in its record."""
    weekly_measures: tuple[str, ...] = ()
    """Questionnaire codes recorded at every session with the client, whatever the team's
    schedule says."""
    age_range: tuple[int, int] | None = None
    """The ages (in whole years, inclusive) the variant is meant for; None for any age."""
    # Issue 14 item 5 (IPT-ED): the words for "symptoms" where the timeline asks whether they got
    # worse after an event and where the focus reasons speak of it, so that an eating-disorder
    # course reads the same fact (``LifeEvent.symptoms_worsened``) as eating symptoms.
    symptoms_noun: str = "symptoms"
    illness_noun: str = "the low mood"
    # Group IPT (issue 14): a course that is one member's place in a group, opened only from the
    # group's pages (iptclinic/groups), never offered when opening an individual course.
    in_group: bool = False

    def __post_init__(self) -> None:
        # A bad row would silently give a course with no middle phase; refuse it at import.
        if not 1 <= self.min_sessions <= self.default_sessions <= self.max_sessions:
            raise ValueError(f"{self.variant}: session range and default are inconsistent")
        if self.initial_sessions < 1 or self.ending_sessions < 1:
            raise ValueError(f"{self.variant}: initial and ending phases need a session each")
        if self.initial_sessions + self.ending_sessions >= self.min_sessions:
            raise ValueError(f"{self.variant}: the shortest course would have no middle phase")
        if not 1 <= self.ending_deadline_before <= self.ending_prompt_before:
            raise ValueError(f"{self.variant}: the ending prompt must come before its deadline")
        if not 1 <= self.session_minutes <= self.slot_minutes:
            raise ValueError(f"{self.variant}: a session must fit in its appointment slot")
        low, high = self.slot_minutes_range or (self.slot_minutes, self.slot_minutes)
        if not 1 <= low <= self.slot_minutes <= high:
            raise ValueError(f"{self.variant}: the slot length is outside its own range")
        if self.slot_minutes_range and self.session_minutes != self.slot_minutes:
            raise ValueError(f"{self.variant}: a chosen slot length is the session length")
        if self.weeks_between_sessions < 1:
            raise ValueError(f"{self.variant}: sessions need at least a week between them")
        if self.carer_sessions_expected < 0:
            raise ValueError(f"{self.variant}: parent or carer sessions cannot be negative")
        if self.age_range is not None and not 0 <= self.age_range[0] <= self.age_range[1]:
            raise ValueError(f"{self.variant}: the age range is inconsistent")

    @property
    def worsened_label(self) -> str:
        """The timeline's question whether the symptoms got worse after an event."""
        return f"{self.symptoms_noun[:1].upper()}{self.symptoms_noun[1:]} got worse after this"

    @property
    def label(self) -> str:
        """The name with the course's shape, as staff choose a variant: written from the numbers,
        so it cannot disagree with them."""
        first = "session 1" if self.initial_sessions == 1 else f"sessions 1–{self.initial_sessions}"
        last = (
            "the last session" if self.ending_sessions == 1 else f"the last {self.ending_sessions}"
        )
        span = (
            f"{self.min_sessions}"
            if self.min_sessions == self.max_sessions
            else f"{self.min_sessions}–{self.max_sessions}"
        )
        return f"{self.name}: {span} sessions, starting with {first} and ending with {last}"


_VARIANT_ROWS = (
    VariantConfig(
        variant=Variant.LEAFLET,
        # The seed leaflet's course (ipt-method.md [S1]), the product's default (decisions.md §1).
        name="Standard IPT",
        short_name="standard IPT",
        min_sessions=12,
        max_sessions=16,
        default_sessions=16,
        initial_sessions=3,
        ending_sessions=2,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=50,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 row 'Leaflet (AWP)' [S1]: 12–16 weekly sessions, 1–3 / 4–14 / "
            "15–16; decisions.md §1 (ending = last two for every length), §2 (prompt N−4, "
            "deadline N−2), §5 (50 minutes)."
        ),
    ),
    VariantConfig(
        variant=Variant.IPT_UK,
        name="IPT in NHS Talking Therapies",
        short_name="NHS Talking Therapies",
        min_sessions=12,
        max_sessions=16,
        default_sessions=16,
        initial_sessions=4,
        ending_sessions=4,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=50,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 row IPT_UK [S3][S17]: up to 16, 1–4 / 5–12 / 13–16, ≤50 min. "
            "UNVERIFIED: the minimum of 12 sessions (sources say only 'up to 16') and keeping the "
            "last four as the ending for shorter contracts."
        ),
    ),
    VariantConfig(
        variant=Variant.IPT_ADULT,
        name="Adult IPT (Weissman)",
        short_name="adult IPT",
        min_sessions=12,
        max_sessions=16,
        default_sessions=16,
        initial_sessions=3,
        ending_sessions=3,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=50,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 row IPT_ADULT [S2][S7][S8]: 12–16 weekly, initial ≤3, ending "
            "'last ~3', 45–50 min. UNVERIFIED: default of 16 sessions (a product choice)."
        ),
    ),
    VariantConfig(
        variant=Variant.IPT_SR,
        name="Stuart & Robertson",
        short_name="Stuart & Robertson",
        min_sessions=12,
        max_sessions=16,
        default_sessions=14,
        initial_sessions=3,
        ending_sessions=2,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=50,
        grief_requires_death=False,
        deficits_allowed=False,
        source=(
            "ipt-method.md §1.6 row IPT_SR [S18]: 1–3 / 4–12 / conclusion 1–2; three problem areas "
            "(§9), 'grief and loss' includes non-death losses (§3.1). UNVERIFIED: the 12–16 range "
            "(the acute total is not fixed in the retrieved text), the default of 14 (1–3 / 4–12 / "
            "13–14) and 50-minute sessions."
        ),
    ),
    VariantConfig(
        variant=Variant.IPT_ED,
        name="IPT for eating disorders",
        short_name="IPT for eating disorders",
        min_sessions=15,
        max_sessions=20,
        default_sessions=20,
        initial_sessions=4,
        ending_sessions=4,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=50,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 rows IPT_ED_F/IPT_ED_W [S13]: 15–20 × 50 min, initial 3–4 "
            "(Fairburn) or 1–5 (Wilfley), ending 4–5 (Wilfley). UNVERIFIED: one row for both "
            "styles with initial 4 and ending 4, default 20 (the 2015 trial's dose). Symptoms "
            "on the timeline are the eating-disorder symptoms (§3.5, Wilfley IPT-ED links events "
            "to eating symptoms)."
        ),
        symptoms_noun="eating problems",
        illness_noun="the eating problems",
    ),
    VariantConfig(
        variant=Variant.IPC,
        name="Interpersonal counselling",
        short_name="interpersonal counselling",
        min_sessions=3,
        max_sessions=6,
        default_sessions=4,
        initial_sessions=1,
        ending_sessions=1,
        # N−4 and N−2 would fall in or before the first session of a 3- to 6-session course,
        # where the time limit is set anyway; the ending is raised again at the session before
        # the last.
        ending_prompt_before=1,
        ending_deadline_before=1,
        session_minutes=30,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 row IPC [S12]: 3–6 brief sessions, session 1 / 2–(5) / last, "
            "first session ≤30 min. UNVERIFIED: default of 4 sessions, 30-minute sessions "
            "throughout, and raising the ending at session N−1 (prompt and deadline both N−1). "
            "Issue 14: booked as 30-minute appointments; UNVERIFIED: the team may choose 20 to 50 "
            "minutes per course ('or as configured')."
        ),
        slot_minutes=30,
        slot_minutes_range=(20, 50),
    ),
    VariantConfig(
        variant=Variant.IPT_M,
        name="Maintenance IPT",
        short_name="maintenance IPT",
        min_sessions=3,
        max_sessions=36,
        default_sessions=12,
        # The first session reviews the acute course and agrees the new contract and focus; the
        # last is the ending; the sessions between are the maintenance work.
        initial_sessions=1,
        ending_sessions=1,
        ending_prompt_before=2,
        ending_deadline_before=1,
        session_minutes=50,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.5 and §1.6 row IPT_M [S7][S8]: a separate contract after the acute "
            "course, less frequent, same techniques, focus may shift; trials 'monthly for up to 3 "
            "years'; R21 (a new contract). decisions.md §7 (joins its referral). UNVERIFIED: 3–36 "
            "sessions, default 12; 'monthly' booked as every four weeks on the same weekday and "
            "time; session 1 initial (review and new contract), the last the ending; the ending "
            "raised two sessions ahead (N−2), hard warning at N−1; 50-minute sessions in an hour."
        ),
        weeks_between_sessions=4,
        continues_a_course=True,
    ),
    VariantConfig(
        variant=Variant.IPT_A,
        name="IPT for adolescents",
        short_name="IPT for adolescents",
        min_sessions=12,
        max_sessions=16,
        default_sessions=12,
        initial_sessions=4,
        ending_sessions=4,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=45,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §1.6 row IPT_A [S11], §1 I-3: 12 weeks (12–16 at Columbia and Liverpool), "
            "35–50 minutes, parent sessions 1–3 (ACF; 3 at Liverpool), suicidality monitored every "
            "week. UNVERIFIED (product choices): default 12 sessions; phases 1–4 / 5–8 / "
            "9–12 from Mufson's 12-week model ('commonly 1–4' initial), the last four as the "
            "ending for longer contracts; 45-minute sessions; 3 parent or carer sessions "
            "expected, held as extras outside the contract; PHQ-9 as the weekly mood measure (the "
            "product has no adolescent form such as the PHQ-A or MFQ); ages 12–18."
        ),
        carer_sessions_expected=3,
        weekly_risk_check_required=True,
        weekly_measures=("phq9",),
        age_range=(12, 18),
    ),
    VariantConfig(
        variant=Variant.IPT_G_WHO,
        name="Group IPT (WHO format)",
        short_name="group IPT",
        # A member's course holds all their meetings in date order: the pre-group individual
        # meeting (1), group sessions 1–4 (2–5), the mid-group individual meeting (6), group
        # sessions 5–8 (7–10) and the closing individual meeting (11); see ipt/groups.py.
        min_sessions=11,
        max_sessions=11,
        default_sessions=11,
        initial_sessions=2,
        ending_sessions=2,
        ending_prompt_before=4,
        ending_deadline_before=2,
        session_minutes=90,
        grief_requires_death=True,
        deficits_allowed=True,
        source=(
            "ipt-method.md §0.2 and §1.6 row IPT_G_WHO, §10.2 [S10]: individual pre-group meeting "
            "+ 8 group sessions; initial = pre-group + session 1, middle = sessions 2–7, "
            "termination = session 8; groups of 6–10. UNVERIFIED: the mid-group and closing "
            "individual meetings (borrowed from IPT-G, §10.3 [S9]: mid-treatment and "
            "post-treatment individual meetings), placed after group session 4 and in the week "
            "after group session 8, both counted in the phases around them; 90-minute group "
            "sessions (§1.6 IPT_G and IPT-AST: '90 min common'), 60-minute individual meetings; "
            "a fixed contract of 11 meetings."
        ),
        # The group session's length; the individual meetings are booked for an hour by the
        # group's schedule (ipt/groups.py), which gives each meeting its own length.
        slot_minutes=90,
        in_group=True,
    ),
)

VARIANTS: Mapping[Variant, VariantConfig] = MappingProxyType(
    {row.variant: row for row in _VARIANT_ROWS}
)


def variant_choices() -> list[tuple[str, str]]:
    """(stored value, label) for every variant: the choices of a course's variant field.

    A callable, so that a new label needs no database migration.
    """
    return [(variant.value, config.label) for variant, config in VARIANTS.items()]


class SlotLengthError(ValueError):
    """An appointment length the variant does not allow; the message says what it allows."""


def check_slot_minutes(minutes: int, variant: Variant | str) -> None:
    """Raise :class:`SlotLengthError` unless ``minutes`` is a slot length the variant allows.

    Source: decisions.md §5 (one-hour slots) and issue 14 (IPC sessions of 30 minutes "or as
    configured"): the variant's ``slot_minutes_range`` when it has one, else its own slot only.
    """
    config = variant_config(variant)
    low, high = config.slot_minutes_range or (config.slot_minutes, config.slot_minutes)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise SlotLengthError("The session length must be a whole number of minutes.")
    if low == high and minutes != low:
        raise SlotLengthError(
            f"Sessions under the {config.short_name} variant are booked for {low} minutes; "
            "leave the length empty."
        )
    if not low <= minutes <= high:
        raise SlotLengthError(
            f"{config.name} sessions can be {low} to {high} minutes long; "
            f"{minutes} is too {'short' if minutes < low else 'long'}."
        )


def session_length(variant: Variant | str, slot_minutes: int) -> int:
    """How long a session lasts, as letters and calendars tell the client.

    The variant's session length (50 minutes in an hour's slot), or the slot itself where the
    variant lets the length be chosen and the session fills it (issue 14, IPC). Never longer than
    the slot.
    """
    config = variant_config(variant)
    if config.slot_minutes_range:
        return slot_minutes
    return min(config.session_minutes, slot_minutes)


def age_in_years(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def age_outside_range(variant: Variant | str, date_of_birth: date, on: date) -> int | None:
    """The person's age on ``on`` when the variant is meant for other ages, else None.

    A warning, not a refusal: the therapist may still choose the variant (IPT-A's ages are
    UNVERIFIED; see the row's ``source``).
    """
    ages = variant_config(variant).age_range
    if ages is None:
        return None
    age = age_in_years(date_of_birth, on)
    return None if ages[0] <= age <= ages[1] else age


def individual_variant_choices() -> list[tuple[str, str]]:
    """The choices when opening an individual course: every variant not delivered in a group."""
    return [(v.value, config.label) for v, config in VARIANTS.items() if not config.in_group]


def variant_config(variant: Variant | str) -> VariantConfig:
    """Return the configuration row for a variant given as a member or its stored value.

    Raises ``ValueError`` naming the allowed values when the variant is unknown.
    """
    try:
        key = Variant(variant)
    except ValueError:
        allowed = ", ".join(v.value for v in Variant)
        raise ValueError(f"Unknown IPT variant {variant!r}; choose one of: {allowed}.") from None
    return VARIANTS[key]
