"""Closing the loop, the whole way round, with the demo programme as a newcomer finds it.

A member of Cambridge & South, signed in on their phone, answers the drop-in's question by its
code. The hub's coordinator allows the answer, has the machine suggest a theme and accepts it
under a name of their own, starts an enquiry from the theme, takes it through "explore" to
"act" and gives it an action owned by the County Council and its director. The director (a
leader of the programme) marks the action done with an update for the people whose words led
there. A real worker process, sending through a fake GOV.UK Notify, puts exactly one digest text
on the member's phone; the member's own page shows the journey of what they said, and the hub's
"You said, we did" shows what was done. axe checks every page; the member uses the keyboard only.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sidebyside.accounts.models import User
from sidebyside.enquiries.models import Action, Digest, Enquiry, Notice, Update
from sidebyside.gatherings.models import Gathering, Reminder
from sidebyside.gatherings.services import gathering_create
from sidebyside.hubs.models import Hub
from sidebyside.insights.models import Theme
from sidebyside.notify.tests.test_worker_processes import start_worker, stop_worker
from sidebyside.people.models import Person
from sidebyside.voices.models import Contribution, JoinCode
from tests.fakes.notify import FakeNotify
from tests_e2e.conftest import check_page, follow, tab_to
from tests_e2e.helpers import load_demo, sign_in_link_path, sign_in_with_password, staff_with_password

pytestmark = pytest.mark.django_db(transaction=True)

HUB = "Cambridge & South"
COORDINATOR = "coordinator.cambridge-south@example.org"
# Wes Ellis: a member of the hub who agreed to be recorded by name, to texts, and to be quoted by
# first name; texts are how he likes to hear from the hub.
MEMBER = "cambridge-south.3@example.org"
# Priya Natarajan, a director at Cambridgeshire County Council, a leader in the programme.
LEADER = "director@example.org"
COUNCIL = "Cambridgeshire County Council"

QUESTION = "What is missing that would make this work better?"
ANSWER = "Meetings are always in the daytime, so those of us who have found work cannot come any more."
THEME = "Meetings people in work can get to"
ENQUIRY = "Hub meetings at times people in work can make"
ACTION = "Book the library's community room for one evening meeting a month"
WE_DID = "The library room is booked for the first Tuesday evening of every month, starting in January."

# Our template ids in the fake Notify: one per message the service sends.
TEMPLATES = {key: str(uuid.uuid4()) for key in settings.NOTIFY_TEMPLATE_KEYS}


# --- The worker, as it runs for real -----------------------------------------------------------------


@pytest.fixture
def notify_and_worker(live_server: Any) -> Iterator[tuple[FakeNotify, subprocess.Popen[str]]]:
    """A fake Notify and one real worker process sending to it, for the whole journey."""
    env = {
        "SITE_URL": live_server.url,
        "REMINDER_CHECK_SECONDS": "1",
        "NOTIFY_TIMEOUT_SECONDS": "2",
        **{f"NOTIFY_TEMPLATE_{key.upper()}": value for key, value in TEMPLATES.items()},
    }
    with FakeNotify() as fake, tempfile.TemporaryFile("w+") as log:
        # Its output to a file, not a pipe: a pipe nobody reads would stop it once full.
        worker = start_worker(fake, env=env, stdout=log, poll="0.2")
        try:
            yield fake, worker
        finally:
            stop_worker(worker)
            log.seek(0)
            output = log.read()
        assert "Traceback" not in output, output


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, worker: subprocess.Popen[str]
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped (exit {worker.returncode}) while waiting for {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def digits(number: str) -> str:
    """A UK mobile number as its last ten digits, however it was written."""
    return re.sub(r"\D", "", number)[-10:]


def to_member(fake: FakeNotify, person: Person) -> list[dict[str, Any]]:
    """What the fake Notify received for the member's phone, leaving out only the hub's own
    invitations and reminders to its sessions, each of which must be one the worker recorded.

    The demo's sessions are at fixed dates: on the two days before the hub's next one, the worker
    rightly invites the member to it while this test runs. On other days there are none."""
    sent = [n for n in fake.received if digits(n["to"]) == digits(person.phone)]
    sessions = {TEMPLATES["invitation"], TEMPLATES["reminder"]}
    recorded = {
        f"outbox-{pk}"
        for pk in Reminder.objects.filter(registration__person=person, message__isnull=False).values_list(
            "message_id", flat=True
        )
    }
    for_sessions = [n for n in sent if n["template_id"] in sessions]
    assert {n["reference"] for n in for_sessions} <= recorded, for_sessions
    assert len({n["reference"] for n in for_sessions}) == len(for_sessions), "a session message sent twice"
    return [n for n in sent if n["template_id"] not in sessions]


# --- Set-up: what a newcomer finds already there ------------------------------------------------------


def a_drop_in_on_now(coordinator: User) -> Gathering:
    """The hub's drop-in, which began half an hour ago (the demo's own sessions are at fixed dates)."""
    hub = Hub.objects.get(name=HUB)
    starts = timezone.now() - datetime.timedelta(minutes=30)
    [gathering] = gathering_create(
        actor=coordinator,
        hub=hub,
        kind="drop_in",
        title="Drop-in at Mill Road",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        venue="Mill Road community room",
    )
    return gathering


def other_context(browser: Browser, live_server: Any) -> tuple[Page, list[str]]:
    """Another person's browser, on another computer: a desktop window, console errors recorded."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


