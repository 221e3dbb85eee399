from django.urls import path

from meetups import views

app_name = "meetups"

urlpatterns = [
    path("meetups/", views.meetup_list, name="list"),
    path("meetups/new/", views.organise, name="new"),
    path("meetups/review/", views.review_queue, name="review_queue"),
    path("meetups/<int:meetup_id>/", views.detail, name="detail"),
    path("meetups/<int:meetup_id>/rsvp/", views.answer, name="rsvp"),
    path("meetups/<int:meetup_id>/cancel/", views.cancel, name="cancel"),
    path("meetups/<int:meetup_id>/review/", views.review, name="review"),
    path("meetups/<int:meetup_id>.ics", views.calendar_file, name="ics"),
]
