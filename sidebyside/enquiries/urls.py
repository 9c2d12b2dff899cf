"""Enquiries: the board and each enquiry, "you said, we did", my impact, messages to leaders."""

from sidebyside.enquiries import urls_board, urls_impact, urls_messages, urls_you_said

app_name = "enquiries"

urlpatterns = [
    *urls_board.urlpatterns,
    *urls_you_said.urlpatterns,
    *urls_impact.urlpatterns,
    *urls_messages.urlpatterns,
]
