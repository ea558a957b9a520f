from django.urls import path

from . import join, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
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
]
