"""URLs of payments: the dealer's invoices and statement, card payments, the staff's reconciliation and accounting
export."""
from django.urls import path

from . import views, views_cards

app_name = "payments"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("invoices/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("statement/", views.statement, name="statement"),
    path("statement.csv", views.statement_csv, name="statement_csv"),
    path("statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("export.csv", views.accounting_export, name="export"),
    path("card/pay/<str:number>/", views_cards.card_pay, name="card_pay"),
    path("card/return/", views_cards.card_return, name="card_return"),
    path("card/notify/", views_cards.card_notify, name="card_notify"),
    path("card/offline-test/<str:reference>/", views_cards.offline_card_page, name="offline_card_page"),
]
