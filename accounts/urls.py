from django.urls import path

from accounts import views
from canyu import profile_views

app_name = "accounts"
urlpatterns = [
    # The profile shows what the fan did in every app, so its view lives above them all (canyu/).
    path("u/<str:username>/", profile_views.profile, name="profile"),
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/", views.edit_preferences, name="preferences"),
    path("language/", views.set_language, name="set_language"),
]
