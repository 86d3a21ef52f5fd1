"""URLs of orders: the cart, quick order, saved lists, checkout, the dealer's orders and returns."""
from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/add-many/", views.cart_add_many, name="cart_add_many"),
    path("cart/clear/", views.cart_clear, name="cart_clear"),
    path("cart/save-as-list/", views.cart_save_as_list, name="cart_save_as_list"),
    path("cart/lines/<int:pk>/", views.cart_line, name="cart_line"),
    path("cart/lines/<int:pk>/remove/", views.cart_line_remove, name="cart_line_remove"),
    path("cart/quick/", views.quick_order, name="quick_order"),
    path("lists/", views.lists, name="lists"),
    path("lists/picker/", views.list_picker, name="list_picker"),
    path("lists/add-product/", views.list_add_product, name="list_add_product"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/rename/", views.list_rename, name="list_rename"),
    path("lists/<int:pk>/delete/", views.list_delete, name="list_delete"),
    path("lists/<int:pk>/lines/", views.list_add_lines, name="list_add_lines"),
    path("lists/<int:pk>/lines/<int:line_pk>/", views.list_line, name="list_line"),
    path("lists/<int:pk>/lines/<int:line_pk>/remove/", views.list_line_remove, name="list_line_remove"),
    path("lists/<int:pk>/to-cart/", views.list_to_cart, name="list_to_cart"),
    path("cart/quote/", views.cart_quote, name="cart_quote"),
    path("checkout/", views.checkout, name="checkout"),
    path("", views.order_list, name="orders"),
    path("<str:number>/", views.order_detail, name="order"),
    path("<str:number>/approve/", views.order_approve, name="order_approve"),
    path("<str:number>/reject/", views.order_reject, name="order_reject"),
    path("<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("<str:number>/change/", views.order_change, name="order_change"),
    path("<str:number>/again/", views.order_again, name="order_again"),
    path("returns/photos/<str:token>/", views.return_photo, name="return_photo"),
    path("<str:number>/lines/<int:line_pk>/return/", views.order_return, name="order_return"),
]
