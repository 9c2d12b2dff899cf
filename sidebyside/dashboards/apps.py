from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """The programme dashboard and hub pages: read-only views that gather from every app.

    It sits at the top of the dependency chain, so later apps (voices, enquiries)
    can add their figures here without the apps below knowing about them.
    """

    name = "sidebyside.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
