"""URLs of payments."""
app_name = "payments"
urlpatterns: list = []
