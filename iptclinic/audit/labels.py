"""Every audit action in plain words, for the lead's audit pages and the service user's page.

``tests/test_audit_reading.py`` reads the code for every action name it writes and fails if one
has no words here. A name written by another part of the product later (a security event) shows
under its family's words until it has its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

ACTION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        # Looking at records and lists
        "client.view": "Looked at the client's record",
        "client.nothing_to_see": "Opened a page about the client with nothing to show",
        "caseload.view": "Looked at a caseload list",
        "clients.search": "Searched the client list",
        "attention.view": "Looked at their Needs attention list",
        "attention.team_view": "Looked at the team's Needs attention list",
        "people.view": "Looked at the team's people",
        "report.outcomes": "Looked at the outcomes report",
        "report.outcomes_csv": "Downloaded the outcomes report (CSV)",
        "letter.download": "Downloaded a letter",
        "letter.portal_download": "Downloaded one of their letters in the portal",
        # Reading the audit (this slice)
        "audit.client_view": "Looked at who has seen the client's record",
        "audit.client_csv": "Downloaded who has seen the client's record (CSV)",
        "audit.user_view": "Looked at a staff member's activity",
        "audit.user_csv": "Downloaded a staff member's activity (CSV)",
        "audit.unusual_view": "Looked at the unusual access list",
        "audit.portal_view": "Looked at who has seen their record",
        # The client and their referral
        "client.register": "Registered the client",
        "client.update": "Changed the client's details",
        "client.allocate": "Allocated the client to a therapist",
        "needs.tell": "Told us their communication needs in the portal",
        "needs.confirm": "Confirmed the communication needs told in the portal",
        "needs.discuss": "Chose to talk about the communication needs told in the portal",
        "client.reallocate": "Moved the client to another therapist",
        "referral.add": "Added a referral",
        "referral.update": "Corrected a referral",
        # Courses, appointments and session records
        "course.open": "Opened a course of therapy",
        "course.start_maintenance": "Started maintenance IPT after a course",
        "course.agree_contract": "Recorded the agreed number of sessions",
        "course.change_contract": "Changed the agreed number of sessions",
        "course.renegotiate": "Renegotiated the agreement",
        "course.middle_phase_override": "Started the middle phase without a recorded focus",
        "course.end": "Ended the course",
        "appointment.attendance": "Recorded attendance",
        "appointment.rebook": "Rebooked an appointment",
        "appointment.place": "Changed where an appointment happens",
        # portal appointments (issue 11)
        "portal.session_request": "Asked in the portal to cancel or move a session",
        "portal.calendar_download": "Downloaded their sessions as a calendar file",
        "portal.reminder_choice": "Chose how to be reminded of sessions",
        "team.reminders": "Changed the team's appointment reminders",
        "session_record.create": "Wrote a session record",
        # Adherence ratings (issue 13): feedback between a therapist and their supervisor
        "adherence.rate": "Rated adherence to IPT in a session",
        "adherence.update": "Changed their adherence rating of a session",
        # The eating log of IPT for eating disorders (issue 14)
        "eating_log.record": "Recorded eating episodes in the eating log",
        "eating_log.update": "Corrected an entry in the eating log",
        "eating_settings.change": "Changed the team's eating log settings",
        "eating_measure.load": "Loaded a licensed eating-disorder questionnaire for the team",
        "eating_measure.replace": "Replaced an unanswered eating-disorder questionnaire",
        "eating_measure.record": "Recorded an eating-disorder questionnaire",
        "session_record.update": "Changed a session record",
        "session_record.sign": "Signed a session record",
        "session_record.addendum": "Added a note to a signed session record",
        "session_focus_work.save": "Recorded the work on the focus in a session",
        "ending_record.create": "Wrote the ending record",
        "ending_record.update": "Changed the ending record",
        # Interpersonal inventory, formulation and focus
        "inventory.copy_forward": "Copied the interpersonal inventory to a new course",
        "inventory.relationship.add": "Added a relationship to the inventory",
        "inventory.relationship.update": "Changed a relationship in the inventory",
        "inventory.relationship.remove": "Removed a relationship from the inventory",
        "inventory.event.add": "Added a life event to the timeline",
        "inventory.event.update": "Changed a life event on the timeline",
        "inventory.event.remove": "Removed a life event from the timeline",
        "inventory.episode.add": "Added an episode to the timeline",
        "inventory.episode.save": "Changed an episode on the timeline",
        "inventory.episode.remove": "Removed an episode from the timeline",
        "formulation.create": "Wrote the formulation",
        "formulation.update": "Changed the formulation",
        "formulation.revise": "Started a revision of the formulation",
        "formulation.share": "Recorded that the formulation was shared",
        "focus.choose": "Chose the focus",
        "focus.renegotiate": "Changed the focus",
        "goals.save": "Saved the goals",
        # The portal: what the client sees of their therapy (issue 11, item 4)
        "portal.shared": "Shared part of the therapy with the client in the portal",
        "portal.unshared": "Stopped sharing part of the therapy with the client in the portal",
        "portal.goals_rated": "Rated their goals in the portal",
        "portal.suggestion": "Suggested a change to their therapy record in the portal",
        "portal.suggestion_accepted": "Accepted a suggestion from the portal",
        "portal.suggestion_discussed": "Noted a suggestion from the portal as discussed",
        # Questionnaires and risk
        "questionnaire.create": "Recorded a questionnaire",
        "questionnaire.update": "Changed a questionnaire",
        "risk_alert.review": "Reviewed a risk alert",
        # Questionnaires in the portal (issue 11 item 3)
        "questionnaire_draft.start": "Started a questionnaire in the portal",
        "questionnaire_draft.answer": "Answered a question of a questionnaire in the portal",
        "portal_scores.set": "Changed whether the client sees their scores in the portal",
        # Letters
        "letter.request": "Asked for a letter",
        "letter.issue": "Issued a letter",
        "translation.sign_off": "Signed off a translation",
        # Contact and concerns from the portal
        "portal.contact_view": "Looked at their contact page in the portal",
        "portal.contact_send": "Sent a message, feedback or a complaint from the portal",
        "portal.record_question_send": "Asked about who looked at their record",
        "portal.staff_read": "Read a message, feedback, complaint or question from the client",
        "portal.answer": "Marked a message from the client as answered",
        "portal.concerns_view": "Looked at the team's feedback and complaints",
        # Work queue and messages
        "attention.resolve": "Closed a Needs attention item",
        "messages.preference": "Changed their message settings",
        # Team settings
        "team.settings": "Changed the team's settings",
        "team.contacts": "Changed the team's contact details",
        "duty_rota.add": "Added a duty cover day",
        "duty_rota.remove": "Removed a duty cover day",
        "duty_rota.shorten": "Shortened a duty cover period",
        # People and accounts
        "account.invite": "Invited a member of staff",
        "portal.invitation_sent": "Sent an invitation to the portal",
        "portal.invitation_printed": "Printed a code to join the portal",
        "portal.invitation_withdrawn": "Withdrew an invitation to the portal",
        "portal.invitation_used": "Set up their portal account",
        "account.create": "Created their account",
        "account.roles": "Changed someone's roles",
        "account.deactivate": "Turned off an account",
        "account.reactivate": "Turned an account back on",
        "account.password_reset": "Reset their password",
        "account.password_reset_sent": "Sent a password reset link",
        # Sign-in and security
        "signin.password": "Signed in with their password",
        "signin.second_factor": "Proved it is them with a second factor",
        "signin.failed": "A sign-in failed (wrong password)",
        "signin.locked_out": "Sign-in was locked after wrong passwords",
        "signin.refused_locked": "A sign-in was refused while locked",
        "signin.sso": "Signed in with single sign-on",
        "signin.sso_linked": "Linked a single sign-on account",
        "signin.sso_refused": "Single sign-on was refused",
        # Names the single sign-on events had before the audit gained its security events:
        # rows written then keep them.
        "signed_in_with_sso": "Signed in with single sign-on",
        "sso_identity_linked": "Linked a single sign-on account",
        "sso_sign_in_refused": "Single sign-on was refused",
        "second_factor.failed": "Gave a wrong second-factor code",
        "signin_lock.release_account": "Released a locked account",
        "signin_lock.release_address": "Released a locked address",
        "second_factor.device_added": "Added a way to prove it is them",
        "second_factor.device_removed": "Removed a way to prove it is them",
        "second_factor.recovery_code_used": "Used a recovery code",
        "second_factor.recovery_codes_made": "Made new recovery codes",
        "second_factor.reset": "Reset someone's second factor",
        "signout": "Signed out",
        "access.refused": "Was refused a page they may not see",
        # A copy of the whole record on request (subject access)
        "subject_access.request": "Recorded a request for a copy of the whole record",
        "subject_access.extend": "Extended the deadline of a request for the whole record",
        "subject_access.generate": "Made a copy of the whole record",
        "subject_access.review": "Decided whether to release a name in the copy",
        "subject_access.remake": "Asked for the copy of the whole record to be made again",
        "subject_access.release": "Released a copy of the whole record",
        "subject_access.download": "Downloaded the copy of the whole record",
        # Retention review
        "retention.report": "Looked at the records due for a retention review",
        "retention.review": "Looked at a record to review how long it is kept",
        "retention.keep": "Decided to keep a record for longer",
        "retention.destroy": "Destroyed a record at the end of its retention period",
        # Group IPT (docs/group-ipt.md)
        "group.list": "Looked at the list of groups",
        "group.create": "Started a group",
        "group.view": "Looked at a group's page, which lists its members",
        "group.member_choice": "Opened the list of people who could join a group",
        "group.add_members": "Added members to a group",
        "group.session_view": "Looked at a group session's attendance",
        # Supervision
        "supervision.overview": "Looked at the supervision overview of their supervisees",
        "supervision.list": "Looked at a list of supervision meetings",
        "supervision.form": "Opened a supervision record listing a therapist's clients",
        "supervision.record": "Recorded a supervision meeting that discussed the client",
        "supervision.read": "Read a supervision meeting that discussed the client",
        "recording_consent.give": "Recorded the client's consent to recording sessions",
        "recording_consent.withdraw": "Recorded that the client withdrew consent to recording",
        # IPT for adolescents (issue 14)
        "carer.add": "Added a parent or carer of the client",
        "carer.change": "Changed the details or consents of a parent or carer",
        "appointment.attendee": "Changed who attends an appointment",
        "appointment.carer_session": "Booked a session with a parent or carer",
        # Running the service
        "service.dashboard": "Looked at the service's figures for a period",
        "service.dashboard_csv": "Downloaded the service's figures for a period",
        "service.figure_list": "Looked at the people behind one of the service's figures",
        "service.capacity": "Changed how many clients a therapist can hold",
        "service.export": "Downloaded the service's dataset export for a period",
    }
)

# Families: an action without words of its own above reads as its family (the test that every
# action in the code has words keeps this a fallback, not a habit).
FAMILY_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "signin": "Sign-in",
        "signout": "Signed out",
        "second_factor": "Second factor change",
        "access": "Access check",
        "account": "Account change",
    }
)

PAGE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "client": "Looked at the client's page",
        "client_edit": "Opened the client's details to change them",
        "allocate": "Opened the allocation page",
        "referral_new": "Opened a new referral",
        "referral_edit": "Opened a referral to correct it",
        "history": "Looked at the earlier versions of a record",
        "course_new": "Opened a new course",
        "maintenance_new": "Opened the start of maintenance IPT",
        "contract": "Looked at the agreement",
        "course_end": "Opened the ending of the course",
        "ending": "Looked at the ending record",
        "session_record": "Looked at a session record",
        "session_record_sign": "Opened a session record to sign it",
        "rebook": "Opened an appointment to rebook it",
        "calendar": "Looked at the appointments calendar",
        "focus": "Looked at the focus",
        "formulation": "Looked at the formulation",
        "inventory": "Looked at the interpersonal inventory",
        "inventory_export": "Downloaded the interpersonal inventory",
        "timeline": "Looked at the timeline",
        "measures": "Looked at the questionnaires and scores",
        "questionnaire": "Looked at a questionnaire",
        "questionnaire_new": "Opened a new questionnaire",
        "questionnaire_edit": "Opened a questionnaire to change it",
        "risk_alert": "Looked at a risk alert",
        "letters": "Looked at the letters",
        "letter": "Looked at a letter",
        "letter_request": "Looked at a letter request",
        "portal_home": "Looked at their own page in the portal",
        "portal_appointments": "Looked at their sessions in the portal",
        "appointment": "Looked at an appointment and the client's requests about it",
        "portal_message": "Read a message, feedback or complaint from the client",
        "portal_question": "Read the client's question about who looked at their record",
        "portal_invitation": "Looked at the invitation to the portal",
        "portal_questionnaires": "Looked at their questionnaires in the portal",
        "portal_questionnaire": "Opened a question of a questionnaire in the portal",
        "portal_questionnaire_check": "Checked their answers before sending a questionnaire",
        "portal_questionnaire_support": "Was shown where to get help now, after a questionnaire answer",
        "portal_scores": "Looked at their own scores in the portal",
        "portal_letters": "Looked at their letters in the portal",
        "portal_my_needs": "Looked at their communication needs in the portal",
        "portal_information_easy_read": "Read the easy-read information in the portal",
        "needs_told": "Looked at the communication needs told in the portal",
        "recording_consent": "Looked at the client's consent to recording sessions",
        "portal_my_therapy": "Looked at their therapy in the portal",
        "portal_sharing": "Looked at what the client sees in the portal",
        "portal_suggestion": "Looked at a suggestion from the portal",
        "subject_access": "Looked at the requests for a copy of the whole record",
        "subject_access_request": "Looked at a request for a copy of the whole record",
        "adherence": "Looked at the adherence ratings of a course",
        "adherence_rate": "Opened a session to rate adherence to IPT",
        "carers": "Looked at the client's parents and carers",
        "appointment_attendee": "Opened an appointment to change who attends",
        "carer_session_new": "Opened a new session with a parent or carer",
        "eating_log": "Looked at the eating log of a course",
        "eating_measure": "Opened an eating-disorder questionnaire to record it",
    }
)

# For the service user: did this person only look, or change something?
LOOKING = frozenset(
    {
        "client.view",
        "client.nothing_to_see",
        "letter.download",
        "portal.calendar_download",
        "letter.portal_download",
        "audit.client_view",
        "audit.client_csv",
        "portal.staff_read",
        # Handling a request for the whole record reads it; it changes nothing in it.
        "subject_access.request",
        "subject_access.extend",
        "subject_access.generate",
        "subject_access.review",
        "subject_access.remake",
        "subject_access.release",
        "subject_access.download",
        "retention.review",
        # Rating adherence reads a session; it is feedback to staff, not a change to the record.
        "adherence.rate",
        "adherence.update",
    }
)

# Never shown to the service user: security events and refusals are about staff, not the record.
NOT_FOR_THE_CLIENT_PREFIXES = ("signin", "signout", "second_factor", "access.", "sso", "account")


def describe(action: str, detail: Mapping[str, Any] | None = None) -> str:
    """What happened, in plain words."""
    if action == "client.view" and detail:
        page = str(detail.get("page", ""))
        if page in PAGE_LABELS:
            return PAGE_LABELS[page]
        if page.startswith("letter_"):
            return "Looked at a letter"
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    family = action.split(".", 1)[0]
    return FAMILY_LABELS.get(family, "Other activity")
