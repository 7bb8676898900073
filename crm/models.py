"""Users and teams of a tenant. Each tenant schema has its own users; the public schema has the
operators who manage tenants."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.lib.collation import NAME_COLLATION
from crm.lib.teams import parent_makes_cycle


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True, db_collation=NAME_COLLATION)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        parents = dict(Team.objects.values_list("pk", "parent_id"))
        if parent_makes_cycle(parents, team_id=self.pk, parent_id=self.parent_id):
            raise ValidationError(
                {"parent": _("A team cannot sit under itself or under one of its own sub-teams.")}
            )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        MANAGER = "manager", _("Manager")
        SALESPERSON = "salesperson", _("Salesperson")

    username = None
    # German name order (crm/lib/collation.py); AbstractUser's fields otherwise.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, db_collation=NAME_COLLATION
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, db_collation=NAME_COLLATION
    )
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.SALESPERSON
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    # "" = the browser's language (Accept-Language); new users get their tenant's default.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the language of the browser."),
    )

    class AfterCreate(models.TextChoices):
        OPEN = "open", _("Open the new record")
        STAY = "stay", _("Stay on the page (with a message and a link)")

    # what the "+ New" dialog does after saving; remembered from the dialog's own switch
    after_create = models.CharField(
        _("after creating from “+ New”"),
        max_length=8,
        choices=AfterCreate.choices,
        default=AfterCreate.OPEN,
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return "".join(p[0] for p in parts).upper() or self.email[:2].upper()

    @property
    def is_tenant_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER
