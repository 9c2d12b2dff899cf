from django.urls import path

from sidebyside.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/link/", views.sign_in_link, name="sign_in_link"),
    path("sign-in/two-step/", views.two_step, name="two_step"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/", views.account, name="account"),
]
