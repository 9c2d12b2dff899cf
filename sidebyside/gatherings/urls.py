"""Gatherings: planning and recording (``urls_plan``), the method library (``urls_methods``),
run mode (``urls_run``) and calendars (``urls_calendar``)."""

from sidebyside.gatherings import urls_calendar, urls_methods, urls_plan, urls_run

app_name = "gatherings"

urlpatterns = [
    *urls_plan.urlpatterns,
    *urls_methods.urlpatterns,
    *urls_run.urlpatterns,
    *urls_calendar.urlpatterns,
]
