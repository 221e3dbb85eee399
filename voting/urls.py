from django.urls import path

app_name = "voting"

urlpatterns = [
    # Ideas (voting.views)

    # Polls (voting.poll_views)
]
