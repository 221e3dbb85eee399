"""Demo accounts: one per role, with a known password."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, grant_role

DEMO_PASSWORD = "canyu-demo-2026"
DEMO_USERS = [
    # username, e-mail, role, display name, phone model, city, staff
    ("admin", "admin@demo.canyu.localhost", Role.ADMIN, "管理员 Admin", "Xiaomi 14 Pro", "北京", True),
    ("moderator", "moderator@demo.canyu.localhost", Role.MODERATOR, "版主 Mod", "Redmi K70", "上海", True),
    ("pm_lin", "pm@demo.canyu.localhost", Role.PRODUCT_MANAGER, "产品经理 Lin", "Xiaomi 14", "北京", False),
    ("engineer", "engineer@demo.canyu.localhost", Role.ENGINEER, "工程师 Zhou", "Xiaomi 13 Ultra", "武汉", False),
    ("fan", "fan@demo.canyu.localhost", Role.FAN, "Fan Ada", "Redmi Note 13", "Shenzhen", False),
    ("米粉小王", "xiaowang@demo.canyu.localhost", Role.FAN, "小王", "Xiaomi Civi 4", "成都", False),
]


@transaction.atomic
def create_demo_users() -> int:
    """Create the demo accounts that do not exist yet; returns how many were made."""
    created = 0
    for username, email, role, display_name, phone, city, staff in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            email=email,
            display_name=display_name,
            phone_model=phone,
            city=city,
            is_staff=staff,
            is_superuser=(role == Role.ADMIN),
            # Members for a year: the demo's posts, ideas and votes are held to an established
            # account's limits, not a first day's (forum.ratelimits).
            date_joined=timezone.now() - timedelta(days=365),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        grant_role(user, Role.FAN)
        if role != Role.FAN:
            grant_role(user, role)
        created += 1
    return created
