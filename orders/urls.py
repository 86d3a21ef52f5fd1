"""URLs of orders."""
app_name = "orders"
urlpatterns: list = []
