from django.urls import path

from community import views

# No namespace: every app links to the home page and to people's profiles ({% url 'profile' name %}).
urlpatterns = [
    path("", views.home, name="home"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("search/", views.search, name="search"),
    path("activities/", views.activities, name="activities"),
]
