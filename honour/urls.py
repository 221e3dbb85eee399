from django.urls import path

from honour import views

app_name = "honour"

urlpatterns = [
    path("honour/", views.leaderboard, name="leaderboard"),
    path("honour/medals/", views.medal_list, name="medals"),
    path("honour/medals/shown/", views.show_medals, name="show_medals"),
    path("honour/medals/<slug:slug>/", views.medal, name="medal"),
    path("honour/serial/", views.serial_voting, name="serial"),
]
