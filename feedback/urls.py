"""URLs of feedback."""
app_name = "feedback"
urlpatterns: list = []
