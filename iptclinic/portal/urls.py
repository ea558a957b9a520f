from django.urls import path

from . import letters, needs, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
    # letters and needs (issue 11, items 5 and 6)
    path("letters/", letters.my_letters, name="letters"),
    path("letters/files/<int:file_id>/", letters.download, name="letter_download"),
    path("information/easy-read/", letters.information_easy_read, name="information_easy_read"),
    path("my-needs/", needs.my_needs, name="my_needs"),
]
