"""Who receives what a service user sends from the portal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iptclinic.ipt.portal_contact import Asked, Route, route
from iptclinic.ipt.safety_net import Owner

THERAPIST, SUPERVISOR, LEAD, OTHER_LEAD = 1, 2, 3, 4


@pytest.mark.parametrize(
    ("asked", "therapist", "leads", "about", "expected"),
    [
        (Asked.MESSAGE, THERAPIST, [LEAD], None, Route(THERAPIST, Owner.THERAPIST)),
        (Asked.MESSAGE, None, [LEAD], None, Route(LEAD, Owner.LEAD)),
        (Asked.FEEDBACK, THERAPIST, [LEAD], None, Route(LEAD, Owner.LEAD)),
        (Asked.COMPLAINT, THERAPIST, [LEAD], None, Route(LEAD, Owner.LEAD)),
        # The lead holds the caseload too: the complaint goes to another lead ...
        (Asked.COMPLAINT, LEAD, [LEAD, OTHER_LEAD], None, Route(OTHER_LEAD, Owner.LEAD)),
        # ... or, with no other lead, to the therapist's supervisor.
        (Asked.COMPLAINT, LEAD, [LEAD], None, Route(SUPERVISOR, Owner.SUPERVISOR)),
        (Asked.RECORD_QUESTION, THERAPIST, [LEAD], THERAPIST, Route(LEAD, Owner.LEAD)),
        (Asked.RECORD_QUESTION, THERAPIST, [LEAD, OTHER_LEAD], LEAD, Route(OTHER_LEAD, Owner.LEAD)),
        (Asked.RECORD_QUESTION, THERAPIST, [], None, Route(SUPERVISOR, Owner.SUPERVISOR)),
    ],
)
def test_each_thing_sent_reaches_the_person_who_should_handle_it(
    asked: Asked, therapist: int | None, leads: list[int], about: int | None, expected: Route
) -> None:
    assert route(asked, therapist=therapist, supervisor=SUPERVISOR, leads=leads, about=about) == (
        expected
    )


def test_nobody_left_to_take_it_is_said_so_rather_than_guessed() -> None:
    assert route(Asked.COMPLAINT, therapist=1, supervisor=None, leads=[1]) is None
    assert route(Asked.MESSAGE, therapist=None, supervisor=None, leads=[]) is None


people = st.one_of(st.none(), st.integers(1, 5))


@given(
    asked=st.sampled_from(Asked),
    therapist=people,
    supervisor=people,
    leads=st.lists(st.integers(1, 5), max_size=3, unique=True),
    about=people,
)
def test_a_complaint_never_reaches_the_therapist_and_a_question_never_the_person_it_is_about(
    asked: Asked, therapist: int | None, supervisor: int | None, leads: list[int], about: int | None
) -> None:
    found = route(asked, therapist=therapist, supervisor=supervisor, leads=leads, about=about)
    if found is None:
        return
    if asked in (Asked.COMPLAINT, Asked.FEEDBACK):
        assert found.person != therapist
        assert found.role is not Owner.THERAPIST
    if asked is Asked.RECORD_QUESTION:
        assert found.person != about
    if asked is Asked.MESSAGE and therapist is not None:
        assert found == Route(therapist, Owner.THERAPIST)
