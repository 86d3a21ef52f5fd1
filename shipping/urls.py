"""URLs of shipping."""
app_name = "shipping"
urlpatterns: list = []
