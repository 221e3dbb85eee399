"""Demo data: one account per role with a known password. Safe to run again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role, grant_role

DEMO_PASSWORD = "canyu-demo-2026"
DEMO_USERS = [
    # username, role, display name, phone model, city, staff
    ("admin", Role.ADMIN, "管理员 Admin", "Xiaomi 14 Pro", "北京", True),
    ("moderator", Role.MODERATOR, "版主 Mod", "Redmi K70", "上海", True),
    ("pm_lin", Role.PRODUCT_MANAGER, "产品经理 Lin", "Xiaomi 14", "北京", False),
    ("engineer", Role.ENGINEER, "工程师 Zhou", "Xiaomi 13 Ultra", "武汉", False),
    ("fan", Role.FAN, "Fan Ada", "Redmi Note 13", "Shenzhen", False),
    ("米粉小王", Role.FAN, "小王", "Xiaomi Civi 4", "成都", False),
]


class Command(BaseCommand):
    help = "Create the demo accounts (once) and print them."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DJANGO_ENV=production.")

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError("Refusing to create demo accounts with known passwords in production.")
        created = self.create_users()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new accounts)."))
        self.stdout.write("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role.value}")

    @transaction.atomic
    def create_users(self) -> int:
        created = 0
        for username, role, display_name, phone, city, staff in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            email = f"{username if username.isascii() else 'xiaowang'}@demo.canyu.localhost"
            user = User(
                username=username, email=email, display_name=display_name, phone_model=phone,
                city=city, is_staff=staff, is_superuser=(role == Role.ADMIN),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            grant_role(user, Role.FAN)
            if role != Role.FAN:
                grant_role(user, role)
            created += 1
        return created
