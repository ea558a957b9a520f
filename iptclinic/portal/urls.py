from django.urls import path

from iptclinic.ipt.instruments import INSTRUMENTS

from . import appointments, contact, join, letters, needs, questionnaires, therapy, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
    # appointments (issue 11, item 2)
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments.ics", appointments.calendar_file, name="appointments_ics"),
    path("appointments/reminders/", appointments.reminders, name="reminders"),
    path(
        "appointments/<int:appointment_id>/sent/",
        appointments.session_request_sent,
        name="session_request_sent",
    ),
    path(
        "appointments/<int:appointment_id>/cant-come/",
        appointments.session_request,
        {"kind": "cant-come"},
        name="cant_come",
    ),
    path(
        "appointments/<int:appointment_id>/move/",
        appointments.session_request,
        {"kind": "move"},
        name="move",
    ),
    # contact: contact and concerns, and asking about an entry of "who has looked"
    path("contact/", contact.contact, name="contact"),
    path("contact/message/", contact.send, {"kind": "message"}, name="contact_message"),
    path("contact/feedback/", contact.send, {"kind": "feedback"}, name="contact_feedback"),
    path("contact/complaint/", contact.send, {"kind": "complaint"}, name="contact_complaint"),
    path("contact/sent/", contact.sent, name="contact_sent"),
    path("who-has-looked/ask/", contact.ask, name="who_has_looked_ask"),
    path("team/messages/<int:message_id>/", contact.staff_message, name="staff_message"),
    path("team/questions/<int:question_id>/", contact.staff_question, name="staff_question"),
    path("team/concerns/", contact.concerns, name="concerns"),
    # end contact
    # join (issue 11, item 1): staff invite from the client page; the person joins before sign-in.
    path("invitations/<int:client_id>/", join.invitation_page, name="join_invitation"),
    path("invitations/<int:client_id>/send/", join.send, name="join_send"),
    path("invitations/<int:client_id>/print/", join.print_code, name="join_print"),
    path("invitations/<int:client_id>/withdraw/", join.withdraw, name="join_withdraw"),
    path("join/", join.join_code, name="join_code"),
    path("join/link/<str:token>/", join.join_link, name="join_link"),
    path("join/set-up/", join.set_up, name="join_set_up"),
    path("join/second-factor/", join.second_factor, name="join_second_factor"),
    # end join
    # letters and needs (issue 11, items 5 and 6)
    path("letters/", letters.my_letters, name="letters"),
    path("letters/files/<int:file_id>/", letters.download, name="letter_download"),
    path("information/easy-read/", letters.information_easy_read, name="information_easy_read"),
    path("my-needs/", needs.my_needs, name="my_needs"),
    # therapy (item 4): my therapy, as we agreed it
    path("my-therapy/", therapy.my_therapy, name="my_therapy"),
    path("my-therapy/goals/", therapy.rate_goals, name="rate_goals"),
    path("my-therapy/add-someone/", therapy.add_someone, name="add_someone"),
    path("my-therapy/not-right/", therapy.not_right, name="not_right"),
]

# questionnaires (issue 11 item 3): one literal path per questionnaire, so no id is ever in a URL
urlpatterns += [
    path("questionnaires/", questionnaires.questionnaire_list, name="questionnaires"),
    path("questionnaires/sent/", questionnaires.sent, name="questionnaire_sent"),
    path("scores/", questionnaires.scores, name="scores"),
]
for _code in INSTRUMENTS:
    urlpatterns += [
        path(
            f"questionnaires/{_code}/",
            questionnaires.question,
            {"code": _code},
            name=f"questionnaire_{_code}",
        ),
        path(
            f"questionnaires/{_code}/check/",
            questionnaires.check,
            {"code": _code},
            name=f"questionnaire_check_{_code}",
        ),
        path(
            f"questionnaires/{_code}/send/",
            questionnaires.send,
            {"code": _code},
            name=f"questionnaire_send_{_code}",
        ),
        path(
            f"questionnaires/{_code}/support/",
            questionnaires.support,
            {"code": _code},
            name=f"questionnaire_support_{_code}",
        ),
    ]
# end questionnaires
