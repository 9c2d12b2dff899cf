from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sidebyside.accounts.models import User
from sidebyside.accounts.services import sign_in_link_create


class Command(BaseCommand):
    help = "Print a single-use sign-in link for one account (for operators and the demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--email", help="the account's email address")
        group.add_argument("--user-id", type=int, help="the account's id, for members without email")

    def handle(self, *args: Any, email: str | None, user_id: int | None, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=email) if email else User.objects.get(pk=int(user_id or 0))
        except User.DoesNotExist:
            raise CommandError("No account matches that.") from None
        self.stdout.write(sign_in_link_create(user=user))
