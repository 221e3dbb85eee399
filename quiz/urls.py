from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="list"),
    path("quizzes/<int:quiz_id>/", views.detail, name="detail"),
    path("quizzes/<int:quiz_id>/start/", views.start, name="start"),
    path("quizzes/<int:quiz_id>/submit/", views.submit, name="submit"),
    path("quizzes/<int:quiz_id>/result/", views.result, name="result"),
]
