from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    # A fan's profile (/u/<name>/, URL name "profile") reads every app: community/urls.py.
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/", views.edit_preferences, name="preferences"),
    path("language/", views.set_language, name="set_language"),
]
