from django.urls import path

from . import views

app_name = "attention"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("<int:item_id>/close/", views.resolve, name="resolve"),
]
