from django.urls import path

from sidebyside.notify import views

app_name = "notify"

urlpatterns = [path("notify/delivery-receipts/", views.delivery_receipt, name="delivery_receipt")]
