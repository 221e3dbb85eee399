from django.urls import path

from guesses import views

app_name = "guesses"

urlpatterns = [
    path("guess/", views.teaser_list, name="list"),
    path("guess/<int:teaser_id>/", views.detail, name="detail"),
    path("guess/<int:teaser_id>/guess/", views.guess, name="guess"),
    path("guess/<int:teaser_id>/card.png", views.card, name="card"),
]
