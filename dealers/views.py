"""HTML views of dealers."""
from django.shortcuts import render


def apply(request):
    return render(request, "dealers/apply.html")
