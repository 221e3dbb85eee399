from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/", views.edit_preferences, name="preferences"),
    path("language/", views.set_language, name="set_language"),
]
