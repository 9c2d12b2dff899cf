from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email) if email else None, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **extra: Any) -> User:
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who can sign in.

    Staff (programme admins, coordinators, facilitators, partners and leaders)
    sign in with an email address, a password and two-step verification.
    Members never need a password: they follow single-use links sent to them.
    What a user may do comes from their memberships (``hubs.Membership``).
    """

    class Expertise(models.TextChoices):
        EXPERIENCE = "experience", "Expert by experience"
        PROFESSION = "profession", "Expert by profession"
        BOTH = "both", "Expert by experience and by profession"

    email = models.EmailField("email address", null=True, blank=True, unique=True)
    full_name = models.CharField(max_length=150)
    known_as = models.CharField(
        "name they like to be called",
        max_length=80,
        blank=True,
        help_text="Leave blank to use their full name.",
    )
    expertise = models.CharField(max_length=16, choices=Expertise.choices, default=Expertise.EXPERIENCE)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Changing this ends every signed-in session of the user ("sign out everywhere").
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.known_as or self.full_name

    def get_session_auth_hash(self) -> str:
        # Django ends sessions whose stored hash no longer matches: include the
        # stamp so that rotating it signs the user out on every device.
        return super().get_session_auth_hash() + self.security_stamp

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield fallback + self.security_stamp
