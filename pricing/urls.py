"""URLs of pricing."""
app_name = "pricing"
urlpatterns: list = []
