from django.urls import path

from cmeledger.front import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("entries/add/", views.dashboard, name="entry-add"),
    path("certificates/", views.dashboard, name="certificates"),
]
