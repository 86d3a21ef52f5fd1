"""URLs of catalog."""
app_name = "catalog"
urlpatterns: list = []
