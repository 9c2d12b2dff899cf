"""People: the staff pages (``urls_staff``) and each person's own pages (``urls_me``)."""

from sidebyside.people import urls_me, urls_staff

app_name = "people"

urlpatterns = [*urls_staff.urlpatterns, *urls_me.urlpatterns]
