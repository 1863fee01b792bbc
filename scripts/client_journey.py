"""A rep's journey through a client generated from /api/openapi.json by openapi-python-client.

Run by scripts/client-roundtrip.sh with the generated package installed; every call goes through
the generated functions and models, so a document the generator misreads fails here.
Arguments: base URL, officer username and password, delegate username and password.
"""

import csv
import datetime
import io
import sys

from caseload_api_client import AuthenticatedClient, Client
from caseload_api_client.api.auth import me, rotate_calendar, token
from caseload_api_client.api.cases import (
    add_deadline,
    add_event,
    create_case,
    list_cases,
    show_case,
    update_case,
)
from caseload_api_client.api.members import (
    create_member,
    export_members,
    list_members,
    workload_add,
)
from caseload_api_client.api.reference import list_employers
from caseload_api_client.api.reports import get_dashboard, get_evidence
from caseload_api_client.models import (
    CaseChanges,
    CaseInput,
    CaseType,
    Credentials,
    DeadlineInput,
    DeadlineKind,
    EventInput,
    EventKind,
    MemberFields,
    Stage,
    WorkloadInput,
    WorkloadSource,
)

base, officer, officer_password, delegate, delegate_password = sys.argv[1:6]


def check(answer, status, what):
    if answer.status_code != status:
        raise SystemExit(f"FAIL: {what}: {answer.status_code} {answer.content[:300]!r}")
    return answer.parsed


def signed_in(username, password):
    issued = check(
        token.sync_detailed(
            client=Client(base_url=base),
            body=Credentials(username=username, password=password),
        ),
        200,
        "token",
    )
    return AuthenticatedClient(base_url=base, token=issued.token)


rep = signed_in(officer, officer_password)
caller = check(me.sync_detailed(client=rep), 200, "me")
branch_id = caller.scope.branch_id
employer = check(list_employers.sync_detailed(client=rep), 200, "employers").items[0]
today = datetime.date.today()
number = f"GEN{today:%m%d}{datetime.datetime.now():%H%M%S}"

member = check(
    create_member.sync_detailed(
        client=rep,
        body=MemberFields(
            membership_number=number,
            first_name="Client",
            last_name="Journey",
            employer_id=employer.id,
            job_role="Social worker",
            fte=1.0,
            branch_id=branch_id,
            phone="+44 161 496 0000",
        ),
    ),
    201,
    "create member",
)
assert member.membership_number == number and member.phone == "+44 161 496 0000", member

record = check(
    workload_add.sync_detailed(
        member.id,
        client=rep,
        body=WorkloadInput(
            recorded_on=today,
            open_cases=24,
            source=WorkloadSource.MEMBER_REPORT,
            hours_worked=45.5,
            contracted_hours=37.0,
        ),
    ),
    201,
    "workload record",
)
assert record.open_cases == 24, record

case = check(
    create_case.sync_detailed(
        client=rep,
        body=CaseInput(
            member_id=member.id,
            type_=CaseType.DISCIPLINARY,
            opened_on=today,
            stage=Stage.INVESTIGATION,
            workload_factor=True,
        ),
    ),
    201,
    "create case",
)
check(
    add_event.sync_detailed(
        case.id,
        client=rep,
        body=EventInput(occurred_on=today, kind=EventKind.MEETING, text="First meeting"),
    ),
    201,
    "timeline entry",
)
changed = check(
    update_case.sync_detailed(case.id, client=rep, body=CaseChanges(stage=Stage.HEARING)),
    200,
    "stage",
)
assert changed.stage == Stage.HEARING, changed
hearing = check(
    add_deadline.sync_detailed(
        case.id,
        client=rep,
        body=DeadlineInput(
            kind=DeadlineKind.HEARING,
            due_on=today + datetime.timedelta(days=14),
            starts_at="10:00",
        ),
    ),
    201,
    "deadline",
)
assert hearing.due_on == today + datetime.timedelta(days=14), hearing
shown = check(show_case.sync_detailed(case.id, client=rep), 200, "show case")
assert shown.stage == Stage.HEARING and shown.workload_factor, shown

found = check(
    list_cases.sync_detailed(client=rep, member_id=member.id, stage=Stage.HEARING),
    200,
    "filtered case list",
)
assert [c.id for c in found.items] == [case.id], found
members = check(list_members.sync_detailed(client=rep, q=number), 200, "member search")
assert [m.id for m in members.items] == [member.id], members

# The export as a spreadsheet or a script reads it: Python's csv module, UTF-8 with the mark.
exported = check(export_members.sync_detailed(client=rep), 200, "member export")
raw = exported.encode("utf-8") if isinstance(exported, str) else exported
rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
mine = [r for r in rows if r["membership_number"] == number]
assert mine and mine[0]["phone"] == "'+44 161 496 0000", mine
assert "membership_number" in rows[0], list(rows[0])

board = check(get_dashboard.sync_detailed(client=rep, branch_id=branch_id), 200, "dashboard")
assert board.total.members >= 1 and all(band.members >= 0 for band in board.distribution), board

# The calendar feed as calendar programs read it: icalendar and vobject parse it, and every
# timed event names its zone (Outlook refuses floating times).
import httpx  # noqa: E402
import icalendar  # noqa: E402
import vobject  # noqa: E402

issued = check(rotate_calendar.sync_detailed(client=rep), 200, "calendar address")
feed_path = issued.calendar_url[issued.calendar_url.index("/calendar/"):]
feed = httpx.get(base + feed_path)
assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar"), feed
parsed = icalendar.Calendar.from_ical(feed.text)
events = list(parsed.walk("VEVENT"))
assert events, "the rep's feed holds the hearing added above"
for event in events:
    start = event.decoded("DTSTART")
    if isinstance(start, datetime.datetime):
        assert start.tzinfo is not None, event.to_ical()
        assert event.get("TRANSP") == "OPAQUE", event.to_ical()
    assert "LOCATION" not in event, event.to_ical()
assert any(isinstance(e.decoded("DTSTART"), datetime.datetime) for e in events)
vobject.readOne(feed.text)

reader = signed_in(delegate, delegate_password)
evidence = check(get_evidence.sync_detailed(client=reader), 200, "evidence")
assert evidence.tables and evidence.method, evidence
print(
    f"client journey passed: member {member.id}, case {case.id}, "
    f"{len(evidence.tables)} evidence tables"
)
