"""The demand reads, mounted at /demand/: the gap analysis and the recommendations."""

from django.urls import path

from sanhak.demand import views_gaps

app_name = "demand_gaps"
urlpatterns = [
    path("gaps/", views_gaps.gaps, name="gaps"),
    path("gaps/demand/<str:code>/<slug:track>/", views_gaps.gap_demand, name="demand"),
    path("gaps/supply/<str:code>/<slug:track>/", views_gaps.gap_supply, name="supply"),
    path("recommendations/", views_gaps.recommendations, name="recommendations"),
]
