"""The team's groups, a new group, its members, its page and a group session's page.

Facilitators of a group and their team's service lead reach these pages; anyone else gets 404
(access.py). Each page writes one audit event naming the clients it shows (decisions.md §24).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iptclinic.accounts.decorators import staff_required
from iptclinic.accounts.models import Role, User
from iptclinic.audit import services as audit
from iptclinic.clients.access import can_edit_clinical_record
from iptclinic.ipt.attendance import ATTENDANCE_LABELS, Attendance
from iptclinic.ipt.groups import size_note

from . import selectors, services
from .access import (
    can_manage,
    group_for,
    group_session_for,
    is_facilitator,
    meeting_in_session,
    visible_groups,
)
from .forms import AddMembersForm, GroupForm
from .models import GroupSession


@staff_required()
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(visible_groups(request.user).select_related("lead_facilitator"))
    audit.record(
        actor=request.user, action="group.list", detail={"group_ids": [g.pk for g in groups]}
    )
    return render(request, "groups/list.html", {"groups": groups})


@staff_required(Role.THERAPIST)
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    colleagues = User.objects.filter(team_id=request.user.team_id, is_active=True).exclude(
        pk=request.user.pk
    )
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        colleagues=colleagues.filter(is_therapist=True).order_by("first_name", "last_name"),
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group(
                actor=request.user,
                team=request.user.team,
                lead_facilitator=request.user,
                **data,
            )
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The group is created and its sessions are booked.")
            return redirect("groups:detail", group.pk)
    return render(request, "groups/group_new.html", {"form": form})


@staff_required()
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_for(request.user, group_id)
    members = selectors.memberships(group)
    audit.record(
        actor=request.user,
        action="group.view",
        obj=group,
        detail={"client_ids": sorted(m.course.referral.client_id for m in members)},
    )
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "co_facilitators": list(group.co_facilitators.all()),
            "sessions": selectors.group_sessions(group),
            "members": members,
            "size_note": size_note(len(members), group.format),
            "can_manage": can_manage(request.user, group),
        },
    )


@staff_required(Role.THERAPIST)
@require_http_methods(["GET", "POST"])
def group_members(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_for(request.user, group_id)
    if not can_manage(request.user, group):
        raise Http404
    referrals = selectors.joinable_referrals(request.user, group)
    form = AddMembersForm(request.POST if request.method == "POST" else None, referrals=referrals)
    if request.method == "POST" and form.is_valid():
        try:
            joined = services.add_members(
                group, actor=request.user, referrals=list(form.cleaned_data["referrals"])
            )
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{len(joined)} joined the group; their meetings are booked.")
            return redirect("groups:detail", group.pk)
    audit.record(
        actor=request.user,
        action="group.member_choice",
        obj=group,
        detail={"client_ids": sorted({r.client_id for r in referrals})},
    )
    return render(request, "groups/members.html", {"group": group, "form": form})


def _session_page(
    request: HttpRequest, session: GroupSession, *, partial: bool = False, error: str = ""
) -> HttpResponse:
    rows = selectors.session_rows(session)
    if not partial:
        audit.record(
            actor=request.user,
            action="group.session_view",
            obj=session,
            detail={"client_ids": sorted(row.client.pk for row in rows)},
        )
    group = session.group
    template = "groups/session.html#members" if partial else "groups/session.html"
    return render(
        request,
        template,
        {
            "group": group,
            "session": session,
            "rows": rows,
            "error": error,
            "can_run": is_facilitator(request.user, group),
            "attended": sum(row.appointment.is_attended for row in rows),
            "statuses": list(ATTENDANCE_LABELS.items()),
            "writer_ids": {
                row.client.pk for row in rows if can_edit_clinical_record(request.user, row.client)
            },
        },
    )


@staff_required()
def group_session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, group_session_for(request.user, session_id))


@staff_required()
@require_POST
def group_session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    """One member's attendance (``meeting`` and ``status``), or everyone attended (``everyone``)."""
    session = group_session_for(request.user, session_id)
    if not is_facilitator(request.user, session.group):
        raise Http404
    error = ""
    try:
        if request.POST.get("everyone"):
            services.mark_everyone_attended(session, actor=request.user)
        else:
            meeting = meeting_in_session(session, request.POST.get("meeting", ""))
            status = Attendance(request.POST.get("status", ""))
            services.set_member_attendance(session, meeting, actor=request.user, status=status)
    except services.GroupRuleError as rule:
        error = str(rule)
    except ValueError:
        error = "Choose a valid attendance."
    if request.htmx:
        return _session_page(request, session, partial=True, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Attendance saved.")
    return redirect("groups:session", session.pk)
