"""The initial phase in real Chromium, by keyboard alone: inventory, timeline, focus, agreement.

Every field is filled by typing and every button pressed with Enter or Space. ``focus()`` stands
in for a run of Tab presses only to reach the first control of a section; from there the journey
moves with Tab, as a keyboard user would. The browser console must stay free of errors, so a
Content-Security-Policy breach (an inline script or style) fails the journey.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from iptclinic.inventory.models import FocusDecision, Relationship, TreatmentAgreement
from iptclinic.test import attend_next
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# label, who, status, ring now, ring before, contact, confide, expectations met, disagreement
PEOPLE = [
    ("Sam", "Partner", "", "2", "1", "Every day", "No", "No", "Open"),
    ("Mum", "Parent", "", "1", "", "Every week", "Yes", "Yes", "No disagreement"),
    ("Dad", "Parent", "Deceased", "3", "3", "", "", "", ""),
    ("Jo", "Friend", "", "2", "1", "Every month", "Yes", "", ""),
    ("Church choir", "A group", "", "4", "2", "Every week", "", "", ""),
    ("Priya", "Colleague", "", "3", "", "Every day", "No", "", ""),
]


def press(locator: Locator, key: str = "Enter") -> None:
    """Move the keyboard focus to ``locator`` and press a key on it."""
    locator.focus()
    locator.page.keyboard.press(key)


def choose(page: Page, option: str) -> None:
    """Pick ``option`` in the focused select by pressing its first letter, as often as needed.

    Each press of a letter moves to the next option starting with it, whatever the time between
    presses, so this does not depend on the browser's type-ahead timing.
    """
    select = page.locator(":focus")
    texts = [t.strip() for t in select.locator("option").all_inner_texts()]
    exact = [i for i, text in enumerate(texts) if text == option]
    starting = [i for i, text in enumerate(texts) if text.startswith(option)]
    assert exact or starting, f"no option {option!r} in {texts}"
    target = (exact or starting)[0]
    current = select.evaluate("element => element.selectedIndex")
    letter = option[0].lower()
    presses = sum(
        1
        for i, text in enumerate(texts)
        if current < i <= target and text.lower().startswith(letter)
    )
    for _ in range(presses):
        page.keyboard.press(letter)
    expect(select).to_have_value(select.locator("option").nth(target).get_attribute("value") or "")


def tab_type(page: Page, text: str) -> None:
    """Tab to the next control and type into it, or pick the option in a select."""
    page.keyboard.press("Tab")
    if not text:
        return
    if page.locator(":focus").evaluate("element => element.tagName") == "SELECT":
        choose(page, text)
    else:
        page.keyboard.type(text)


def add_person(page: Page, row: tuple[str, ...], died_year: int) -> None:
    label, who, status, now, before, contact, confide, met, disagreement = row
    # The new row opens with its name field focused.
    expect(page.get_by_label("Name or pseudonym")).to_be_focused()
    page.keyboard.type(label)
    tab_type(page, who)
    tab_type(page, status)
    tab_type(page, str(died_year) if status == "Deceased" else "")
    for value in (now, before, contact, confide, met, disagreement):
        tab_type(page, value)
    page.keyboard.press("Tab")  # the "More" summary stays closed
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add to the inventory")).to_be_focused()
    page.keyboard.press("Enter")
    # The saved row appears and the focus moves to "Add another person or group".
    expect(page.locator(".person__name", has_text=label)).to_be_visible()
    expect(page.get_by_role("link", name="Add another person or group")).to_be_focused()


def test_a_therapist_builds_the_inventory_and_agrees_the_focus_by_keyboard_alone(
    page: Page, live_server, tess, cara_course
):
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            errors.append(message.text)

    page.on("console", collect)
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    today = timezone.localdate()
    third = attend_next(cara_course, tess, 3)[-1]
    onset = today - timedelta(weeks=10)
    rows_began = onset - timedelta(weeks=3)

    sign_in(page, base, "tess")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    press(page.get_by_role("link", name="Cara Whitfield").first)
    press(page.get_by_role("link", name="Inventory and circle (0 people)"))
    expect(page.get_by_role("heading", name="Interpersonal inventory")).to_be_visible()
    expect(page.get_by_role("note").filter(has_text="not clients of the service")).to_be_visible()

    # Six people, each typed into a new row that opens in place.
    press(page.get_by_role("link", name="Add a person or group"))
    for row in PEOPLE:
        add_person(page, row, died_year=today.year - 11)
        if row is not PEOPLE[-1]:
            page.keyboard.press("Enter")
    assert Relationship.objects.filter(course=cara_course).count() == 6

    # The circle was redrawn after each row: before beside now, and in words.
    circle = page.locator("#circle-panel")
    expect(circle.locator("svg")).to_contain_text("Before it started")
    press(circle.get_by_text("The circle in words"))
    expect(circle).to_contain_text("Ring 1: Mum")
    expect(circle).to_contain_text("Church choir")

    # The timeline: when the low mood began, and the events around it.
    press(page.get_by_role("link", name="Timeline").first)
    onset_field = page.get_by_label("When the current low mood began")
    onset_field.focus()
    page.keyboard.type(f"{onset:%B %Y}")
    press(page.get_by_role("button", name="Save the episode details"))
    expect(page.locator(".messages")).to_contain_text("details of this episode are saved")
    press(page.get_by_role("link", name="Add an event"))
    expect(page.get_by_label("When", exact=True)).to_be_focused()
    page.keyboard.type(f"{rows_began:%B %Y}")
    tab_type(page, "A conflict")
    tab_type(page, "Rows with Sam about money and his hours")
    tab_type(page, "3")
    page.keyboard.press("Tab")  # the first person: Sam
    expect(page.get_by_label("Sam", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    press(page.get_by_role("button", name="Add to the timeline"))
    expect(page.locator("#events")).to_contain_text("Rows with Sam about money")
    expect(page.get_by_role("link", name="Add another event")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("When", exact=True)).to_be_focused()
    page.keyboard.type(str(today.year - 2))
    tab_type(page, "New job")
    tab_type(page, "Started at the library")
    tab_type(page, "7")
    press(page.get_by_role("button", name="Add to the timeline"))
    # Wait for this event itself: the checks on the drawing below were already true before it,
    # and the focus must be back on the adder before the next key press goes anywhere.
    expect(page.locator("#events")).to_contain_text("Started at the library")
    expect(page.get_by_role("link", name="Add another event")).to_be_focused()
    expect(page.locator("#timeline-panel svg")).to_contain_text("Low mood started")
    expect(page.locator("#timeline-panel")).to_contain_text("mood 3 out of 10")

    # The suggestions, with their evidence; nothing is chosen for the therapist.
    press(page.get_by_role("link", name="Focus").first)
    dispute = page.locator(".area--suggested", has_text="Role disputes")
    expect(dispute).to_contain_text("Sam (partner): expectations are not met.")
    expect(page.get_by_role("note").filter(has_text="not a decision")).to_be_visible()
    assert not FocusDecision.objects.exists()

    # Choose the focus: one area, with its stage and the reason.
    press(page.get_by_label("Role disputes"), "Space")
    page.get_by_label("Stage of the dispute").focus()
    choose(page, "Impasse")
    page.get_by_label("Why this focus").focus()
    page.keyboard.type("The rows with Sam began weeks before the low mood; she wants them to stop.")
    press(page.get_by_role("button", name="Record the focus"))
    expect(page.get_by_role("heading", name="Formulation and treatment agreement")).to_be_visible()

    # Agree the formulation: save the draft, record that it was shared, then the agreement.
    expect(page.get_by_label("Formulation", exact=True)).to_contain_text(
        "Cara, this is a first draft"
    )
    press(page.get_by_role("button", name="Save the draft"))
    press(page.get_by_role("button", name="Record that it was shared and agreed"))
    expect(page.get_by_text("Shared with Cara and agreed")).to_be_visible()
    page.get_by_label("Goal 1 for role disputes").focus()
    page.keyboard.type("Tell Sam what she needs without a row")
    tab_type(page, "Agree a plan for money with Sam")
    press(page.get_by_role("button", name="Record the treatment agreement"))
    expect(page.locator(".messages")).to_contain_text("the contract is fixed")
    agreement = TreatmentAgreement.objects.get()
    assert agreement.agreed_on == timezone.localdate(third.starts_at)

    # Start the middle phase: session 4 takes place after the agreement.
    fourth = page.locator("table.appointments tbody tr").nth(3)
    fourth.get_by_role("combobox").focus()
    choose(page, "Attended")
    press(fourth.get_by_role("button", name="Save"))
    expect(fourth).to_contain_text("4 of 16")
    expect(fourth).to_contain_text("Middle")
    expect(page.locator(".initial-summary")).to_contain_text("Tell Sam what she needs")
    press(fourth.get_by_role("link", name="Write record"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 4 of 16: Middle phase")
    expect(page.locator("#focus-work")).to_contain_text("At the impasse stage")

    assert errors == []


def test_removing_a_person_and_an_event_in_place_redraws_and_keeps_the_keyboard_focus(
    page: Page, live_server, tess, cara_course
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    sam = Relationship.objects.create(
        course=cara_course, label="Sam", relationship_type="partner", closeness_now=1
    )
    Relationship.objects.create(course=cara_course, label="Jo", relationship_type="friend")
    event = cara_course.life_events.create(
        happened_on=timezone.localdate().replace(day=1), kind="move", description="Moved flat"
    )
    event.people.set([sam])
    sign_in(page, live_server.url, "tess")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.goto(f"{live_server.url}/courses/{cara_course.pk}/inventory/")
    press(page.get_by_role("button", name="Remove Sam"))
    expect(page.locator(".person__name", has_text="Sam")).to_have_count(0)
    expect(page.get_by_role("link", name="Add another person or group")).to_be_focused()
    expect(page.locator("#circle-panel")).to_contain_text("Ring 1: nobody.")
    page.goto(f"{live_server.url}/courses/{cara_course.pk}/timeline/")
    expect(page.locator("#events")).to_contain_text("Moved flat")
    press(page.get_by_role("button", name="Remove the event “Moved flat”"))
    expect(page.locator("#events")).not_to_contain_text("Moved flat")
    expect(page.get_by_role("link", name="Add an event")).to_be_focused()
    assert Relationship.objects.filter(course=cara_course).count() == 1
    assert errors == []


def test_a_form_opened_in_place_keeps_the_focus_where_the_keyboard_moved_it(
    page: Page, live_server, tess, cara_course
):
    """The browser focuses a new form's ``autofocus`` field at once; htmx must not focus it again
    later, taking the focus back from the field the user has tabbed to (the cause of a flaky
    journey: under load the late focus landed between two key presses).

    The page's timers are paused, so a focus that htmx left to a timer can only come when the
    clock is moved on: after the Tab, never before it.
    """
    sign_in(page, live_server.url, "tess")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.clock.install(time=timezone.now())
    page.goto(f"{live_server.url}/courses/{cara_course.pk}/timeline/")
    page.clock.pause_at(timezone.now() + timedelta(seconds=5))
    press(page.get_by_role("link", name="Add an event"))
    expect(page.get_by_label("When", exact=True)).to_be_focused()
    page.keyboard.type("March 2024")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kind of event")).to_be_focused()
    page.clock.run_for(1000)
    expect(page.get_by_label("Kind of event")).to_be_focused()
    expect(page.get_by_label("When", exact=True)).to_have_value("March 2024")