# --- The journey -----------------------------------------------------------------------------------


def test_what_a_member_said_comes_back_to_them(
    page: Page,
    phone: Page,
    browser: Browser,
    live_server: Any,
    notify_and_worker: tuple[FakeNotify, subprocess.Popen[str]],
) -> None:
    fake, worker = notify_and_worker
    phone_errors: list[str] = []  # the phone fixture does not watch its console: this test does
    phone.on("console", lambda m: phone_errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: phone_errors.append(str(e)))
    load_demo()
    coordinator = staff_with_password(COORDINATOR)
    leader = staff_with_password(LEADER)
    member = User.objects.get(email=MEMBER)
    person = Person.objects.get(user=member)
    first_name = member.full_name.split()[0]
    gathering = a_drop_in_on_now(coordinator)
    # What the demo already holds of the member's words and updates for them.
    said_before = Contribution.objects.filter(author=person).count()
    notices_before = Notice.objects.filter(person=person).count()
    started = timezone.now()

    # 1. The coordinator opens the drop-in for answers from phones, with one of the programme's questions.
    sign_in_with_password(page, COORDINATOR, coordinator)
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()
    check_page(page, "loop-coordinator-dashboard")
    page.get_by_role("link", name=HUB, exact=True).first.click()
    expect(page.get_by_role("heading", name=HUB, level=1)).to_be_visible()
    check_page(page, "loop-coordinator-hub")
    page.get_by_role("link", name="Gatherings", exact=True).first.click()
    expect(page.get_by_role("link", name=gathering.title)).to_be_visible()
    check_page(page, "loop-coordinator-gatherings")
    page.get_by_role("link", name=gathering.title).click()
    expect(page.get_by_role("heading", name=gathering.title)).to_be_visible()
    check_page(page, "loop-coordinator-gathering")
    page.get_by_role("link", name="Answers from phones").click()
    expect(page.get_by_role("heading", name="Answers from phones")).to_be_visible()
    check_page(page, "loop-coordinator-phones-closed")
    page.get_by_role("button", name="Open for answers from phones").click()
    expect(page.locator("#join-code")).to_be_visible()
    page.get_by_label("Choose a question the programme already asks").select_option(label=QUESTION)
    page.get_by_role("button", name="Add question").click()
    expect(page.locator("#questions").locator("xpath=following-sibling::ol[1]")).to_contain_text(QUESTION)
    check_page(page, "loop-coordinator-phones")
    code = page.locator("#join-code").inner_text().strip()
    assert code == JoinCode.objects.get(gathering=gathering).code

    # The member, on their phone, signs in with the link the hub texted them: keyboard only.
    phone.goto(sign_in_link_path(member))
    expect(phone.get_by_role("heading", name="Sign in to Side by Side")).to_be_visible()
    check_page(phone, "loop-member-link")
    tab_to(phone, r"^Sign in$")
    follow(phone)
    expect(phone.get_by_role("heading", name=HUB, level=1)).to_be_visible()
    check_page(phone, "loop-member-home")

    # They type the address on the poster, then the code.
    phone.goto("/join/")
    expect(phone.get_by_role("heading", name="Answer from your phone")).to_be_visible()
    check_page(phone, "loop-member-join")
    tab_to(phone, r"^code$", attribute="id")
    phone.keyboard.type(code.lower())
    follow(phone)
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(phone.get_by_text(f"You are signed in as {member.full_name}")).to_be_visible()
    expect(phone.get_by_label("Tell me what happens to this")).to_be_checked()
    check_page(phone, "loop-member-question")
    tab_to(phone, r"^answer$", attribute="id")
    phone.keyboard.type(ANSWER)
    # Quote me by my first name: arrows move through the choices.
    tab_to(phone, r"^identify$", attribute="name")
    for _ in range(3):
        if phone.evaluate("document.activeElement.value") == "first_name":
            break
        phone.keyboard.press("ArrowUp")
    assert phone.evaluate("document.activeElement.checked && document.activeElement.value") == "first_name"
    tab_to(phone, r"^Send$")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Thank you: your answer has been sent")).to_be_visible()
    expect(phone.get_by_text("You are signed in, so you can also follow it on")).to_be_visible()
    check_page(phone, "loop-member-thanks")

    contribution = Contribution.objects.get(gathering=gathering)
    assert (contribution.text, contribution.author_id) == (ANSWER, person.pk)
    assert (contribution.identify_as, contribution.state) == ("first_name", "pending")
    assert contribution.prompt is not None
    assert contribution.prompt.text == QUESTION

    # 2. The coordinator checks the answer and allows it.
    page.get_by_role("link", name="Back to the gathering").click()
    page.get_by_role("link", name=f"All gatherings at {HUB}").click()
    page.get_by_role("link", name=f"Back to {HUB}").click()
    page.get_by_role("link", name="Check what people sent").click()
    expect(page.get_by_role("heading", name="Check what people said", level=1)).to_be_visible()
    expect(page.locator(f"#contribution-{contribution.pk}")).to_contain_text(ANSWER)
    check_page(page, "loop-coordinator-check")
    page.locator(f"#contribution-{contribution.pk}").get_by_role("button", name=re.compile("^Allow")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Allowed")
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
    check_page(page, "loop-coordinator-allowed")
    contribution.refresh_from_db()
    assert contribution.state == "shown"

    # The machine suggests a theme for the drop-in; the coordinator accepts it under their own name.
    page.get_by_role("link", name="Themes", exact=True).click()
    expect(page.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    check_page(page, "loop-themes")
    page.get_by_label("Hub (optional)").select_option(label=HUB)
    page.get_by_label("Gathering (optional)").select_option(value=str(gathering.pk))
    page.get_by_role("button", name="Suggest themes").click()
    expect(page.get_by_role("heading", name="Suggested themes to review")).to_be_visible()
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    check_page(page, "loop-themes-suggested")
    suggested = Theme.objects.get(status="suggested")
    page.get_by_label(f"Name for “{suggested.name}”").fill(THEME)
    page.get_by_role("button", name=f"Accept “{suggested.name}”").click()
    expect(page.get_by_text(f"Theme accepted: {THEME}")).to_be_visible()
    check_page(page, "loop-themes-accepted")

    expect(page.get_by_text("Nothing left to review from this run:")).to_be_visible()
    page.get_by_role("link", name="Back to the themes").click()
    expect(page.get_by_role("cell", name=THEME)).to_be_visible()
    check_page(page, "loop-themes-with-ours")
    page.get_by_role("link", name=THEME).click()
    expect(page.get_by_role("heading", name=THEME)).to_be_visible()
    expect(page.get_by_text(f"“{ANSWER}”")).to_be_visible()
    check_page(page, "loop-theme")

    # From the theme, a new enquiry.
    page.get_by_role("link", name="Use as evidence for an enquiry").click()
    expect(page.get_by_role("heading", name="Use this theme in an enquiry")).to_be_visible()
    check_page(page, "loop-theme-to-enquiry")
    page.get_by_role("link", name="Start a new enquiry from this theme").click()
    expect(page.get_by_role("heading", name="Start an enquiry")).to_be_visible()
    expect(page.get_by_text(f"The theme “{THEME}” will be linked as evidence.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value(THEME)
    check_page(page, "loop-enquiry-new")
    page.get_by_label("Title").fill(ENQUIRY)
    page.get_by_label("The issue, in the group's words").fill(
        "Hub meetings are on weekday mornings. People who have found work, often through the hub, "
        "can no longer come, and the hub loses them just when their experience counts most."
    )
    page.get_by_label(HUB, exact=True).check()
    page.get_by_label(re.compile(rf"^{re.escape(coordinator.full_name)} \(")).check()
    # The programme's people are a long list: the box above it finds a name; ticked names stay.
    peer_mentor = User.objects.get(email="cambridge-south.1@example.org")
    people = page.locator(".govuk-checkboxes[data-filter] .govuk-checkboxes__item")
    everyone = people.count()
    finder = page.get_by_label("Find a person by name or hub")
    finder.fill(peer_mentor.full_name.split()[-1])
    finder.press("Enter")  # does not send the form
    expect(page.get_by_role("heading", name="Start an enquiry")).to_be_visible()
    expect(page.get_by_label(re.compile(rf"^{re.escape(peer_mentor.full_name)} \("))).to_be_visible()
    expect(page.get_by_label(re.compile(rf"^{re.escape(coordinator.full_name)} \("))).to_be_visible()
    visible = people.filter(visible=True).count()
    assert 2 <= visible < everyone, (visible, everyone)
    expect(page.get_by_text(f"Showing {visible} of {everyone}")).to_be_visible()
    check_page(page, "loop-enquiry-new-find-a-person")
    page.get_by_label(re.compile(rf"^{re.escape(peer_mentor.full_name)} \(")).check()
    finder.fill("")
    expect(people.filter(visible=True)).to_have_count(everyone)
    page.get_by_label(COUNCIL, exact=True).check()
    page.get_by_role("button", name="Start the enquiry").click()
    expect(page.get_by_role("heading", name=ENQUIRY, level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Enquiry started: {ENQUIRY}")
    expect(page.get_by_text(f"{THEME} (1)")).to_be_visible()
    expect(page.locator(".sbs-quote")).to_contain_text(ANSWER)
    expect(page.locator(".sbs-quote")).to_contain_text(first_name)
    check_page(page, "loop-enquiry-framed")
    enquiry = Enquiry.objects.get(title=ENQUIRY)
    # Its evidence search, kept in an address past its time, asks for the words again.
    enquiry_address = page.url
    page.goto(f"/enquiries/{enquiry.pk}/evidence/?find=no-longer-readable")
    expect(page.locator(".govuk-error-summary")).to_contain_text("That search has ended")
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page, "loop-evidence-search-ended")
    page.goto(enquiry_address)

    # Through "explore" to "act".
    for stage in ("Explore", "Act"):
        page.get_by_role("link", name="Move to another stage").click()
        expect(page.get_by_role("heading", name="Move to another stage")).to_be_visible()
        check_page(page, f"loop-enquiry-move-{stage.lower()}")
        page.get_by_label(stage, exact=True).check()
        page.get_by_role("button", name="Move").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Moved to “{stage}”")
        expect(page.locator(".sbs-stages__item--current")).to_have_text(stage)
        check_page(page, f"loop-enquiry-{stage.lower()}")
    enquiry.refresh_from_db()
    assert enquiry.stage == "act"

    # An action the County Council owns, with its director named, due in a month.
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", name="Add an action")).to_be_visible()
    check_page(page, "loop-action-new")
    page.get_by_label("What will be done").fill(ACTION)
    page.get_by_label("Owner (optional if an organisation owns it)").select_option(label=leader.full_name)
    page.get_by_label("Owning organisation (optional if a person owns it)").select_option(label=COUNCIL)
    page.locator("#id_due_on_0").fill(str(due.day))
    page.locator("#id_due_on_1").fill(str(due.month))
    page.locator("#id_due_on_2").fill(str(due.year))
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Action added: {ACTION}")
    row = page.get_by_role("row").filter(has_text=ACTION)
    expect(row).to_contain_text(f"{leader.full_name}, {COUNCIL}")
    expect(row).to_contain_text("Not started")
    expect(row).to_contain_text(f"{due.day} {due:%b %Y}")
    check_page(page, "loop-enquiry-with-action")
    action = Action.objects.get(enquiry=enquiry)
    assert (action.owner_id, action.organisation.name if action.organisation else "") == (leader.pk, COUNCIL)

    # Nothing has gone to the member yet: there is nothing to tell them.
    assert not Digest.objects.filter(created_at__gte=started).exists()
    assert not to_member(fake, person)

    # 3. The director signs in on their own computer, finds the action and marks it done.
    leader_page, leader_errors = other_context(browser, live_server)
    try:
        sign_in_with_password(leader_page, LEADER, leader)
        expect(
            leader_page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")
        ).to_be_visible()
        check_page(leader_page, "loop-leader-dashboard")
        leader_page.get_by_role("link", name="Enquiries", exact=True).click()
        expect(leader_page.get_by_role("heading", name="Enquiries", level=1)).to_be_visible()
        expect(leader_page.locator("#stage-act").locator("xpath=..")).to_contain_text(ENQUIRY)
        check_page(leader_page, "loop-leader-board")
        leader_page.get_by_role("link", name="All open actions").click()
        expect(leader_page.get_by_role("heading", name="Open actions")).to_be_visible()
        check_page(leader_page, "loop-leader-actions")
        leader_page.get_by_role("link", name="Only yours or your organisation’s").click()
        expect(leader_page.get_by_role("heading", name="Your actions")).to_be_visible()
        expect(leader_page.locator("tbody")).to_contain_text("You, " + COUNCIL)
        check_page(leader_page, "loop-leader-actions-yours")
        leader_page.get_by_role("link", name=ACTION).click()
        expect(leader_page.get_by_role("heading", name=ACTION)).to_be_visible()
        expect(leader_page.locator(".govuk-summary-list")).to_contain_text("You, " + COUNCIL)
        expect(leader_page.get_by_role("heading", name="Say how it stands")).to_be_visible()
        check_page(leader_page, "loop-leader-action")
        leader_page.get_by_label("Done", exact=True).check()
        leader_page.get_by_label("An update on what happened (optional)").fill(WE_DID)
        expect(leader_page.get_by_label("Tell the people whose words led here")).to_be_checked()
        leader_page.get_by_role("button", name="Save").click()
        expect(leader_page.locator(".govuk-notification-banner")).to_contain_text(
            "Saved. The update will reach the people whose words led here"
        )
        expect(leader_page.locator(".govuk-summary-list")).to_contain_text("Done")
        expect(leader_page.get_by_text(WE_DID)).to_be_visible()
        check_page(leader_page, "loop-leader-done")
    finally:
        leader_page.context.close()
    assert not leader_errors, f"browser console errors: {leader_errors}"

    update = Update.objects.get(action=action)
    assert (update.kind, update.tell_contributors, update.told) == ("we_did", True, 1)
    assert list(Notice.objects.filter(update=update).values_list("person_id", flat=True)) == [person.pk]

    # 4. The worker gathers the update into the member's digest and sends it: one text, once.
    wait_for(lambda: bool(to_member(fake, person)), timeout=60, what="the digest text", worker=worker)
    [text] = to_member(fake, person)
    assert (text["type"], text["template_id"]) == ("sms", TEMPLATES["digest"])
    assert text["personalisation"]["count"] == "1"
    assert text["personalisation"]["hub"] == HUB
    assert text["personalisation"]["link"] == f"{live_server.url}/me/impact/"
    time.sleep(4)  # several more rounds of the worker's loops
    assert to_member(fake, person) == [text]
    assert list(
        Digest.objects.filter(created_at__gte=started).values_list("person_id", "outcome", "count")
    ) == [(person.pk, "queued", 1)]

    # 5. The member opens their page from their home page, keyboard only.
    phone.goto("/")
    expect(phone.get_by_role("heading", name=HUB, level=1)).to_be_visible()
    check_page(phone, "loop-member-home-again")
    tab_to(phone, r"^Menu$")
    phone.keyboard.press("Enter")
    tab_to(phone, r"^What you said$")
    follow(phone)
    expect(phone.get_by_role("heading", name="What happened to what you said")).to_be_visible()
    said_now, notices_now = said_before + 1, notices_before + 1
    expect(phone.locator("p.govuk-body-l").first).to_have_text(
        re.compile(
            rf"^You have said {said_now} things?\. \d+ (has|have) led to work on a change\. "
            rf"{notices_now} updates? so far\.$"
        )
    )
    updates = phone.get_by_role("heading", name="Updates for you").locator("xpath=following-sibling::ul[1]")
    expect(updates).to_contain_text(ENQUIRY)
    expect(updates).to_contain_text(WE_DID)
    said = phone.locator(".govuk-summary-card").filter(has_text=ANSWER)
    expect(said).to_contain_text(f"Answer to: {QUESTION}")
    expect(said).to_contain_text(THEME)  # grouped with others under the theme
    expect(said).to_contain_text(ENQUIRY)  # the work on a change
    expect(said).to_contain_text("Act")  # its stage
    expect(said).to_contain_text(ACTION)  # what will be done
    expect(said).to_contain_text("Done")
    expect(said).to_contain_text(WE_DID)  # what was done
    check_page(phone, "loop-member-impact")

    # And the hub's "You said, we did", from the hub's page.
    tab_to(phone, r"^Menu$")
    phone.keyboard.press("Enter")
    tab_to(phone, rf"^{re.escape(HUB)}$")
    follow(phone)
    expect(phone.get_by_role("heading", name="You said, we did", level=2)).to_be_visible()
    check_page(phone, "loop-member-hub")
    tab_to(phone, r"^You said, we did")
    follow(phone)
    expect(phone.get_by_role("heading", name="You said, we did", level=1)).to_be_visible()
    card = phone.locator(".sbs-card").filter(has_text=ENQUIRY)
    expect(card).to_contain_text(WE_DID)
    expect(card).to_contain_text(ANSWER)
    check_page(phone, "loop-member-you-said")

    # The coordinator follows the same contribution's journey from what people said at the hub.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Cambridgeshire & Peterborough Co-production")).to_be_visible()
    check_page(page, "loop-coordinator-dashboard-after")
    page.get_by_role("link", name=HUB, exact=True).first.click()
    expect(page.get_by_role("heading", name=HUB, level=1)).to_be_visible()
    page.get_by_role("link", name="What people said").click()
    expect(page.get_by_role("heading", name="What people said", level=1)).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    check_page(page, "loop-coordinator-said")
    said_here = page.get_by_role("list", name="Contributions").locator("li").filter(has_text=ANSWER)
    said_here.get_by_role("link", name=re.compile(r"^Journey\W+what happened to contribution \d+$")).click()
    expect(page.get_by_role("heading", name="What happened to it", level=1)).to_be_visible()
    expect(
        page.get_by_text("1 of the updates below has been passed on to them, on their own page")
    ).to_be_visible()
    expect(page.locator(".govuk-summary-list").last).to_contain_text(WE_DID)
    check_page(page, "loop-coordinator-journey")
    assert not phone_errors, f"console errors on the phone: {phone_errors}"
