"""A hall with a rated morning at any size: every window served visits, some rated badly, cases in
every state — for statement counts that must not grow with the hall."""

from hallops.core import actions
from hallops.core.actors import Actor
from hallops.core.models import Department, Role
from hallops.evaluations.cases import open_case, take_step
from hallops.evaluations.models import Case, CaseKind
from hallops.evaluations.ratings import rate
from tests.factories import make_hall, make_service, make_staff, open_window_with_staff


def rated_hall(matters: int, windows: int):
    hall = make_hall()
    departments = [Department.objects.create(code=f"{hall.code}-d{i}", name=f"部门{i}") for i in range(3)]
    services = [make_service(hall, code=f"m{i}", prefix=f"{chr(65 + i % 26)}{i // 26}", name=f"事项{i}",
                             department=departments[i % 3]) for i in range(matters)]
    manager = Actor(user=make_staff(hall, role=Role.LOBBY_MANAGER))
    made = []
    for k in range(windows):
        window, _staff = open_window_with_staff(hall, [s for j, s in enumerate(services) if j % windows == k])
        made.append(window)
    for i, service in enumerate(services):
        window = made[i % windows]
        actions.issue_ticket(hall, service)
        actions.call_next(window)
        ticket = actions.finish(window)
        level = 1 if i % 2 else 5
        rate(ticket, level, source="qr", reasons=["attitude"] if level == 1 else [])
    for i, case in enumerate(Case.objects.filter(hall=hall)):
        if i % 3 == 0:
            take_step(case, "verify", verdict="valid", note="属实", actor=manager)
            take_step(case, "rectify", note="已整改", actor=manager)
    for i in range(max(1, matters // 4)):
        open_case(hall, CaseKind.HOTLINE, external_number=f"{hall.code}-{i}", window=made[i % windows],
                  actor=manager)
    return hall, manager
