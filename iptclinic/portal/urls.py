from django.urls import path

from . import therapy, views

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("who-has-looked/", views.who_has_looked, name="who_has_looked"),
    # therapy (item 4): my therapy, as we agreed it
    path("my-therapy/", therapy.my_therapy, name="my_therapy"),
    path("my-therapy/goals/", therapy.rate_goals, name="rate_goals"),
    path("my-therapy/add-someone/", therapy.add_someone, name="add_someone"),
    path("my-therapy/not-right/", therapy.not_right, name="not_right"),
]
