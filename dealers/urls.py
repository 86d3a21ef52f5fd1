"""URLs of dealers: the public application, the dealer account area, sales agents."""
from django.urls import path

from . import views

app_name = "dealers"
urlpatterns = [
    path("dealers/apply/", views.apply, name="apply"),
    path("dealers/apply/done/", views.apply_done, name="apply_done"),
    path("dealers/documents/<str:token>/", views.download_document, name="document"),
    path("account/", views.dashboard, name="dashboard"),
    path("account/status/", views.status, name="status"),
    path("account/terms/", views.terms, name="terms"),
    path("account/company/", views.company, name="company"),
    path("account/addresses/", views.addresses, name="addresses"),
    path("account/addresses/new/", views.address_edit, name="address_new"),
    path("account/addresses/<int:pk>/", views.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("account/users/", views.users, name="users"),
    path("account/users/invite/", views.user_invite, name="user_invite"),
    path("account/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("account/invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("agents/dealers/", views.agent_dealers, name="agent_dealers"),
    path("agents/act/<int:pk>/", views.act_for, name="act_for"),
    path("agents/stop/", views.stop_acting, name="stop_acting"),
]
