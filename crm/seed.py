"""Sample users and teams (the first seeder)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext

from crm.lib.seeding import SeedContext, report_counts, seeding_in_german
from crm.models import Team, User

DEMO_PASSWORD = "crm-demo-2026"  # noqa: S105 - the documented demo login
DEMO_GERMAN_USER = "jana.schaefer@demo.test"  # the README's German-speaking login

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Klara",
    "Lukas",
    "Marie",
    "Noah",
    "Olga",
    "Paul",
    "Quirin",
    "Rosa",
    "Simon",
    "Tina",
    "Uwe",
    "Vera",
    "Walter",
    "Xenia",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
]
REGIONS = [
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Austria",
    "Switzerland",
    "Benelux",
    "Nordics",
    "Key Accounts",
]
# a German tenant's teams: "Vertrieb Nord" under "Vertrieb"
ROOT_TEAM, ROOT_TEAM_DE = "Sales", "Vertrieb"
REGIONS_DE = [
    "Nord",
    "Süd",
    "Ost",
    "West",
    "Mitte",
    "Österreich",
    "Schweiz",
    "Benelux",
    "Skandinavien",
    "Großkunden",
]


def seed_users(ctx: SeedContext) -> None:
    """Teams under a sales organisation, a manager per team, salespeople; one password for all."""
    n_users = max(8, min(50, ctx.customers // 2000))
    n_teams = max(2, min(10, n_users // 5))
    root_name, regions = (ROOT_TEAM_DE, REGIONS_DE) if seeding_in_german() else (ROOT_TEAM, REGIONS)
    root, _ = Team.objects.get_or_create(name=root_name)
    teams = [
        Team.objects.get_or_create(name=f"{root_name} {regions[i]}", defaults={"parent": root})[0]
        for i in range(n_teams)
    ]
    password_hash = make_password(DEMO_PASSWORD)  # hash once: hashing is slow by design
    existing = set(User.objects.values_list("email", flat=True))
    new_users = []
    for i in range(n_users):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        email = f"{first.lower()}.{i + 1}@demo.test"
        if email in existing:
            continue
        team = teams[i % n_teams]
        role = User.Role.MANAGER if i < n_teams else User.Role.SALESPERSON
        new_users.append(
            User(
                email=email,
                first_name=first,
                last_name=last,
                role=role,
                team=team,
                password=password_hash,
            )
        )
    User.objects.bulk_create(new_users)
    managers = {u.team_id: u for u in User.objects.filter(role=User.Role.MANAGER)}
    for user in User.objects.filter(
        role=User.Role.SALESPERSON, supervisor__isnull=True, team__isnull=False
    ):
        if user.team_id in managers:
            user.supervisor = managers[user.team_id]
            user.save(update_fields=["supervisor"])
    ctx.made["users"] = list(
        User.objects.filter(is_active=True).exclude(role=User.Role.ADMIN).order_by("pk")
    )
    ctx.made["teams"] = teams
    ctx.stdout(
        gettext("users: %(users)s in %(teams)s teams")
        % report_counts({"users": len(ctx.made["users"]), "teams": len(teams)})
    )


def demo_german_user_ensure() -> bool:
    """The demo tenant's German-speaking tenant admin (language de); True when it was created."""
    from crm.services import user_create

    if User.objects.filter(email__iexact=DEMO_GERMAN_USER).exists():
        return False
    user_create(
        email=DEMO_GERMAN_USER,
        password=DEMO_PASSWORD,
        role=User.Role.ADMIN,
        first_name="Jana",
        last_name="Schäfer",
        language="de",
        validate=False,
    )
    return True
