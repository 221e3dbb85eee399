from django.urls import path

from feedback import summary_views, views

app_name = "feedback"

urlpatterns = [
    # The four-cell report and the Popcorn Award (feedback.views)
    path("report/<slug:product_slug>/<str:version>/", views.report, name="report"),
    path("awards/", views.awards, name="awards"),
    path("awards/<slug:product_slug>/", views.product_awards, name="product_awards"),
    path("awards/<slug:product_slug>/<str:version>/", views.award, name="award"),
    path("awards/<slug:product_slug>/<str:version>/card.png", views.award_card, name="award_card"),
    # The product managers' feedback summaries (feedback.summary_views)
    path("feedback/<slug:product_slug>/", summary_views.trend, name="trend"),
    path("feedback/<slug:product_slug>/<str:version>/", summary_views.summary, name="summary"),
    path("feedback/<slug:product_slug>/<str:version>/updates.csv", summary_views.items_csv, name="summary_items_csv"),
    path(
        "feedback/<slug:product_slug>/<str:version>/comments.csv",
        summary_views.comments_csv,
        name="summary_comments_csv",
    ),
]
