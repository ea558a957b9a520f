"""IPT variants as configuration rows, not code paths.

Source: ``domain/ipt-method.md`` §0.2 and §1.6 (VARIANT), ``decisions.md`` §1–2 and §5 (PRODUCT).
Every rule that differs between versions of IPT reads its numbers from a :class:`VariantConfig`;
no other module branches on the variant itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
    IPT_G_WHO = "ipt_g_who"


@dataclass(frozen=True)
class VariantConfig:
    """The numbers that shape a course under one variant.

    ``initial_sessions`` and ``ending_sessions`` are the nominal lengths of the first and last
    phases; the middle phase is what lies between. ``ending_prompt_before`` and
    ``ending_deadline_before`` count back from the contracted length N (decisions.md §2, R10).
    ``name`` and ``short_name`` are what staff see; ``source`` (never shown) cites the evidence.
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
            "styles with initial 4 and ending 4, default 20 (the 2015 trial's dose)."
        ),
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
            "throughout, and raising the ending at session N−1 (prompt and deadline both N−1)."
        ),
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
