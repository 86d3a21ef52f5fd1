"""URLs of payments: the dealer's invoices and statement, the staff's reconciliation and accounting export."""
from django.urls import path

from . import views

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
]
