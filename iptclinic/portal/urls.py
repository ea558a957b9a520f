from django.urls import path

from iptclinic.ipt.instruments import INSTRUMENTS

from . import questionnaires, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
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
